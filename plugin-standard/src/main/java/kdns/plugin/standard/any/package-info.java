/** The {@code any} plugin: minimal answers to ANY queries (RFC 8482). */
package kdns.plugin.standard.any;
