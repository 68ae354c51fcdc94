import kdns.plugin.etcd.EtcdPlugin;

/**
 * The etcd plugin: SkyDNS-style records (as ExternalDNS's CoreDNS provider writes them) served
 * from an in-memory copy of an etcd v3 path kept current by a watch. Nothing is exported; the
 * host finds the plugin through {@link kdns.api.Plugin}.
 */
module kdns.plugin.etcd {
    requires kdns.api;
    requires jetcd.core;
    requires jetcd.common;
    requires jetcd.api;
    requires io.grpc; // NameResolverRegistry: jetcd's resolvers, registered by hand (EtcdStore)
    requires io.grpc.netty;
    requires io.netty.handler;
    requires com.fasterxml.jackson.core;

    provides kdns.api.Plugin with EtcdPlugin;
}
