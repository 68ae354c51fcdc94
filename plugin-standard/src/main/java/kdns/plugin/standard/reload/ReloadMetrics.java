package kdns.plugin.standard.reload;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Info;
import kdns.api.MetricsRegistry;

/** CoreDNS's reload metrics: failed reloads, and the hash of the running configuration. */
record ReloadMetrics(Counter failed, Info version) {

    static final String FAILED = "coredns_reload_failed_total";
    static final String VERSION = "coredns_reload_version_info";

    static ReloadMetrics of(MetricsRegistry r) {
        return new ReloadMetrics(
                r.counter(FAILED, "Counter of the number of failed reload attempts."),
                r.info(VERSION,
                        "A metric with a constant '1' value labeled by hash, and value which type of hash generated.",
                        "hash", "value"));
    }

    /** {@code coredns_reload_version_info{hash="sha512", value=<hash>} 1}, replacing the previous value. */
    void running(String sha512) {
        version.setLabelValues("sha512", sha512);
    }
}
