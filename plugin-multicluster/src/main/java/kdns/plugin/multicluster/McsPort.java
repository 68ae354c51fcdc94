package kdns.plugin.multicluster;

/**
 * A ServiceImport or exported EndpointSlice port as DNS needs it. {@link #NONE} (port -1) stands
 * for "no ports declared": it still counts as an SRV candidate but never becomes a record.
 */
public record McsPort(String name, String protocol, int port) {

    /** The sentinel for slices without ports. */
    public static final McsPort NONE = new McsPort("", "", -1);

    public McsPort {
        name = name == null ? "" : name;
        protocol = protocol == null ? "TCP" : protocol;
    }

    /** CoreDNS's matchPortAndProtocol: empty query labels match anything, else case-insensitive equality. */
    public boolean matches(String queryPort, String queryProtocol) {
        return (queryPort.isEmpty() || queryPort.equalsIgnoreCase(name))
                && (queryProtocol.isEmpty() || queryProtocol.equalsIgnoreCase(protocol));
    }
}
