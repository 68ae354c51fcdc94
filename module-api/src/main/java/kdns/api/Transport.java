package kdns.api;

/**
 * How a query reached the server: plain UDP or TCP ({@code dns://}), DNS over TLS ({@code tls://}),
 * gRPC, DNS over HTTPS ({@code https://}, RFC 8484) or DNS over QUIC ({@code quic://}, RFC 9250).
 * Each says the protocol CoreDNS's {@code request.Proto()} says: {@code tcp} for TCP, TLS, gRPC and
 * HTTPS; {@code udp} for UDP and for QUIC, whose client address is a UDP one (so CoreDNS fits a
 * QUIC reply into the client's UDP buffer size, and kdns does the same).
 */
public enum Transport {
    UDP("udp"), TCP("tcp"), TLS("tcp"), GRPC("tcp"), HTTPS("tcp"), QUIC("udp");

    private final String proto;

    Transport(String proto) {
        this.proto = proto;
    }

    /** {@code udp} or {@code tcp}, as CoreDNS's {@code request.Proto()} and its metrics say. */
    public String proto() {
        return proto;
    }

    /** True where CoreDNS's protocol is {@code tcp}: no truncation, 64 KiB messages, zone transfers. */
    public boolean stream() {
        return proto.equals("tcp");
    }
}
