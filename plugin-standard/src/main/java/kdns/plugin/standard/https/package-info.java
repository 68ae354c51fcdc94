/** The {@code https} plugin: the connection limit of the DNS-over-HTTPS servers. */
package kdns.plugin.standard.https;
