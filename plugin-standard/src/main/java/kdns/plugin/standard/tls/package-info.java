/** The {@code tls} plugin: the certificate of a block's DNS-over-TLS and gRPC servers. */
package kdns.plugin.standard.tls;
