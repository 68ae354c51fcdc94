package kdns.plugin.kubernetes.spi;

import java.util.Locale;

/**
 * A Service, EndpointSlice or ServiceImport port as DNS needs it. {@link #NONE} (port -1) stands for "no ports
 * declared", like CoreDNS's sentinel: it still counts as an SRV candidate but never becomes a record.
 */
public record Port(String name, String protocol, int port) {

    /** The sentinel for objects without ports. */
    public static final Port NONE = new Port("", "", -1);

    public Port {
        name = name == null ? "" : name;
        protocol = protocol == null ? "TCP" : protocol;
    }

    /** CoreDNS's matchPortAndProtocol: empty query labels match anything, else case-insensitive equality. */
    public boolean matches(String queryPort, String queryProtocol) {
        return (queryPort.isEmpty() || queryPort.equalsIgnoreCase(name))
                && (queryProtocol.isEmpty() || queryProtocol.equalsIgnoreCase(protocol));
    }

    /** The protocol in lower case, as AXFR owner names write it. */
    public String lowerProtocol() {
        return protocol.toLowerCase(Locale.ROOT);
    }
}
