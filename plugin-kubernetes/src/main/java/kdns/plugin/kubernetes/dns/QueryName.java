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
        if (baseLen > 0 && name.charAt(baseLen - 1) == '.') {
            baseLen--;
        }
        if (baseLen <= 0 || isLabel(name, 0, baseLen, SVC) || isLabel(name, 0, baseLen, POD)) {
            return APEX;
        }
        // The usual name, <service>.<namespace>.svc: its two strings and nothing else are made.
        int kindDot = usualKindDot(name, baseLen);
        if (kindDot > 0) {
            int namespaceDot = name.lastIndexOf('.', kindDot - 1);
            return new QueryName("", "", "", name.substring(0, namespaceDot),
                    name.substring(namespaceDot + 1, kindDot), SVC, false);
        }
        // Every other name: the labels are read in place, and only the ones kept become strings.
        // A name with escapes (rare) is split with its escapes honoured.
        Labels segs = name.lastIndexOf('\\', baseLen - 1) < 0
                ? Labels.plain(name, baseLen) : Labels.split(name.substring(0, baseLen));
        int last = segs.count() - 1;
        String kind;
        if (segs.is(last, SVC)) {
            kind = SVC;
        } else if (segs.is(last, POD)) {
            kind = POD;
        } else {
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
                    if (!zonal || multicluster || !kind.equals(SVC) || !segs.is(last, "_zone")
                            || !(directive.equals("pin") || directive.equals("prefer"))) {
                        return INVALID;
                    }
                    return new QueryName("", "", "", service, namespace, kind, false, segs.joined(last - 1),
                            directive.equals("prefer"), "");
                }
            }
        }
        return new QueryName(port, protocol, endpoint, service, namespace, kind, false);
    }

    /**
     * Where the {@code .svc} of the usual name, {@code <service>.<namespace>.svc} below the zone
     * (two plain labels, no escapes), starts in {@code name}; -1 for every other name. What
     * {@link #parse} would read as that service and namespace is {@code name}'s text before it:
     * a caller can look them up without making their strings.
     *
     * @param zoneLength as for {@link #parse(String, int)}
     */
    public static int usualServiceKindDot(String name, int zoneLength) {
        int baseLen = name.length() - zoneLength;
        if (baseLen > 0 && name.charAt(baseLen - 1) == '.') {
            baseLen--;
        }
        return baseLen <= 0 ? -1 : usualKindDot(name, baseLen);
    }

    private static int usualKindDot(String name, int baseLen) {
        int kindDot = name.lastIndexOf('.', baseLen - 1);
        if (kindDot > 0 && isLabel(name, kindDot + 1, baseLen, SVC)) {
            int namespaceDot = name.lastIndexOf('.', kindDot - 1);
            if (namespaceDot > 0 && namespaceDot + 1 < kindDot && name.lastIndexOf('.', namespaceDot - 1) < 0
                    && name.lastIndexOf('\\', baseLen - 1) < 0) {
                return kindDot;
            }
        }
        return -1;
    }

    private static boolean isLabel(String s, int from, int to, String label) {
        return to - from == label.length() && s.startsWith(label, from);
    }

    /** The labels of a name below the zone, left to right. */
    private interface Labels {
        int count();

        String get(int i);

        /** True when label {@code i} is {@code label}, without making a string of it. */
        boolean is(int i, String label);

        /** The first {@code k} labels joined with dots. */
        String joined(int k);

        /** A name without escapes: the labels are the text between its dots. */
        static Labels plain(String name, int length) {
            int n = 1;
            for (int i = name.indexOf('.'); i >= 0 && i < length; i = name.indexOf('.', i + 1)) {
                n++;
            }
            int[] ends = new int[n];
            int k = 0;
            for (int i = name.indexOf('.'); i >= 0 && i < length; i = name.indexOf('.', i + 1)) {
                ends[k++] = i;
            }
            ends[k] = length;
            return new Plain(name, ends);
        }

        /** A name with escapes: {@link ZoneNames#splitLabels} keeps them in the labels. */
        static Labels split(String base) {
            return new Split(ZoneNames.splitLabels(base));
        }
    }

    /** Label {@code i} of {@code name} ends where {@code ends[i]} says (a dot, or the end). */
    private record Plain(String name, int[] ends) implements Labels {
        public int count() {
            return ends.length;
        }

        private int start(int i) {
            return i == 0 ? 0 : ends[i - 1] + 1;
        }

        public String get(int i) {
            return name.substring(start(i), ends[i]);
        }

        public boolean is(int i, String label) {
            return isLabel(name, start(i), ends[i], label);
        }

        public String joined(int k) {
            return name.substring(0, ends[k - 1]);
        }
    }

    private record Split(List<String> segs) implements Labels {
        public int count() {
            return segs.size();
        }

        public String get(int i) {
            return segs.get(i);
        }

        public boolean is(int i, String label) {
            return segs.get(i).equals(label);
        }

        public String joined(int k) {
            return String.join(".", segs.subList(0, k));
        }
    }

    /** True for the names that have no service, pod or namespace part. */
    public boolean apexish() {
        return kind.isEmpty() && !invalid;
    }

    private static String stripUnderscore(String s) {
        return s.startsWith("_") ? s.substring(1) : s;
    }

}
