package kdns.plugin.kubernetes;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import kdns.api.Controller;
import kdns.api.Log;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.text.Durations;
import kdns.api.zones.Fallthrough;
import kdns.api.zones.ZoneNames;
import kdns.plugin.kubernetes.KubernetesConfig.PodMode;
import kdns.plugin.kubernetes.dns.Answerer;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.plugin.kubernetes.watch.ApiConnection;
import kdns.plugin.kubernetes.watch.Informers;

/**
 * {@code kubernetes [ZONES...] { ... }}: serves the Kubernetes DNS schema from Services,
 * EndpointSlices, Namespaces (and Pods with {@code pods verified}) watched through the official
 * Kubernetes Java client.
 */
public final class KubernetesPlugin implements Plugin {

    private static final Log LOG = Log.forPlugin("kubernetes");

    /** One term of a label selector: {@code k}, {@code !k}, {@code k=v}, {@code k==v}, {@code k!=v}, {@code k in (a,b)}. */
    private static final Pattern SELECTOR_TERM = Pattern.compile(
            "\\s*(!?[A-Za-z0-9][-A-Za-z0-9_./]*|[A-Za-z0-9][-A-Za-z0-9_./]*\\s*(=|==|!=)\\s*[-A-Za-z0-9_.]*"
                    + "|[A-Za-z0-9][-A-Za-z0-9_./]*\\s+(in|notin)\\s+\\(\\s*[-A-Za-z0-9_.]*(\\s*,\\s*[-A-Za-z0-9_.]*)*\\s*\\))\\s*");

    public KubernetesPlugin() {
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public String description() {
        return "serves the Kubernetes DNS schema (services, endpoints, pods) from the cluster's API";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        KubernetesConfig config = parse(c);
        ClusterIndex index = new ClusterIndex();
        ApiConnection connection;
        try {
            connection = ApiConnection.create(config, c.instance().metrics());
        } catch (Exception e) {
            throw c.err("cannot configure the Kubernetes API connection: " + e.getMessage());
        }
        Informers informers = new Informers(config, connection, index, c.instance().metrics());
        List<InetAddress> local = localAddresses();
        Answerer answerer = new Answerer(config, index, informers::hasSynced, () -> local);
        c.addHandler(next -> new KubernetesHandler(answerer, next, informers::hasSynced));
        c.onStartup(() -> informers.startAndWait(config.startupTimeout()));
        c.onShutdown(informers::stop);
    }

    /**
     * Parses the directive (CoreDNS's setup.go, with its error messages) without starting anything.
     */
    public static KubernetesConfig parse(Controller c) throws PluginException {
        KubernetesConfig config = null;
        int occurrences = 0;
        while (c.next()) {
            if (occurrences++ > 0) {
                throw c.err("this plugin can only be used once per Server Block");
            }
            config = parseOne(c);
        }
        if (config == null) {
            throw c.err("kubernetes: missing directive");
        }
        return config;
    }

    private static KubernetesConfig parseOne(Controller c) throws PluginException {
        List<String> zones;
        try {
            zones = ZoneNames.originsFromArgsOrServerBlock(c.remainingArgs(), c.serverBlockZones());
        } catch (IllegalArgumentException e) {
            throw c.err(e.getMessage());
        }
        String primary = null;
        for (String z : zones) {
            if (!isReverse(z)) {
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
        while (c.nextBlock()) {
            String prop = c.val();
            switch (prop) {
                case "endpoint_pod_names" -> {
                    if (!c.remainingArgs().isEmpty()) {
                        throw c.argErr();
                    }
                    podNames = true;
                }
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
                case "fallthrough" -> {
                    try {
                        fall = Fallthrough.fromArgs(c.remainingArgs());
                    } catch (IllegalArgumentException e) {
                        throw c.err(e.getMessage());
                    }
                }
                case "ttl" -> {
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
                    ttl = t;
                }
                case "noendpoints" -> {
                    if (!c.remainingArgs().isEmpty()) {
                        throw c.argErr();
                    }
                    noEndpoints = true;
                }
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
                    List<String> args = c.remainingArgs();
                    if (args.size() != 1 && args.size() != 2) {
                        throw c.argErr();
                    }
                    kubeconfig = args.get(0);
                    kubeContext = args.size() == 2 ? args.get(1) : null;
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
                case "multicluster" -> throw c.err("'multicluster' is not supported by this kdns version; "
                        + "remove it from the kubernetes block");
                default -> throw c.err("unknown property '" + prop + "'");
            }
        }
        if (!namespaces.isEmpty() && namespaceLabels != null) {
            throw c.err("namespaces and namespace_labels cannot both be set");
        }
        if (zonal && noEndpoints) {
            throw c.err("zonal needs the EndpointSlices that noendpoints turns off: use only one of them");
        }
        return new KubernetesConfig(zones, primary, endpoint, tls, kubeconfig, kubeContext, qps, burst, maxInflight,
                namespaces, namespaceLabels, labels, pods, podNames, ttl, noEndpoints, fall, ignoreEmpty, startup, zonal);
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

    static boolean isReverse(String zone) {
        return zone.endsWith("in-addr.arpa.") || zone.endsWith("ip6.arpa.");
    }

    /** The host's non-loopback addresses (CoreDNS uses them when no {@code bind} is given). */
    static List<InetAddress> localAddresses() {
        List<InetAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        out.add(a);
                    }
                }
            }
        } catch (SocketException e) {
            return List.of();
        }
        return List.copyOf(out);
    }
}
