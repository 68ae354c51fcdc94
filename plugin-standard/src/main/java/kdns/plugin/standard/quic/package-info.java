/** The {@code quic} plugin: limits of the DNS-over-QUIC servers. */
package kdns.plugin.standard.quic;
