package kdns.plugin.kubernetes.spi;

import java.util.HashSet;
import java.util.Set;

/**
 * The SRV records of one answer as CoreDNS's backend lookup writes them (backend_lookup.go): every
 * record of equal weight, one record per target and port, and one glue record per target and
 * address.
 */
public final class SrvAnswer {

    private final Set<String> seen = new HashSet<>();

    /**
     * CoreDNS's weight of each of {@code count} records of one priority: each counts 100, and the
     * weights share 100 out (at least 1).
     */
    public static int weight(int count) {
        int weight = (int) Math.floor(100.0 / (100.0 * count) * 100.0);
        return weight == 0 ? 1 : weight;
    }

    /** True the first time this target and port come: the answer gets an SRV record for them. */
    public boolean firstRecord(String target, int port) {
        return seen.add(target + "\u0000\u0000" + port);
    }

    /** True the first time this target and address come: the answer gets a glue record for them. */
    public boolean firstGlue(String target, String address) {
        return seen.add(target + "\u0000" + address + "\u0000");
    }
}
