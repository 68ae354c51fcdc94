package kdns.plugin.kubernetes.model;

import java.util.Objects;
import kdns.plugin.kubernetes.spi.ObjectValues;

/**
 * One ready address of an EndpointSlice endpoint (an endpoint with several addresses gives several).
 *
 * <p>Memory: a large cluster has hundreds of thousands of these, nearly all with an IPv4 address in
 * canonical text; such an address is kept as an int (4 bytes instead of a String of about 56), any
 * other address (IPv6, or IPv4 text written another way) as the text the slice had, so answers
 * carry the address exactly as the API sent it either way.
 */
public final class Endpoint {

    /** The address when {@link #text} is null. */
    private final int ipv4;
    /** The address text when it is not a canonical IPv4 address, else null. */
    private final String text;
    private final String hostname;
    private final String targetRefName;
    private final String nodeName;
    private final String zone;

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
        this.ipv4 = compact ? Ipv4Text.parse(address) : 0;
        this.text = compact ? null : address;
        this.hostname = hostname == null ? "" : hostname;
        this.targetRefName = targetRefName == null || targetRefName.length() >= 64 ? "" : targetRefName;
        this.nodeName = nodeName == null ? "" : nodeName;
        this.zone = zone == null ? "" : zone;
    }

    /** The IP text as stored in the slice (made anew for a compact IPv4 address). */
    public String address() {
        return text == null ? Ipv4Text.format(ipv4) : text;
    }

    /** True when the address is a canonical IPv4 address, held as {@link #ipv4()}. */
    public boolean isCompactIpv4() {
        return text == null;
    }

    /** The IPv4 address as an int (first octet highest); only meaningful when {@link #isCompactIpv4()}. */
    public int ipv4() {
        return ipv4;
    }

    public String hostname() {
        return hostname;
    }

    public String targetRefName() {
        return targetRefName;
    }

    public String nodeName() {
        return nodeName;
    }

    public String zone() {
        return zone;
    }

    /**
     * CoreDNS's endpointHostname: the hostname, else (with {@code endpoint_pod_names}) the target's
     * name, else the address with dots or colons turned into dashes (a trailing dash gets a 0).
     */
    public String dnsName(boolean podNames) {
        if (text == null && hostname.isEmpty() && !(podNames && !targetRefName.isEmpty())) {
            return Ipv4Text.appendTo(new StringBuilder(15), ipv4, '-').toString();
        }
        return ObjectValues.endpointName(address(), hostname, targetRefName, podNames);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint e && ipv4 == e.ipv4 && Objects.equals(text, e.text) && hostname.equals(e.hostname)
                && targetRefName.equals(e.targetRefName) && nodeName.equals(e.nodeName) && zone.equals(e.zone);
    }

    @Override
    public int hashCode() {
        int h = text == null ? ipv4 : text.hashCode();
        return 31 * (31 * (31 * (31 * h + hostname.hashCode()) + targetRefName.hashCode()) + nodeName.hashCode())
                + zone.hashCode();
    }

    @Override
    public String toString() {
        return "Endpoint[address=" + address() + ", hostname=" + hostname + ", targetRefName=" + targetRefName
                + ", nodeName=" + nodeName + ", zone=" + zone + "]";
    }
}
