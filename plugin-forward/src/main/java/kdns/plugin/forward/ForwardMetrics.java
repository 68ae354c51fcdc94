package kdns.plugin.forward;

import io.prometheus.metrics.core.metrics.Counter;
import kdns.api.MetricsRegistry;

/** The forward plugin's own counters (the per-upstream ones are in {@code ProxyMetrics}). */
final class ForwardMetrics {

    final Counter healthcheckBroken;
    final Counter maxConcurrentRejects;

    private ForwardMetrics(MetricsRegistry r) {
        healthcheckBroken = r.counter("coredns_forward_healthcheck_broken_total",
                "Counter of the number of complete failures of the healthchecks.");
        maxConcurrentRejects = r.counter("coredns_forward_max_concurrent_rejects_total",
                "Counter of the number of queries rejected because the concurrent queries were at maximum.");
    }

    static ForwardMetrics of(MetricsRegistry r) {
        return new ForwardMetrics(r);
    }
}
