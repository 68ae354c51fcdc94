/** The {@code multisocket} plugin: CoreDNS's sockets-per-port setting, accepted. */
package kdns.plugin.standard.multisocket;
