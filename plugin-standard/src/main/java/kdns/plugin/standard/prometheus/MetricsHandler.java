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
    private final ConcurrentHashMap<InetSocketAddress, ConcurrentHashMap<String, Series>> series =
            new ConcurrentHashMap<>();

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
        Series s = series(request.localAddress(), request.serverZone(), request.view(),
                ServerLabels.scheme(request.transport()));
        int proto = request.transport().stream() ? 1 : 0;
        int family = request.family() == 2 ? 1 : 0;
        if (request.dnssecOk()) {
            s.doRequests().inc();
        }
        s.requests(proto, family, QueryTypes.index(request.qtype())).inc();
        s.duration().observe((System.nanoTime() - start) / 1e9);
        s.responseSize(proto).observe(size);
        s.requestSize(proto).observe(request.querySize());
        s.responses(rcode, plugin).inc();
    }

    /** The series of a zone; a block has one view, so the view only tells blocks apart in tests. */
    Series series(InetSocketAddress local, String zone, String view, String scheme) {
        String z = zone == null || zone.isEmpty() ? "." : zone;
        InetSocketAddress key = local == null ? new InetSocketAddress(defaultPort) : local;
        ConcurrentHashMap<String, Series> byZone = series.get(key);
        if (byZone == null) {
            byZone = series.computeIfAbsent(key, k -> new ConcurrentHashMap<>());
        }
        String key2 = view.isEmpty() ? z : z + " " + view;
        Series s = byZone.get(key2);
        if (s == null) {
            String server = ServerLabels.forLocal(scheme, local, hosts, defaultPort);
            s = byZone.computeIfAbsent(key2, k -> new Series(metrics, server, z, view));
        }
        return s;
    }
}
