import kdns.plugin.forward.ForwardPlugin;
import kdns.plugin.forward.ProxyPlugin;

/**
 * The forward plugin: proxies queries to upstream resolvers over UDP, TCP, DNS-over-TLS and
 * DNS-over-HTTPS (with the JDK's HTTP client); and
 * {@code proxy}, its deprecated alias for Corefiles older than CoreDNS 1.6.
 * Nothing is exported; the host finds the plugin through {@link kdns.api.Plugin}.
 */
module kdns.plugin.forward {
    requires kdns.api;
    requires java.net.http;

    provides kdns.api.Plugin with ForwardPlugin, ProxyPlugin;
}
