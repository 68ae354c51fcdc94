package kdns.plugin.standard.prometheus;

import io.prometheus.metrics.core.metrics.Gauge;
import kdns.api.MetricsRegistry;

/**
 * The metric families of CoreDNS's {@code plugin/metrics/vars}, with its names, labels, buckets
 * and help texts: the per-request ones counted by {@link DnsCounters}, and
 * {@code coredns_plugin_enabled}. Found again in the process-wide registry, so every block and
 * every reload counts into the same series.
 */
record DnsMetrics(DnsCounters counters, Gauge pluginEnabled) {

    static final String REQUESTS = "coredns_dns_requests_total";
    static final String DURATION = "coredns_dns_request_duration_seconds";
    static final String REQUEST_SIZE = "coredns_dns_request_size_bytes";
    static final String DO_REQUESTS = "coredns_dns_do_requests_total";
    static final String RESPONSE_SIZE = "coredns_dns_response_size_bytes";
    static final String RESPONSES = "coredns_dns_responses_total";
    static final String PLUGIN_ENABLED = "coredns_plugin_enabled";

    static final String REQUESTS_HELP = "Counter of DNS requests made per zone, protocol and family.";
    static final String DURATION_HELP = "Histogram of the time (in seconds) each request took per zone.";
    static final String REQUEST_SIZE_HELP = "Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone and protocol.";
    static final String DO_REQUESTS_HELP = "Counter of DNS requests with DO bit set per zone.";
    static final String RESPONSE_SIZE_HELP = "Size of the returned response in bytes.";
    static final String RESPONSES_HELP = "Counter of response status codes.";

    /** The size buckets of CoreDNS's request and response histograms. */
    static final double[] SIZE_BUCKETS = {0, 100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16e3, 32e3, 48e3, 64e3};

    static DnsMetrics of(MetricsRegistry r) {
        return new DnsMetrics(DnsCounters.of(r),
                r.gauge(PLUGIN_ENABLED, "A metric that indicates whether a plugin is enabled on per server and zone basis.",
                        "server", "zone", "view", "name"));
    }
}
