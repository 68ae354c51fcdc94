package kdns.plugin.forward.proxy;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import java.util.concurrent.atomic.AtomicReferenceArray;
import kdns.api.Rcodes;

/**
 * One upstream's series of {@link ProxyMetrics}, each labelled data point looked up once instead of
 * on every reply (a label array and a map lookup per series and query). A data point
 * is looked up when first used, as before, so a series that never counted is not exported; two
 * threads that look one up at once get the same data point.
 */
final class UpstreamSeries {

    /** Rcodes below this keep their data points (the four-bit ones and the usual extended ones). */
    private static final int KEPT_RCODES = 32;

    private final ProxyMetrics metrics;
    private final String to;
    private final AtomicReferenceArray<ByRcode> byRcode = new AtomicReferenceArray<>(KEPT_RCODES);
    private volatile CounterDataPoint udpHits;

    private record ByRcode(DistributionDataPoint duration) {
    }

    UpstreamSeries(ProxyMetrics metrics, String to) {
        this.metrics = metrics;
        this.to = to;
    }

    /**
     * One answered exchange: its duration by rcode, one observation (the legacy request and response
     * counts and duration are read from it at scrape time, {@link LegacyForwardSeries}).
     */
    void observe(int rcode, long nanos) {
        ByRcode s = rcode >= 0 && rcode < KEPT_RCODES ? byRcode.get(rcode) : null;
        if (s == null) {
            s = new ByRcode(metrics.duration.labelValues(metrics.proxyName, to, Rcodes.name(rcode)));
            if (rcode >= 0 && rcode < KEPT_RCODES) {
                byRcode.set(rcode, s);
            }
        }
        s.duration().observe(nanos / 1e9);
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
