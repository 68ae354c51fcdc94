package kdns.plugin.standard.prometheus;

import kdns.api.ServerLabels;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;

/**
 * Records CoreDNS's per-request metrics for one server block. The writer is wrapped so the query
 * is reported when its reply is written, on whatever thread writes it (deferred replies come
 * later); when the chain writes nothing and returns an error rcode, the query is reported with
 * that rcode, size 0 and an empty {@code plugin}, as CoreDNS does. Thread-safe.
 */
final class MetricsHandler implements Handler {

    static final String NAME = "prometheus";

    private final Handler next;
    private final DnsMetrics metrics;
    private final List<String> hosts;
    private final int defaultPort;
    private final ConcurrentHashMap<InetSocketAddress, ConcurrentHashMap<String, ZoneCounts>> series =
            new ConcurrentHashMap<>();
    /** The counts the last query reported to, with what they were looked up by (written by any thread). */
    private LastCounts last; // immutable, so a plain field: a thread sees another's or its own, whole

    /**
     * @param hosts       the block's {@code bind} addresses (empty: every address)
     * @param defaultPort the block's port, for a query whose local address is unknown
     */
    MetricsHandler(Handler next, DnsMetrics metrics, List<String> hosts, int defaultPort) {
        this.next = next;
        this.metrics = metrics;
        this.hosts = List.copyOf(hosts);
        this.defaultPort = defaultPort;
    }

    @Override
    public String name() {
        return NAME;
    }

    Handler next() {
        return next;
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        MetricsWriter w = new MetricsWriter(writer, this, request, System.nanoTime());
        int rc;
        try {
            rc = Handlers.nextOrFailure(NAME, next, request, w);
        } catch (HandlerException e) {
            w.unwritten(e.rcode());
            throw e;
        }
        if (rc != DEFERRED && !Rcodes.clientWrote(rc)) {
            w.unwritten(rc);
        }
        return rc;
    }

    /** Reports one query: its reply had {@code rcode} and {@code size} octets and was written by {@code plugin}. */
    void report(Request request, int rcode, String plugin, int size, long start) {
        double seconds = (System.nanoTime() - start) / 1e9;
        ZoneCounts counts = counts(request);
        counts.record(request.transport().stream() ? 1 : 0, request.family() == 2 ? 1 : 0,
                QueryTypes.index(request.qtype()), request.dnssecOk(), seconds, request.querySize(), size, rcode,
                plugin);
    }

    /**
     * The counts of the request's local address, zone and view: the last ones used when they are the
     * same objects (a listener's address and a block's zone are), which they are for query after
     * query of a block, else looked up.
     */
    private ZoneCounts counts(Request request) {
        InetSocketAddress local = request.localAddress();
        String zone = request.serverZone();
        String view = request.view();
        LastCounts last = this.last;
        if (last != null && last.local() == local && last.zone() == zone && last.view() == view) {
            return last.counts();
        }
        ZoneCounts counts = series(local, zone, view, ServerLabels.scheme(request.transport()));
        this.last = new LastCounts(local, zone, view, counts);
        return counts;
    }

    private record LastCounts(InetSocketAddress local, String zone, String view, ZoneCounts counts) {
    }

    /** The counts of a zone; a block has one view, so the view only tells blocks apart in tests. */
    ZoneCounts series(InetSocketAddress local, String zone, String view, String scheme) {
        String z = zone == null || zone.isEmpty() ? "." : zone;
        InetSocketAddress key = local == null ? new InetSocketAddress(defaultPort) : local;
        ConcurrentHashMap<String, ZoneCounts> byZone = series.get(key);
        if (byZone == null) {
            byZone = series.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
        }
        String key2 = view.isEmpty() ? z : z + " " + view;
        ZoneCounts s = byZone.get(key2);
        if (s == null) {
            String server = ServerLabels.forLocal(scheme, local, hosts, defaultPort);
            s = byZone.computeIfAbsent(key2, k -> metrics.counters().zone(server, z, view));
        }
        return s;
    }
}
