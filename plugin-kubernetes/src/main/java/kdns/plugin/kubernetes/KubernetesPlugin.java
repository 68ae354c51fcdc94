package kdns.plugin.kubernetes;

import kdns.api.zones.ReverseZones;
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
import java.util.function.BooleanSupplier;
import kdns.api.Controller;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Rcodes;
import kdns.api.Readiness;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Log;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.text.Durations;
import kdns.api.zones.Fallthrough;
import kdns.api.zones.ZoneNames;
import kdns.plugin.kubernetes.KubernetesConfig.PodMode;
import kdns.plugin.kubernetes.dns.Answerer;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.plugin.kubernetes.multicluster.McsAnswerer;
import kdns.plugin.kubernetes.multicluster.McsIndex;
import kdns.plugin.kubernetes.multicluster.McsInformers;
import kdns.plugin.kubernetes.multicluster.McsOptions;
import kdns.plugin.kubernetes.watch.ApiConnection;
import kdns.plugin.kubernetes.watch.Informers;
import org.xbill.DNS.Message;

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
            connection = ApiConnection.create(config, c.instance().metrics(),
                    ApiConnection.userAgent(c.instance().serverVersion(), "kubernetes"));
        } catch (Exception e) {
            throw c.err("cannot configure the Kubernetes API connection: " + e.getMessage());
        }
        Informers informers = new Informers(config, connection, index, c.instance().metrics());
        List<InetAddress> local = localAddresses();
        if (!config.multiclusterZones().isEmpty()) {
            setupMulticluster(c, config, index, connection, informers, local);
            return;
        }
        Answerer answerer = new Answerer(config, index, informers::hasSynced, () -> local);
        c.addHandler(next -> new KubernetesHandler(answerer, next, informers::hasSynced, c));
        c.onStartup(() -> informers.startAndWait(config.startupTimeout()));
        c.onShutdown(informers::stop);
    }

    /**
     * The {@code multicluster ZONES} option (CoreDNS 1.12.2+): names in those zones are answered
     * from ServiceImports and exported EndpointSlices by the shared cluster-set code, with this
     * plugin's TTL, fallthrough, namespace exposure, {@code labels} (EndpointSlices),
     * {@code namespace_labels} (ServiceImports, as CoreDNS codes it), {@code noendpoints},
     * {@code endpoint_pod_names} and {@code ignore empty_service}; every other name as usual.
     */
    private static void setupMulticluster(Controller c, KubernetesConfig config, ClusterIndex index,
                                          ApiConnection connection, Informers informers, List<InetAddress> local) {
        McsIndex mcsIndex = new McsIndex();
        McsInformers mcsInformers = new McsInformers("kubernetes", connection, mcsIndex, false,
                config.noEndpoints(), config.labels(), config.namespaceLabels());
        BooleanSupplier synced = () -> informers.hasSynced() && mcsInformers.hasSynced();
        McsOptions options = new McsOptions(config.multiclusterZones(), config.ttl(), config.fallthrough(),
                config.noEndpoints(), config.endpointPodNames(), config.ignoreEmptyService(), true);
        McsAnswerer mcs = new McsAnswerer(options, mcsIndex,
                ns -> config.configuredNamespace(ns) && index.namespaceExists(ns), synced,
                () -> Math.max(index.modified(), mcsIndex.modified()));
        Answerer answerer = new Answerer(config, index, synced, () -> local);
        c.addHandler(next -> new ClusterSetHandler(mcs, new KubernetesHandler(answerer, next, synced, c), next,
                synced));
        c.onStartup(() -> {
            long start = System.nanoTime();
            mcsInformers.start();
            informers.startAndWait(config.startupTimeout());
            Duration left = config.startupTimeout().minusNanos(System.nanoTime() - start);
            mcsInformers.startAndWait(left.isNegative() ? Duration.ZERO : left);
        });
        c.onShutdown(() -> {
            mcsInformers.stop();
            informers.stop();
        });
    }

    /**
     * The kubernetes handler with the {@code multicluster} option: cluster-set names from
     * {@link McsAnswerer}, everything else from the {@link KubernetesHandler}.
     */
    static final class ClusterSetHandler implements Handler, Readiness, kdns.api.AutoPather, kdns.api.Transferer,
            kdns.api.MetadataProvider {
        private final McsAnswerer mcs;
        private final KubernetesHandler cluster;
        private final Handler next;
        private final BooleanSupplier ready;

        ClusterSetHandler(McsAnswerer mcs, KubernetesHandler cluster, Handler next, BooleanSupplier ready) {
            this.mcs = mcs;
            this.cluster = cluster;
            this.next = next;
            this.ready = ready;
        }

        @Override
        public String name() {
            return cluster.name();
        }

        @Override
        public boolean ready() {
            return ready.getAsBoolean();
        }

        @Override
        public List<String> searchPath(Request request) {
            return cluster.searchPath(request);
        }

        @Override
        public List<org.xbill.DNS.Record> transfer(String zone, long clientSerial) {
            return cluster.transfer(zone, clientSerial);
        }

        @Override
        public void provideMetadata(Request request) {
            cluster.provideMetadata(request);
        }

        /** The handler of the cluster's own names. */
        KubernetesHandler clusterHandler() {
            return cluster;
        }

        @Override
        public int serve(Request request, ResponseWriter writer) throws HandlerException {
            if (!mcs.inZones(request.name())) {
                return cluster.serve(request, writer);
            }
            Message reply = mcs.answer(request);
            if (reply == null) {
                return Handlers.nextOrFailure(cluster.name(), next, request, writer);
            }
            writer.write(reply);
            return Rcodes.NOERROR;
        }
    }

    /**
     * Parses the directive (CoreDNS's setup.go, with its error messages) without starting anything.
     */
    public static KubernetesConfig parse(Controller c) throws PluginException {
        c.next(); // the directive's own token: setup runs only for a block that has it
        KubernetesConfig config = parseOne(c);
        if (c.next()) {
            throw c.err("this plugin can only be used once per Server Block");
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
                case "fallthrough" -> fall = fallthroughOption(c);
                case "ttl" -> ttl = ttlOption(c);
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
        return new KubernetesConfig(zones, primary, endpoint, tls, kubeconfig, kubeContext, qps, burst, maxInflight,
                namespaces, namespaceLabels, labels, pods, podNames, ttl, noEndpoints, fall, ignoreEmpty, startup, zonal,
                multicluster);
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

    /** The zones of a {@code fallthrough [ZONES...]} line. */
    public static Fallthrough fallthroughOption(Controller c) throws PluginException {
        try {
            return Fallthrough.fromArgs(c.remainingArgs());
        } catch (IllegalArgumentException e) {
            throw c.err(e.getMessage());
        }
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
