package kdns.api.zones;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;

/**
 * The SOA that CoreDNS's backend plugins (etcd, kubernetes, k8s_external, multicluster) make up for
 * a zone they serve from data without one: refresh two hours, retry thirty minutes, expire a day
 * (plugin/pkg/dnsutil and backend_lookup.go); owner, TTLs, names and serial come from the plugin.
 */
public final class SyntheticSoa {

    /** The REFRESH, RETRY and EXPIRE fields of every synthetic SOA (a reply written in wire form uses them too). */
    public static final long REFRESH = 7200;
    public static final long RETRY = 1800;
    public static final long EXPIRE = 86400;

    private SyntheticSoa() {
    }

    /**
     * @param ttl the record's own TTL
     * @param serial taken modulo 2^32, as the wire field holds
     * @param minimum the negative-caching TTL (the SOA MINIMUM field)
     */
    public static SOARecord of(Name zone, long ttl, Name ns, Name mbox, long serial, long minimum) {
        return new SOARecord(zone, DClass.IN, ttl, ns, mbox, serial & 0xFFFFFFFFL, REFRESH, RETRY, EXPIRE, minimum);
    }
}
