package kdns.plugin.forward.grpc;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import kdns.api.MetricsRegistry;
import kdns.api.Rcodes;

/** CoreDNS's grpc metrics, observed for every reply that was read (not for failed calls). */
final class GrpcMetrics {

    private final Counter requests;
    private final Counter responses;
    private final Histogram duration;

    GrpcMetrics(MetricsRegistry r) {
        requests = r.counter("coredns_grpc_requests_total", "Counter of requests made per upstream.", "to");
        responses = r.counter("coredns_grpc_responses_total", "Counter of requests made per upstream.",
                "rcode", "to");
        duration = r.histogram("coredns_grpc_request_duration_seconds", "Histogram of the time each request took.",
                MetricsRegistry.timeBuckets(), "to");
    }

    void observe(String to, int rcode, long nanos) {
        requests.labelValues(to).inc();
        responses.labelValues(Rcodes.name(rcode), to).inc();
        duration.labelValues(to).observe(nanos / 1e9);
    }
}
