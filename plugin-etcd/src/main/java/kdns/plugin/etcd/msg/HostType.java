package kdns.plugin.etcd.msg;

import java.net.InetAddress;
import java.net.UnknownHostException;
import kdns.api.text.IpLiterals;

/**
 * What CoreDNS's {@code Service.HostType()} says an entry is, with the address of A and AAAA
 * entries. Worked out once when a value is read from etcd, so that answering a query parses no
 * address text. The address is kept as its octets: the wire answers copy them as they are, and
 * an array is smaller than an {@link InetAddress} and its holder (every A entry of the index has one).
 *
 * @param kind   A, AAAA, CNAME (a name in {@code host}) or TXT (no address, text set)
 * @param octets the address for A (4 octets, also from an IPv4-mapped IPv6 literal) and AAAA (16);
 *               else null. Shared by every answer: never written to
 */
public record HostType(Kind kind, byte[] octets) {

    /** The kinds of entry. */
    public enum Kind { A, AAAA, CNAME, TXT }

    /** The kind of {@code s}. */
    public static HostType of(Service s) {
        byte[] ip = IpLiterals.parseUnmapped(s.host());
        if (ip == null) {
            return new HostType(s.text().isEmpty() ? Kind.CNAME : Kind.TXT, null);
        }
        return new HostType(ip.length == 4 ? Kind.A : Kind.AAAA, ip);
    }

    /** True when the host is an IP address (Go's {@code net.ParseIP(host) != nil}). */
    public boolean isIp() {
        return octets != null;
    }

    /** The address as an {@link InetAddress} (for the records of the message path); null when none. */
    public InetAddress address() {
        if (octets == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(octets);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e); // only for a length other than 4 or 16
        }
    }
}
