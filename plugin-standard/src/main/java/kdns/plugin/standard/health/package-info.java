/** The {@code health} plugin: a process-wide {@code /health} HTTP endpoint with a self-check. */
package kdns.plugin.standard.health;
