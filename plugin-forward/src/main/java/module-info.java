import kdns.plugin.forward.ForwardPlugin;

/**
 * The forward plugin: proxies queries to upstream resolvers over UDP, TCP and DNS-over-TLS.
 * Nothing is exported; the host finds the plugin through {@link kdns.api.Plugin}.
 */
module kdns.plugin.forward {
    requires kdns.api;

    provides kdns.api.Plugin with ForwardPlugin;
}
