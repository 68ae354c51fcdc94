/** The {@code errors} plugin: logs the errors of the rest of the chain, optionally consolidated. */
package kdns.plugin.standard.errors;
