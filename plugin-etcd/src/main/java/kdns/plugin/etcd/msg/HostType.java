package kdns.plugin.etcd.msg;

import java.net.InetAddress;
import java.net.UnknownHostException;
import kdns.api.text.IpLiterals;

/**
 * What CoreDNS's {@code Service.HostType()} says an entry is, with the address of A and AAAA
 * entries. Worked out once when a value is read from etcd, so that answering a query parses no
 * address text.
 *
 * @param kind    A, AAAA, CNAME (a name in {@code host}) or TXT (no address, text set)
 * @param address the address for A (IPv4, also from an IPv4-mapped IPv6 literal) and AAAA; else null
 */
public record HostType(Kind kind, InetAddress address) {

    /** The kinds of entry. */
    public enum Kind { A, AAAA, CNAME, TXT }

    /** The kind of {@code s}. */
    public static HostType of(Service s) {
        byte[] ip = IpLiterals.parseUnmapped(s.host());
        if (ip == null) {
            return new HostType(s.text().isEmpty() ? Kind.CNAME : Kind.TXT, null);
        }
        if (ip.length == 4) {
            return new HostType(Kind.A, inet(ip));
        }
        return new HostType(Kind.AAAA, inet(ip));
    }

    /** True when the host is an IP address (Go's {@code net.ParseIP(host) != nil}). */
    public boolean isIp() {
        return address != null;
    }

    private static InetAddress inet(byte[] ip) {
        try {
            return InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e); // only for a length other than 4 or 16
        }
    }
}
