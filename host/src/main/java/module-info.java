/**
 * The kdns host: the command line, the Corefile parser, plugin loading into module layers, the
 * UDP, TCP, DNS-over-TLS, DNS-over-HTTPS, gRPC and DNS-over-QUIC servers and the lifecycle. Plugins never depend on it;
 * they see only {@code kdns.api}.
 */
module kdns.host {
    requires transitive kdns.api;
    requires jdk.unsupported; // sun.misc.Signal for SIGUSR1 reloads
    // UDP with batched system calls (EpollUdpListener); the native library is in the classifier
    // jars beside them, resolved with these automatic modules.
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.unix.common; // its Socket: deferred UDP replies sent from the writing thread
    requires kdns.netty; // BatchReadBuffers, the listener's read buffers
    // DNS over HTTPS (HttpsListener): TLS, HTTP/1.1 and HTTP/2; grpc:// servers (GrpcListener):
    // grpc-java on Netty, automatic modules like Netty's.
    requires io.netty.codec;
    requires io.netty.handler;
    requires io.netty.codec.http;
    requires io.netty.codec.http2;
    // DNS over QUIC (QuicListener): Netty's QUIC codec; its native library (quiche with BoringSSL)
    // is in the classifier jar, a module of its own that the launcher adds to the boot layer.
    requires io.netty.codec.classes.quic;
    requires io.grpc;
    requires io.grpc.netty;
    requires java.logging; // quiets grpc-java's per-message warnings

    uses kdns.api.Plugin;

    exports kdns.host.corefile;
    exports kdns.host.plugins;
    exports kdns.host.setup;
    exports kdns.host.server;
    exports kdns.host.runtime;
    exports kdns.host.cli;
    exports kdns.host.metrics;
}
