package kdns.plugin.standard.health;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import kdns.api.MetricsRegistry;

/** The self-check's metrics, without a {@code server} label (health is process-wide). */
record HealthMetrics(Histogram duration, Counter failures) {

    static final String DURATION = "coredns_health_request_duration_seconds";
    static final String FAILURES = "coredns_health_request_failures_total";

    /** CoreDNS's {@code plugin.SlimTimeBuckets}: 0.25 ms to 2.5 s, factor 10. */
    static final double[] SLIM_TIME_BUCKETS = {0.00025, 0.0025, 0.025, 0.25, 2.5};

    static HealthMetrics of(MetricsRegistry registry) {
        return new HealthMetrics(
                registry.histogram(DURATION, "Histogram of the time (in seconds) each request took.", SLIM_TIME_BUCKETS),
                registry.counter(FAILURES, "The number of times the health check failed."));
    }
}
