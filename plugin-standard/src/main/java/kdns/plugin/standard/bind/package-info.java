/** The {@code bind} plugin: restricts the addresses a server block listens on. */
package kdns.plugin.standard.bind;
