package kdns.plugin.standard.prometheus;

import org.xbill.DNS.Type;

/**
 * CoreDNS's reduced set of query types for the {@code type} label ({@code monitorType} in
 * {@code plugin/metrics/vars}): the common types by name, every other type as {@code other}.
 */
final class QueryTypes {

    static final String OTHER = "other";

    private static final int[] MONITORED = {
        Type.AAAA, Type.A, Type.CNAME, Type.DNSKEY, Type.DS, Type.MX, Type.NSEC3, Type.NSEC, Type.NS, Type.PTR,
        Type.RRSIG, Type.SOA, Type.SRV, Type.TXT, Type.HTTPS, Type.IXFR, Type.AXFR, Type.ANY,
    };

    /** Label values by index; the last one is {@code other}. */
    static final String[] LABELS;

    static {
        LABELS = new String[MONITORED.length + 1];
        for (int i = 0; i < MONITORED.length; i++) {
            LABELS[i] = Type.string(MONITORED[i]);
        }
        LABELS[MONITORED.length] = OTHER;
    }

    private QueryTypes() {
    }

    /** The index of {@code qtype}'s label in {@link #LABELS}. */
    static int index(int qtype) {
        for (int i = 0; i < MONITORED.length; i++) {
            if (MONITORED[i] == qtype) {
                return i;
            }
        }
        return MONITORED.length;
    }

    /** The {@code type} label of {@code qtype}. */
    static String label(int qtype) {
        return LABELS[index(qtype)];
    }
}
