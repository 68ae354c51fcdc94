package kdns.plugin.multicluster;

import java.util.List;
import kdns.api.zones.ZoneNames;

/**
 * A cluster-set query name cut like the multicluster plugin's parse.go: read right to left after
 * the zone, {@code svc} (or {@code pod}, treated alike), namespace, service, then either nothing or
 * exactly two labels: {@code _port._proto} when the right one starts with {@code _}, else
 * {@code <hostname>.<clusterid>}. Exactly one extra label, or three and more, is invalid.
 *
 * @param kind     {@code svc}, {@code pod}, or empty for {@code zone}, {@code svc.zone}, {@code pod.zone}
 * @param invalid  a name error
 */
public record McsName(String port, String protocol, String endpoint, String cluster, String service,
                      String namespace, String kind, boolean invalid) {

    private static final McsName NO_REQUEST = new McsName("", "", "", "", "", "", "", false);
    private static final McsName INVALID = new McsName("", "", "", "", "", "", "", true);

    /**
     * @param name       the lower-cased, fully qualified query name
     * @param zoneLength the length of the zone's text at the end of {@code name}
     */
    public static McsName parse(String name, int zoneLength) {
        int baseLen = name.length() - zoneLength;
        String base = baseLen <= 0 ? "" : name.substring(0, baseLen);
        if (base.endsWith(".")) {
            base = base.substring(0, base.length() - 1);
        }
        if (base.isEmpty() || base.equals("svc") || base.equals("pod")) {
            return NO_REQUEST;
        }
        List<String> segs = ZoneNames.splitLabels(base);
        int last = segs.size() - 1;
        String kind = segs.get(last);
        if (!kind.equals("svc") && !kind.equals("pod")) {
            return INVALID;
        }
        last--;
        if (last < 0) {
            return new McsName("", "", "", "", "", "", kind, false);
        }
        String namespace = segs.get(last--);
        if (last < 0) {
            return new McsName("", "", "", "", "", namespace, kind, false);
        }
        String service = segs.get(last--);
        if (last < 0) {
            return new McsName("", "", "", "", service, namespace, kind, false);
        }
        if (last != 1) {
            return INVALID;
        }
        String right = segs.get(1);
        String left = segs.get(0);
        if (right.startsWith("_")) {
            return new McsName(strip(left), strip(right), "", "", service, namespace, kind, false);
        }
        return new McsName("", "", left, right, service, namespace, kind, false);
    }

    /** True for {@code zone}, {@code svc.zone} and {@code pod.zone}: no records, never a name error. */
    public boolean noRequest() {
        return kind.isEmpty() && !invalid;
    }

    private static String strip(String s) {
        return s.startsWith("_") ? s.substring(1) : s;
    }

}
