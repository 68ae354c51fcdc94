/** The {@code cancel} plugin: SERVFAIL for queries not answered within a timeout. */
package kdns.plugin.standard.cancel;
