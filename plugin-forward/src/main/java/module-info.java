import kdns.plugin.forward.ForwardPlugin;
import kdns.plugin.forward.ProxyPlugin;
import kdns.plugin.forward.grpc.GrpcPlugin;

/**
 * The forward plugin: proxies queries to upstream resolvers over UDP, TCP, DNS-over-TLS and
 * DNS-over-HTTPS (with the JDK's HTTP client);
 * {@code proxy}, its deprecated alias for Corefiles older than CoreDNS 1.6; and {@code grpc},
 * CoreDNS's plugin for upstreams that serve {@code coredns.dns.DnsService/Query}.
 * Nothing is exported; the host finds the plugins through {@link kdns.api.Plugin}.
 */
module kdns.plugin.forward {
    requires kdns.api;
    requires java.net.http;
    // grpc: grpc-java on Netty, automatic modules of the boot layer (the host serves grpc:// with
    // them); the plugin folder carries no copy.
    requires io.grpc;
    requires io.grpc.netty;
    requires io.netty.handler;
    // UDP upstream sockets on the epoll event loop of the server's UDP listener (LoopUdpTransport):
    // Netty's epoll transport, in the boot layer beside the host's listener.
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.unix.common;
    requires kdns.netty; // BatchReadBuffers, the upstream sockets' read buffers (boot layer too)

    provides kdns.api.Plugin with ForwardPlugin, ProxyPlugin, GrpcPlugin;
}
