package kdns.api;

/**
 * How a query reached the server: plain UDP or TCP ({@code dns://}), DNS over TLS ({@code tls://}),
 * gRPC, or DNS over HTTPS ({@code https://}, RFC 8484). Every transport but UDP is a stream one, and
 * says {@code tcp} as its protocol, as CoreDNS's {@code request.Proto()} does.
 */
public enum Transport {
    UDP("udp"), TCP("tcp"), TLS("tcp"), GRPC("tcp"), HTTPS("tcp");

    private final String proto;

    Transport(String proto) {
        this.proto = proto;
    }

    /** {@code udp} or {@code tcp}, as CoreDNS's {@code request.Proto()} and its metrics say. */
    public String proto() {
        return proto;
    }

    /** True for every stream transport (no truncation, 64 KiB messages). */
    public boolean stream() {
        return this != UDP;
    }
}
