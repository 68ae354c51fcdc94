package kdns.plugin.kubernetes.autopath;

import io.prometheus.metrics.core.metrics.Counter;
import java.util.List;
import kdns.api.MetricsRegistry;
import kdns.api.Request;
import kdns.api.ServerLabels;

/** {@code coredns_autopath_success_total{server}}: queries answered from a later search element. */
final class AutopathMetrics {

    static final String SUCCESS = "coredns_autopath_success_total";

    private final Counter success;
    private final List<String> hosts;
    private final int defaultPort;

    /** @param hosts the block's {@code bind} addresses, empty for every address */
    AutopathMetrics(MetricsRegistry registry, List<String> hosts, int defaultPort) {
        this.success = registry.counter(SUCCESS, "Counter of requests that did autopath.", "server");
        this.hosts = List.copyOf(hosts);
        this.defaultPort = defaultPort;
    }

    void success(Request request) {
        success.labelValues(ServerLabels.forRequest(request, hosts, defaultPort)).inc();
    }
}
