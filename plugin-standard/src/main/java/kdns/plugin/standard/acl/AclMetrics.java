package kdns.plugin.standard.acl;

import io.prometheus.metrics.core.metrics.Counter;
import kdns.api.MetricsRegistry;

/** CoreDNS's acl counters, with its names and labels ({@code view}: the view of the block that served the query). */
final class AclMetrics {

    final Counter blocked;
    final Counter filtered;
    final Counter allowed;
    final Counter dropped;

    AclMetrics(MetricsRegistry r) {
        blocked = r.counter("coredns_acl_blocked_requests_total", "Counter of DNS requests being blocked.",
                "server", "zone", "view");
        filtered = r.counter("coredns_acl_filtered_requests_total", "Counter of DNS requests being filtered.",
                "server", "zone", "view");
        allowed = r.counter("coredns_acl_allowed_requests_total", "Counter of DNS requests being allowed.",
                "server", "view");
        dropped = r.counter("coredns_acl_dropped_requests_total", "Counter of DNS requests being dropped.",
                "server", "zone", "view");
    }
}
