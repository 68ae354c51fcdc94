package kdns.plugin.etcd.lookup;

import kdns.plugin.etcd.msg.HostType;
import kdns.plugin.etcd.msg.Service;

/**
 * A service as one query uses it: the decoded value, its key, what its host is, its effective TTL
 * and its priority with CoreDNS's default (0 read as 10).
 */
record Svc(String key, Service s, HostType hostType, long ttl, long priority) {

    /** True when the host is an IP address (Go's {@code net.ParseIP(host) != nil}). */
    boolean hostIsIp() {
        return hostType.isIp();
    }

    String group() {
        return s.group();
    }
}
