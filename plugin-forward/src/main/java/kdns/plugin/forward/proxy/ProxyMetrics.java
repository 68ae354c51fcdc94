package kdns.plugin.forward.proxy;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import kdns.api.MetricsRegistry;

/**
 * The per-upstream metrics: CoreDNS 1.11+'s {@code coredns_proxy_*} family (label
 * {@code proxy_name="forward"}) and, for dashboards built before 1.11, the
 * {@code coredns_forward_*} series those replaced (same values, CoreDNS 1.10's labels). The legacy
 * series of replies are worked out at scrape time from the proxy duration histogram
 * ({@link LegacyForwardSeries}), so each reply is observed once.
 */
public final class ProxyMetrics {

    final String proxyName;
    final Histogram duration;
    final Counter healthcheckFailures;
    final Counter connCacheHits;
    final Counter connCacheMisses;
    final Counter legacyHealthcheckFailures;

    private ProxyMetrics(String proxyName, MetricsRegistry r) {
        this.proxyName = proxyName;
        double[] buckets = MetricsRegistry.timeBuckets();
        duration = r.histogram("coredns_proxy_request_duration_seconds", "Histogram of the time each request took.",
                buckets, "proxy_name", "to", "rcode");
        healthcheckFailures = r.counter("coredns_proxy_healthcheck_failures_total",
                "Counter of the number of failed healthchecks.", "proxy_name", "to");
        connCacheHits = r.counter("coredns_proxy_conn_cache_hits_total",
                "Counter of connection cache hits per upstream and protocol.", "proxy_name", "to", "proto");
        connCacheMisses = r.counter("coredns_proxy_conn_cache_misses_total",
                "Counter of connection cache misses per upstream and protocol.", "proxy_name", "to", "proto");
        Histogram proxyDuration = duration;
        r.collector(LegacyForwardSeries.DURATION, () -> new LegacyForwardSeries(proxyDuration));
        legacyHealthcheckFailures = r.counter("coredns_forward_healthcheck_failures_total",
                "Counter of the number of failed healthchecks.", "to");
    }

    /** The metrics of one proxying plugin ({@code forward}), registered on first use. */
    public static ProxyMetrics of(String proxyName, MetricsRegistry registry) {
        return new ProxyMetrics(proxyName, registry);
    }

    /** The series of the upstream {@code to}. */
    UpstreamSeries series(String to) {
        return new UpstreamSeries(this, to);
    }

    void healthcheckFailed(String to) {
        healthcheckFailures.labelValues(proxyName, to).inc();
        legacyHealthcheckFailures.labelValues(to).inc();
    }
}
