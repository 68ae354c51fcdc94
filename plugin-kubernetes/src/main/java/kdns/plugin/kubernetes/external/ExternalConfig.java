package kdns.plugin.kubernetes.external;

import java.util.List;
import java.util.Locale;
import kdns.api.zones.Fallthrough;

/**
 * One {@code k8s_external} directive, parsed.
 *
 * @param zones       the zones, normalised (CIDRs expanded into reverse zones), in the order given;
 *                    PTR targets are built in the first one, as CoreDNS does
 * @param apex        the label of the name servers' subdomain ({@code ns1.<apex>.<zone>}), default {@code dns}
 * @param ttl         the TTL of the answers (and of the SOA and its MINIMUM), 0 to 3600, default 5
 * @param headless    also answer headless services without external IPs from their ready endpoints
 * @param fallthrough the zones whose NXDOMAIN answers go to the next plugin instead
 */
public record ExternalConfig(List<String> zones, String apex, long ttl, boolean headless, Fallthrough fallthrough) {

    /** CoreDNS's default apex label. */
    public static final String DEFAULT_APEX = "dns";
    /** CoreDNS's default TTL. */
    public static final long DEFAULT_TTL = 5;

    public ExternalConfig {
        zones = List.copyOf(zones);
        if (zones.isEmpty()) {
            throw new IllegalArgumentException("no zones");
        }
        fallthrough = fallthrough == null ? Fallthrough.NONE : fallthrough;
    }

    /** The apex label in lower case, for comparing with lower-cased query names. */
    public String apexLower() {
        return apex.toLowerCase(Locale.ROOT);
    }

    /** The zone PTR targets are built in: the first zone. */
    public String firstZone() {
        return zones.get(0);
    }
}
