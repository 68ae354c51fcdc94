/** The {@code debug} plugin: plugin failures logged in full. */
package kdns.plugin.standard.debug;
