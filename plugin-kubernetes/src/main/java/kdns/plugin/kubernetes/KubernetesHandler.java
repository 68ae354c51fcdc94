package kdns.plugin.kubernetes;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import kdns.api.AutoPather;
import kdns.api.Controller;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Instance;
import kdns.api.MetadataProvider;
import kdns.api.Rcodes;
import kdns.api.Readiness;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transferer;
import kdns.api.lookup.UpstreamLookup;
import kdns.api.zones.ReverseZones;
import kdns.api.zones.ZoneNames;
import kdns.plugin.kubernetes.KubernetesConfig.PodMode;
import kdns.plugin.kubernetes.autopath.ResolvConfSearch;
import kdns.plugin.kubernetes.dns.Answerer;
import kdns.plugin.kubernetes.dns.BoundAddresses;
import kdns.plugin.kubernetes.dns.QueryName;
import kdns.plugin.kubernetes.dns.ZoneTransfer;
import kdns.plugin.kubernetes.model.PodInfo;
import kdns.plugin.kubernetes.spi.ClusterSetZones;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The kubernetes plugin's handler: answers from the in-memory index through {@link Answerer},
 * never calling the API on the query path; with the {@code multicluster} option, names in its zones
 * are answered by the {@link ClusterSetZones} another plugin module provides. Thread-safe; it only blocks nothing. Out-of-zone
 * ExternalName targets are resolved through the whole server ({@link Instance#serve}, CoreDNS's
 * upstream lookup: the block with the longest zone for the target, then its whole chain); when
 * that chain answers later (forward), the reply is completed from its thread ({@link UpstreamLookup},
 * shared with k8s_external). Lookups nested on one thread are bounded by {@link #MAX_REENTRIES} as
 * CoreDNS bounds re-entries.
 */
public final class KubernetesHandler implements Handler, Readiness, AutoPather, Transferer, MetadataProvider {

    static final String NAME = "kubernetes";
    /** The {@code kubernetes/parse-error} value of a name this plugin cannot parse (CoreDNS's errInvalidRequest). */
    static final String INVALID_QUERY_NAME = "invalid query name";
    /** Lookups through the server nested on one thread before the innermost gets SERVFAIL (CoreDNS's maxreentries). */
    static final int MAX_REENTRIES = UpstreamLookup.MAX_REENTRIES;

    private final Answerer answerer;
    /** The {@code multicluster} option's zones, answered before the cluster's own names; null without it. */
    private final ClusterSetZones clusterSet;
    private final Handler next;
    private final BooleanSupplier ready;
    private final UpstreamLookup lookups;
    /** The search domains of kdns's own resolv.conf, appended to every pod's search path for autopath. */
    private final List<String> hostSearch;

    /**
     * @param answerer the answer builder; its name server addresses are replaced by the block's
     *                 non-loopback {@code bind} addresses when the block has any
     *                 ({@link Controller#listenHosts()}, read here: build handlers after setup)
     * @param block    the block's controller: its {@link Controller#instance() instance} serves
     *                 lookups of out-of-zone targets
     */
    public KubernetesHandler(Answerer answerer, Handler next, BooleanSupplier ready, Controller block) {
        this(answerer, null, next, ready, block);
    }

    /**
     * @param clusterSet the zones of the block's {@code multicluster} option (names in them are
     *                   answered there, or passed on), or null
     */
    public KubernetesHandler(Answerer answerer, ClusterSetZones clusterSet, Handler next, BooleanSupplier ready,
                             Controller block) {
        this(answerer, clusterSet, next, ready, block, ResolvConfSearch.readOrEmpty(Path.of("/etc/resolv.conf")));
    }

    /**
     * @param hostSearch the search domains of the server's own resolv.conf (normalised), which
     *                   {@code autopath @kubernetes} tries after the cluster's, as CoreDNS does
     */
    public KubernetesHandler(Answerer answerer, Handler next, BooleanSupplier ready, Controller block,
                             List<String> hostSearch) {
        this(answerer, null, next, ready, block, hostSearch);
    }

    private KubernetesHandler(Answerer answerer, ClusterSetZones clusterSet, Handler next, BooleanSupplier ready,
                              Controller block, List<String> hostSearch) {
        this.clusterSet = clusterSet;
        this.hostSearch = List.copyOf(hostSearch);
        List<InetAddress> bound = BoundAddresses.of(block.listenHosts());
        this.answerer = bound == null ? answerer : answerer.withLocalIps(bound);
        this.next = next;
        this.ready = ready;
        this.lookups = new UpstreamLookup(NAME, block.instance());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean ready() {
        return ready.getAsBoolean();
    }

    /** The answer builder (shared with cross-plugin users such as autopath later). */
    public Answerer answerer() {
        return answerer;
    }

    /**
     * The search path the kubelet gave the pod that sent {@code request} (found by source IP, so
     * only with {@code pods verified}): {@code <ns>.svc.<zone>}, {@code svc.<zone>}, {@code <zone>},
     * the server's own search domains, then {@code ""}. Empty outside this plugin's zones and for
     * clients that are not known pods (CoreDNS's {@code AutoPath}).
     */
    @Override
    public List<String> searchPath(Request request) {
        KubernetesConfig config = answerer.config();
        String zone = ZoneNames.longestMatch(config.zones(), request.name());
        if (zone == null || config.pods() != PodMode.VERIFIED) {
            return List.of();
        }
        List<PodInfo> pods = answerer.index().podsByIp(request.ip());
        if (pods.isEmpty()) {
            return List.of();
        }
        String ns = pods.get(0).namespace();
        List<String> search = new ArrayList<>(4 + hostSearch.size());
        if (zone.equals(".")) {
            search.add(ns + ".svc.");
            search.add("svc.");
            search.add(".");
        } else {
            search.add(ns + ".svc." + zone);
            search.add("svc." + zone);
            search.add(zone);
        }
        search.addAll(hostSearch);
        search.add("");
        return search;
    }

    /**
     * The {@code kubernetes/*} metadata (CoreDNS's {@code Metadata}): the client pod, found by the
     * query's source IP among the pods kept with {@code pods verified} ({@code client-namespace},
     * {@code client-pod-name}, {@code client-label/<key>} per label), and for names in this plugin's
     * zones the parts of the name as they are parsed to answer: {@code port-name},
     * {@code protocol}, {@code endpoint}, {@code service}, {@code namespace}, {@code kind}, with
     * {@code cluster} in a cluster-set zone and {@code zone} with the {@code zonal} option; a name
     * that does not parse gets {@code parse-error} alone. Two map reads and a split of the name;
     * the values are the parsed strings, handed out as they are asked for.
     */
    @Override
    public void provideMetadata(Request request) {
        KubernetesConfig config = answerer.config();
        if (config.pods() == PodMode.VERIFIED) {
            List<PodInfo> pods = answerer.index().podsByIp(request.ip());
            if (!pods.isEmpty()) {
                PodInfo pod = pods.get(0);
                request.setMetadata("kubernetes/client-namespace", pod::namespace);
                request.setMetadata("kubernetes/client-pod-name", pod::name);
                pod.labels().forEach((key, value) -> request.setMetadata("kubernetes/client-label/" + key, () -> value));
            }
        }
        String name = request.name();
        String zone = ZoneNames.longestMatch(config.zones(), name);
        if (zone == null) {
            return;
        }
        // The name's zone is a cluster-set one, as the handler decides when answering (CoreDNS's
        // metadata.go compares the request's zone, which is never set when metadata is collected).
        boolean multicluster = ZoneNames.longestMatch(config.multiclusterZones(), zone) != null;
        QueryName r = QueryName.parse(name, zone.length(), multicluster, config.zonal());
        if (r.invalid()) {
            request.setMetadata("kubernetes/parse-error", () -> INVALID_QUERY_NAME);
            return;
        }
        request.setMetadata("kubernetes/port-name", r::port);
        request.setMetadata("kubernetes/protocol", r::protocol);
        request.setMetadata("kubernetes/endpoint", r::endpoint);
        if (multicluster) {
            request.setMetadata("kubernetes/cluster", r::cluster);
        }
        if (config.zonal()) {
            request.setMetadata("kubernetes/zone", r::topologyZone);
        }
        request.setMetadata("kubernetes/service", r::service);
        request.setMetadata("kubernetes/namespace", r::namespace);
        request.setMetadata("kubernetes/kind", r::kind);
    }

    /**
     * The zone for the {@code transfer} plugin: one of this plugin's forward zones (not a reverse
     * or cluster-set zone), once the informers have synced; null otherwise, so that no client takes
     * a half-loaded zone for the whole.
     */
    @Override
    public List<Record> transfer(String zone, long clientSerial) {
        KubernetesConfig config = answerer.config();
        if (!ready() || !config.zones().contains(zone) || ReverseZones.isReverse(zone)
                || config.multiclusterZones().contains(zone)) {
            return null;
        }
        return ZoneTransfer.records(answerer, zone, clientSerial);
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        if (clusterSet != null && clusterSet.inZones(request.name())) {
            Message reply = clusterSet.answer(request);
            if (reply == null) {
                return Handlers.nextOrFailure(NAME, next, request, writer);
            }
            writer.write(reply);
            return Rcodes.NOERROR;
        }
        Answerer.Outcome o = answerer.answer(request, writer.takesWire());
        if (o instanceof Answerer.WireReply w) {
            if (writer.writeWire(w.message())) {
                return Rcodes.NOERROR;
            }
            o = answerer.answer(request); // declined after all: the same answer as a message
        }
        if (o instanceof Answerer.Next) {
            return Handlers.nextOrFailure(NAME, next, request, writer);
        }
        if (o instanceof Answerer.ErrorRcode e) {
            return e.rcode();
        }
        if (o instanceof Answerer.Reply r) {
            writer.write(r.message());
            return Rcodes.NOERROR;
        }
        Answerer.Upstream u = (Answerer.Upstream) o;
        return lookups.complete(request, u.partial(),
                List.of(new UpstreamLookup.Lookup(u.target(), u.qtype(), Section.ANSWER)), writer);
    }
}
