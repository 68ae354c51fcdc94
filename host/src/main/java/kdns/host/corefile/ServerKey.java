package kdns.host.corefile;

/**
 * A normalised server-block key (CoreDNS's {@code zoneAddr}).
 *
 * @param transport {@code dns}, {@code tls}, {@code grpc}, {@code https}, {@code quic} or {@code https3}
 * @param zone      lower case, fully qualified ({@code example.org.}; {@code .} for the root)
 * @param port      the port, the transport's default when the key had none
 */
public record ServerKey(String transport, String zone, int port) {

    /** {@code transport://zone:port}, e.g. {@code dns://example.org.:53}: keys, banners, metric labels. */
    @Override
    public String toString() {
        return transport + "://" + zone + ":" + port;
    }
}
