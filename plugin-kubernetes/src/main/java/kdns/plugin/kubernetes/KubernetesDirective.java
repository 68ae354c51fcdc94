package kdns.plugin.kubernetes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import kdns.api.Controller;
import kdns.api.Log;
import kdns.api.PluginException;
import kdns.api.text.Durations;
import kdns.api.zones.Fallthrough;
import kdns.api.zones.ReverseZones;
import kdns.api.zones.ZoneNames;
import kdns.plugin.kubernetes.KubernetesConfig.PodMode;
import kdns.plugin.kubernetes.spi.BlockOptions;
import kdns.plugin.kubernetes.spi.ClusterSetOption;

/**
 * The {@code kubernetes} directive read into a {@link KubernetesConfig}: CoreDNS's setup.go, its
 * options and its error messages; the {@code ttl} and {@code fallthrough} lines are shared with
 * {@code k8s_external}. Parsing starts nothing.
 */
public final class KubernetesDirective {

    private static final Log LOG = Log.forPlugin("kubernetes");

    /** One term of a label selector: {@code k}, {@code !k}, {@code k=v}, {@code k==v}, {@code k!=v}, {@code k in (a,b)}. */
    private static final Pattern SELECTOR_TERM = Pattern.compile(
            "\\s*(!?[A-Za-z0-9][-A-Za-z0-9_./]*|[A-Za-z0-9][-A-Za-z0-9_./]*\\s*(=|==|!=)\\s*[-A-Za-z0-9_.]*"
                    + "|[A-Za-z0-9][-A-Za-z0-9_./]*\\s+(in|notin)\\s+\\(\\s*[-A-Za-z0-9_.]*(\\s*,\\s*[-A-Za-z0-9_.]*)*\\s*\\))\\s*");

    private KubernetesDirective() {
    }

    /**
     * Parses the directive (CoreDNS's setup.go, with its error messages) without starting anything.
     */
    public static KubernetesConfig parse(Controller c) throws PluginException {
        return c.onceAtLine(null, KubernetesDirective::parseOne);
    }

    private static KubernetesConfig parseOne(Controller c) throws PluginException {
        List<String> zones = c.zonesFromArgs();
        String primary = null;
        for (String z : zones) {
            if (!ReverseZones.isReverse(z)) {
                primary = z;
                break;
            }
        }
        if (primary == null) {
            throw c.err("non-reverse zone name must be used");
        }
        String endpoint = null;
        List<String> tls = List.of();
        String kubeconfig = null;
        String kubeContext = null;
        double qps = 0;
        int burst = 0;
        int maxInflight = 0;
        Set<String> namespaces = new LinkedHashSet<>();
        String namespaceLabels = null;
        String labels = null;
        PodMode pods = PodMode.DISABLED;
        boolean podNames = false;
        long ttl = KubernetesConfig.DEFAULT_TTL;
        boolean noEndpoints = false;
        Fallthrough fall = Fallthrough.NONE;
        boolean ignoreEmpty = false;
        Duration startup = KubernetesConfig.DEFAULT_STARTUP_TIMEOUT;
        boolean zonal = false;
        List<String> multicluster = new ArrayList<>();
        while (c.nextBlock()) {
            String prop = c.val();
            switch (prop) {
                case "endpoint_pod_names" -> podNames = BlockOptions.flag(c);
                case "pods" -> {
                    List<String> args = c.remainingArgs();
                    if (args.size() != 1) {
                        throw c.argErr();
                    }
                    pods = switch (args.get(0)) {
                        case "disabled" -> PodMode.DISABLED;
                        case "insecure" -> PodMode.INSECURE;
                        case "verified" -> PodMode.VERIFIED;
                        default -> throw c.err("wrong value for pods: " + args.get(0)
                                + ",  must be one of: disabled, verified, insecure");
                    };
                }
                case "namespaces" -> {
                    List<String> args = c.remainingArgs();
                    if (args.isEmpty()) {
                        throw c.argErr();
                    }
                    namespaces.addAll(args);
                }
                case "endpoint" -> {
                    List<String> args = c.remainingArgs();
                    if (args.isEmpty()) {
                        throw c.argErr();
                    }
                    endpoint = args.get(0);
                    if (args.size() > 1) {
                        LOG.warning("Multiple endpoints have been deprecated, only the first specified endpoint '"
                                + endpoint + "' is used");
                    }
                }
                case "tls" -> {
                    List<String> args = c.remainingArgs();
                    if (args.size() != 3) {
                        throw c.argErr();
                    }
                    tls = List.copyOf(args);
                }
                case "labels" -> labels = selector(c, "labels");
                case "namespace_labels" -> namespaceLabels = selector(c, "namespace_labels");
                case "fallthrough" -> fall = BlockOptions.fallthrough(c);
                case "ttl" -> ttl = ttlOption(c);
                case "noendpoints" -> noEndpoints = BlockOptions.flag(c);
                case "ignore" -> {
                    List<String> args = c.remainingArgs();
                    if (!args.isEmpty()) {
                        if (!args.get(0).equals("empty_service")) {
                            throw c.err("unable to parse ignore value: '" + args.get(0) + "'");
                        }
                        ignoreEmpty = true;
                    }
                }
                case "kubeconfig" -> {
                    BlockOptions.Kubeconfig k = BlockOptions.kubeconfig(c);
                    kubeconfig = k.file();
                    kubeContext = k.context();
                }
                case "startup_timeout" -> {
                    List<String> args = c.remainingArgs();
                    if (args.size() != 1) {
                        throw c.argErr();
                    }
                    try {
                        startup = Durations.parse(args.get(0));
                    } catch (IllegalArgumentException e) {
                        throw c.err("time: " + e.getMessage());
                    }
                }
                case "apiserver_qps" -> {
                    String v = onlyArg(c);
                    try {
                        qps = Double.parseDouble(v);
                    } catch (NumberFormatException e) {
                        qps = -1;
                    }
                    if (!(qps >= 0) || Double.isInfinite(qps)) {
                        throw c.err("apiserver_qps must be a non-negative number: " + v);
                    }
                }
                case "apiserver_burst" -> burst = nonNegativeInt(c, "apiserver_burst");
                case "apiserver_max_inflight" -> maxInflight = nonNegativeInt(c, "apiserver_max_inflight");
                case "zonal" -> {
                    if (!c.remainingArgs().isEmpty()) {
                        throw c.argErr();
                    }
                    zonal = true;
                }
                case "multicluster" -> {
                    List<String> args = c.remainingArgs();
                    if (args.isEmpty()) {
                        throw c.argErr();
                    }
                    for (String a : args) {
                        String z = ZoneNames.normalize(a);
                        if (!zones.contains(z)) {
                            throw c.err("multicluster zone '" + z + "' must also be one of the kubernetes plugin's "
                                    + "zones " + zones);
                        }
                        if (!multicluster.contains(z)) {
                            multicluster.add(z);
                        }
                    }
                    if (c.instance().extensions(ClusterSetOption.class).isEmpty()) {
                        throw c.err("the multicluster option is served by the multicluster plugin (module "
                                + "plugin-multicluster), which this distribution does not have: add the line "
                                + "'multicluster:plugin-multicluster' to plugin.cfg and rebuild");
                    }
                }
                default -> throw c.err("unknown property '" + prop + "'");
            }
        }
        if (!namespaces.isEmpty() && namespaceLabels != null) {
            throw c.err("namespaces and namespace_labels cannot both be set");
        }
        if (multicluster.contains(primary)) {
            // PTR targets are built in the first cluster zone, not in a cluster-set zone.
            for (String z : zones) {
                if (!ReverseZones.isReverse(z) && !multicluster.contains(z)) {
                    primary = z;
                    break;
                }
            }
        }
        if (zonal && noEndpoints) {
            throw c.err("zonal needs the EndpointSlices that noendpoints turns off: use only one of them");
        }
        ConnectionSettings connection = new ConnectionSettings(endpoint, tls, kubeconfig, kubeContext, qps, burst,
                maxInflight);
        return new KubernetesConfig(zones, primary, connection, namespaces, namespaceLabels, labels, pods, podNames,
                ttl, noEndpoints, fall, ignoreEmpty, startup, zonal, multicluster);
    }

    private static String onlyArg(Controller c) throws PluginException {
        List<String> args = c.remainingArgs();
        if (args.size() != 1) {
            throw c.argErr();
        }
        return args.get(0);
    }

    private static int nonNegativeInt(Controller c, String what) throws PluginException {
        String v = onlyArg(c);
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0) {
            throw c.err(what + " must be a non-negative integer: " + v);
        }
        return n;
    }

    private static String selector(Controller c, String what) throws PluginException {
        List<String> args = c.remainingArgs();
        if (args.isEmpty()) {
            throw c.argErr();
        }
        String s = String.join(" ", args);
        for (String term : splitTerms(s)) {
            if (!SELECTOR_TERM.matcher(term).matches()) {
                throw c.err("unable to parse label selector value: '" + s + "': invalid " + what + " term '"
                        + term.strip() + "'");
            }
        }
        return s;
    }

    /** Splits a selector on commas outside parentheses. */
    private static List<String> splitTerms(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '(') {
                depth++;
            } else if (ch == ')') {
                depth--;
            } else if (ch == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }

    /**
     * The argument of a {@code ttl} line (kubernetes and k8s_external alike): 0 to 3600 seconds,
     * with CoreDNS's messages.
     */
    public static long ttlOption(Controller c) throws PluginException {
        List<String> args = c.remainingArgs();
        if (args.isEmpty()) {
            throw c.argErr();
        }
        long t;
        try {
            t = Long.parseLong(args.get(0));
        } catch (NumberFormatException e) {
            throw c.err("strconv.Atoi: parsing \"" + args.get(0) + "\": invalid syntax");
        }
        if (t < 0 || t > 3600) {
            throw c.err("ttl must be in range [0, 3600]: " + t);
        }
        return t;
    }
}
