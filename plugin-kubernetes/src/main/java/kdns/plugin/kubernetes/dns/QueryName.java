package kdns.plugin.kubernetes.dns;

import java.util.List;
import kdns.api.zones.ZoneNames;

/**
 * A query name cut into CoreDNS's recordRequest (parse.go): read right to left after the zone,
 * {@code kind} ({@code svc} or {@code pod}), namespace, service (or dashed pod IP), then one label
 * (an endpoint name) or two ({@code _port._proto}, underscores stripped when present).
 *
 * @param kind     {@code svc}, {@code pod}, or empty for the apex-ish names ({@code zone},
 *                 {@code svc.zone}, {@code pod.zone})
 * @param invalid  true for names CoreDNS calls an invalid request (an NXDOMAIN)
 * @param topologyZone with the {@code zonal} option, the zone of {@code <zone>.pin|prefer._zone.<svc>...}
 *                 (labels re-joined with dots), else empty
 * @param preferZone true for the {@code prefer} directive, false for {@code pin}
 * @param cluster  in a cluster-set zone ({@code multicluster}), the cluster ID of
 *                 {@code <endpoint>.<cluster>.<svc>...}, else empty
 */
public record QueryName(String port, String protocol, String endpoint, String service, String namespace, String kind,
                        boolean invalid, String topologyZone, boolean preferZone, String cluster) {

    /** A name without the zonal part. */
    public QueryName(String port, String protocol, String endpoint, String service, String namespace, String kind,
                     boolean invalid) {
        this(port, protocol, endpoint, service, namespace, kind, invalid, "", false, "");
    }

    public static final String SVC = "svc";
    public static final String POD = "pod";

    private static final QueryName APEX = new QueryName("", "", "", "", "", "", false);
    private static final QueryName INVALID = new QueryName("", "", "", "", "", "", true);

    /**
     * Parses a lower-cased name below {@code zone}.
     *
     * @param name the lower-cased, fully qualified query name
     * @param zoneLength the length of the matched zone's text (as it appears at the end of {@code name})
     */
    public static QueryName parse(String name, int zoneLength) {
        return parse(name, zoneLength, false);
    }

    /** {@link #parse(String, int)}; with {@code zonal}, also {@code <zone>.pin|prefer._zone.<svc>.<ns>.svc}. */
    public static QueryName parse(String name, int zoneLength, boolean zonal) {
        return parse(name, zoneLength, false, zonal);
    }

    /**
     * {@link #parse(String, int, boolean)} for a name in a cluster-set zone when {@code multicluster}
     * (parse.go with its multicluster flag): two labels left of the service are
     * {@code <endpoint>.<cluster>} unless either starts with {@code _} (then port and protocol),
     * and zonal names are invalid there.
     */
    public static QueryName parse(String name, int zoneLength, boolean multicluster, boolean zonal) {
        int baseLen = name.length() - zoneLength;
        String base = baseLen <= 0 ? "" : name.substring(0, baseLen);
        if (base.endsWith(".")) {
            base = base.substring(0, base.length() - 1);
        }
        if (base.isEmpty() || base.equals(SVC) || base.equals(POD)) {
            return APEX;
        }
        List<String> segs = ZoneNames.splitLabels(base);
        int last = segs.size() - 1;
        if (last < 0) {
            return APEX;
        }
        String kind = segs.get(last);
        if (!kind.equals(SVC) && !kind.equals(POD)) {
            return INVALID;
        }
        String namespace = "";
        String service = "";
        String endpoint = "";
        String port = "";
        String protocol = "";
        last--;
        if (last >= 0) {
            namespace = segs.get(last--);
            if (last >= 0) {
                service = segs.get(last--);
                if (last == 0) {
                    endpoint = segs.get(0);
                } else if (last == 1) {
                    if (multicluster && !segs.get(1).startsWith("_") && !segs.get(0).startsWith("_")) {
                        return new QueryName("", "", segs.get(0), service, namespace, kind, false, "", false,
                                segs.get(1));
                    }
                    protocol = stripUnderscore(segs.get(1));
                    port = stripUnderscore(segs.get(0));
                } else if (last > 1) {
                    String directive = segs.get(last - 1);
                    if (!zonal || multicluster || !kind.equals(SVC) || !segs.get(last).equals("_zone")
                            || !(directive.equals("pin") || directive.equals("prefer"))) {
                        return INVALID;
                    }
                    String topo = String.join(".", segs.subList(0, last - 1));
                    return new QueryName("", "", "", service, namespace, kind, false, topo, directive.equals("prefer"),
                            "");
                }
            }
        }
        return new QueryName(port, protocol, endpoint, service, namespace, kind, false);
    }

    /** True for the names that have no service, pod or namespace part. */
    public boolean apexish() {
        return kind.isEmpty() && !invalid;
    }

    private static String stripUnderscore(String s) {
        return s.startsWith("_") ? s.substring(1) : s;
    }

}
