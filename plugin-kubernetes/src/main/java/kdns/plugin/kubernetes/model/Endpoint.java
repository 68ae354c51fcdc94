package kdns.plugin.kubernetes.model;

import java.util.Objects;
import kdns.plugin.kubernetes.spi.ObjectValues;

/**
 * One ready address of an EndpointSlice endpoint (an endpoint with several addresses gives several).
 *
 * <p>Memory: a large cluster has hundreds of thousands of these, nearly all with an IPv4 address in
 * canonical text, no hostname and no target name kept (see {@link Convert#sliceOf(Fields.Slice,
 * boolean)}). Such an endpoint is the address as an int and its node and zone as one {@link
 * Placement} shared by every endpoint on that node and zone: 16 bytes, where six fields took 32.
 * Any other keeps its {@link Detail} besides; an address that is not a canonical IPv4 address
 * (IPv6, or IPv4 text written another way) is kept as the text the slice had, so answers carry the
 * address exactly as the API sent it either way.
 */
public final class Endpoint {

    /** Placements kept for sharing; past this the rest are not shared (one a node and zone). */
    private static final int PLACEMENT_LIMIT = 65_536;
    private static final Shared.Pool<Placement> PLACEMENTS = new Shared.Pool<>(PLACEMENT_LIMIT);

    /** The address when it is a canonical IPv4 address (else 0). */
    private final int ipv4;
    /** A {@link Placement} (compact IPv4, no hostname, no target name), else a {@link Detail}. */
    private final Object rest;

    /** The node and zone of an endpoint. */
    private record Placement(String nodeName, String zone) {
    }

    /**
     * What an endpoint has beyond a compact address and its placement.
     *
     * @param text the address text when it is not a canonical IPv4 address, else null
     */
    private record Detail(String text, String hostname, String targetRefName, Placement placement) {
    }

    /**
     * @param address       the IP text as stored in the slice
     * @param hostname      the endpoint's {@code hostname}, or empty
     * @param targetRefName {@code targetRef.name} when shorter than 64 characters, else empty
     * @param nodeName      {@code nodeName}, or empty
     * @param zone          {@code zone}, or empty
     */
    public Endpoint(String address, String hostname, String targetRefName, String nodeName, String zone) {
        Objects.requireNonNull(address, "address");
        boolean compact = Ipv4Text.isCanonical(address);
        String host = hostname == null ? "" : hostname;
        String target = targetRefName == null || targetRefName.length() >= 64 ? "" : targetRefName;
        Placement at = placement(nodeName == null ? "" : nodeName, zone == null ? "" : zone);
        this.ipv4 = compact ? Ipv4Text.parse(address) : 0;
        this.rest = compact && host.isEmpty() && target.isEmpty() ? at
                : new Detail(compact ? null : address, host, target, at);
    }

    /** The one instance of this placement (within {@link #PLACEMENT_LIMIT}). */
    private static Placement placement(String nodeName, String zone) {
        return PLACEMENTS.one(new Placement(nodeName, zone));
    }

    private Detail detail() {
        return rest instanceof Detail d ? d : null;
    }

    private Placement placement() {
        return rest instanceof Detail d ? d.placement() : (Placement) rest;
    }

    /** The address text when it is not a canonical IPv4 address, else null. */
    private String text() {
        return rest instanceof Detail d ? d.text() : null;
    }

    /** The IP text as stored in the slice (made anew for a compact IPv4 address). */
    public String address() {
        String text = text();
        return text == null ? Ipv4Text.format(ipv4) : text;
    }

    /** True when the address is a canonical IPv4 address, held as {@link #ipv4()}. */
    public boolean isCompactIpv4() {
        return text() == null;
    }

    /** The IPv4 address as an int (first octet highest); only meaningful when {@link #isCompactIpv4()}. */
    public int ipv4() {
        return ipv4;
    }

    public String hostname() {
        Detail d = detail();
        return d == null ? "" : d.hostname();
    }

    public String targetRefName() {
        Detail d = detail();
        return d == null ? "" : d.targetRefName();
    }

    public String nodeName() {
        return placement().nodeName();
    }

    public String zone() {
        return placement().zone();
    }

    /**
     * CoreDNS's endpointHostname: the hostname, else (with {@code endpoint_pod_names}) the target's
     * name, else the address with dots or colons turned into dashes (a trailing dash gets a 0).
     */
    public String dnsName(boolean podNames) {
        Detail d = detail();
        if (d == null || (d.text() == null && d.hostname().isEmpty() && !(podNames && !d.targetRefName().isEmpty()))) {
            return Ipv4Text.appendTo(new StringBuilder(15), ipv4, '-').toString();
        }
        return ObjectValues.endpointName(address(), d.hostname(), d.targetRefName(), podNames);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint e && ipv4 == e.ipv4 && rest.equals(e.rest);
    }

    @Override
    public int hashCode() {
        return 31 * ipv4 + rest.hashCode();
    }

    @Override
    public String toString() {
        return "Endpoint[address=" + address() + ", hostname=" + hostname() + ", targetRefName=" + targetRefName()
                + ", nodeName=" + nodeName() + ", zone=" + zone() + "]";
    }
}
