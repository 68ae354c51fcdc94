package kdns.plugin.forward.proxy;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import java.util.concurrent.atomic.AtomicReferenceArray;
import kdns.api.Rcodes;

/**
 * One upstream's series of {@link ProxyMetrics}, each labelled data point looked up once instead of
 * on every reply (a label array and a map lookup for each of four series per query). A data point
 * is looked up when first used, as before, so a series that never counted is not exported; two
 * threads that look one up at once get the same data point.
 */
final class UpstreamSeries {

    /** Rcodes below this keep their data points (the four-bit ones and the usual extended ones). */
    private static final int KEPT_RCODES = 32;

    private final ProxyMetrics metrics;
    private final String to;
    private final AtomicReferenceArray<ByRcode> byRcode = new AtomicReferenceArray<>(KEPT_RCODES);
    private volatile CounterDataPoint requests;
    private volatile CounterDataPoint udpHits;

    private record ByRcode(DistributionDataPoint duration, CounterDataPoint responses, DistributionDataPoint legacyDuration) {
    }

    UpstreamSeries(ProxyMetrics metrics, String to) {
        this.metrics = metrics;
        this.to = to;
    }

    /** One answered exchange: its duration by rcode, the request and response counts. */
    void observe(int rcode, long nanos) {
        ByRcode s = rcode >= 0 && rcode < KEPT_RCODES ? byRcode.get(rcode) : null;
        if (s == null) {
            String rc = Rcodes.name(rcode);
            s = new ByRcode(metrics.duration.labelValues(metrics.proxyName, to, rc),
                    metrics.legacyResponses.labelValues(rc, to), metrics.legacyDuration.labelValues(to, rc));
            if (rcode >= 0 && rcode < KEPT_RCODES) {
                byRcode.set(rcode, s);
            }
        }
        CounterDataPoint r = requests;
        if (r == null) {
            requests = r = metrics.legacyRequests.labelValues(to);
        }
        double seconds = nanos / 1e9;
        s.duration().observe(seconds);
        r.inc();
        s.responses().inc();
        s.legacyDuration().observe(seconds);
    }

    /** A connection (or UDP socket) reused. */
    void cacheHit(String proto) {
        if (!"udp".equals(proto)) {
            metrics.connCacheHits.labelValues(metrics.proxyName, to, proto).inc();
            return;
        }
        CounterDataPoint h = udpHits;
        if (h == null) {
            udpHits = h = metrics.connCacheHits.labelValues(metrics.proxyName, to, proto);
        }
        h.inc();
    }

    /** A connection (or UDP socket) opened. */
    void cacheMiss(String proto) {
        metrics.connCacheMisses.labelValues(metrics.proxyName, to, proto).inc();
    }
}
