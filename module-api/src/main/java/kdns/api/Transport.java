package kdns.api;

/** How a query reached the server. */
public enum Transport {
    UDP("udp"), TCP("tcp"), TLS("tcp"), GRPC("tcp");

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
