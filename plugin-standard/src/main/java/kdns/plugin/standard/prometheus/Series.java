package kdns.plugin.standard.prometheus;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The data points of one {@code server} and {@code zone}, looked up once and kept, so a query
 * costs array reads rather than label-map lookups. Data points are created lazily; racing
 * creations get the same object from the metric.
 */
final class Series {

    /** CoreDNS's {@code view} label of blocks without a view. */
    static final String NO_VIEW = "";

    private static final String[] PROTOS = {"udp", "tcp"};
    private static final String[] FAMILIES = {"1", "2"};
    private static final int TYPES = QueryTypes.LABELS.length;

    private final DnsMetrics metrics;
    private final String server;
    private final String zone;
    private final String view;
    private final DistributionDataPoint duration;
    private volatile CounterDataPoint doRequests;
    private final AtomicReferenceArray<CounterDataPoint> requests = new AtomicReferenceArray<>(2 * 2 * TYPES);
    private final AtomicReferenceArray<DistributionDataPoint> requestSize = new AtomicReferenceArray<>(2);
    private final AtomicReferenceArray<DistributionDataPoint> responseSize = new AtomicReferenceArray<>(2);
    private final ConcurrentHashMap<String, AtomicReferenceArray<CounterDataPoint>> responses = new ConcurrentHashMap<>();

    Series(DnsMetrics metrics, String server, String zone, String view) {
        this.metrics = metrics;
        this.server = server;
        this.zone = zone;
        this.view = view;
        this.duration = metrics.duration().labelValues(server, zone, view);
    }

    String server() {
        return server;
    }

    String zone() {
        return zone;
    }

    DistributionDataPoint duration() {
        return duration;
    }

    /** Created on the first DO query, so the series appears only once there is one (as CoreDNS's). */
    CounterDataPoint doRequests() {
        CounterDataPoint p = doRequests;
        if (p == null) {
            p = metrics.doRequests().labelValues(server, zone, view);
            doRequests = p;
        }
        return p;
    }

    /** @param proto 0 udp, 1 tcp; @param family 0 IPv4, 1 IPv6; @param type index in {@link QueryTypes#LABELS} */
    CounterDataPoint requests(int proto, int family, int type) {
        int i = (proto * 2 + family) * TYPES + type;
        CounterDataPoint p = requests.get(i);
        if (p == null) {
            p = metrics.requests().labelValues(server, zone, view, PROTOS[proto], FAMILIES[family],
                    QueryTypes.LABELS[type]);
            requests.set(i, p);
        }
        return p;
    }

    DistributionDataPoint requestSize(int proto) {
        DistributionDataPoint p = requestSize.get(proto);
        if (p == null) {
            p = metrics.requestSize().labelValues(server, zone, view, PROTOS[proto]);
            requestSize.set(proto, p);
        }
        return p;
    }

    DistributionDataPoint responseSize(int proto) {
        DistributionDataPoint p = responseSize.get(proto);
        if (p == null) {
            p = metrics.responseSize().labelValues(server, zone, view, PROTOS[proto]);
            responseSize.set(proto, p);
        }
        return p;
    }

    CounterDataPoint responses(int rcode, String plugin) {
        if (rcode < 0 || rcode >= RcodeNames.CACHED) {
            return metrics.responses().labelValues(server, zone, view, RcodeNames.name(rcode), plugin);
        }
        AtomicReferenceArray<CounterDataPoint> byRcode = responses.get(plugin);
        if (byRcode == null) {
            byRcode = responses.computeIfAbsent(plugin, k -> new AtomicReferenceArray<>(RcodeNames.CACHED));
        }
        CounterDataPoint p = byRcode.get(rcode);
        if (p == null) {
            p = metrics.responses().labelValues(server, zone, view, RcodeNames.name(rcode), plugin);
            byRcode.set(rcode, p);
        }
        return p;
    }
}
