package kdns.plugin.etcd.lookup;

import kdns.api.text.IpLiterals;
import kdns.plugin.etcd.msg.Service;

/**
 * A service as one query uses it: the decoded value, its key, its effective TTL and its priority
 * with CoreDNS's default (0 read as 10).
 */
record Svc(String key, Service s, long ttl, long priority) {

    /** What {@code HostType()} says an entry is. */
    enum Kind { A, AAAA, CNAME, TXT }

    /** The kind of this entry and, for A/AAAA, its address bytes (4 or 16). */
    record HostType(Kind kind, byte[] ip) {
    }

    HostType hostType() {
        byte[] ip = IpLiterals.parse(s.host());
        if (ip == null) {
            return new HostType(s.text().isEmpty() ? Kind.CNAME : Kind.TXT, null);
        }
        if (ip.length == 4) {
            return new HostType(Kind.A, ip);
        }
        boolean mapped = true;
        for (int i = 0; i < 10; i++) {
            if (ip[i] != 0) {
                mapped = false;
                break;
            }
        }
        if (mapped && ip[10] == (byte) 0xff && ip[11] == (byte) 0xff) {
            return new HostType(Kind.A, new byte[] {ip[12], ip[13], ip[14], ip[15]});
        }
        return new HostType(Kind.AAAA, ip);
    }

    /** True when the host is an IP address (Go's {@code net.ParseIP(host) != nil}). */
    boolean hostIsIp() {
        return IpLiterals.parse(s.host()) != null;
    }

    String group() {
        return s.group();
    }
}
