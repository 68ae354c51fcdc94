package kdns.api;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;

/**
 * The process-wide Prometheus registry. Metrics are created once per process and found again by
 * name after a reload, so a plugin's setup can ask for its metrics every time it runs. Names are
 * given in full, with CoreDNS's {@code coredns_} prefix, so dashboards built for CoreDNS work.
 */
public interface MetricsRegistry {

    /** The underlying registry, for exposition. */
    PrometheusRegistry prometheus();

    /** The counter with this name, created on first use. */
    Counter counter(String name, String help, String... labelNames);

    /** The gauge with this name, created on first use. */
    Gauge gauge(String name, String help, String... labelNames);

    /** The histogram with this name and bucket bounds (seconds or bytes), created on first use. */
    Histogram histogram(String name, String help, double[] buckets, String... labelNames);

    /**
     * The info metric with this name (ending in {@code _info}, e.g. {@code coredns_build_info}),
     * created on first use: the constant 1 with labels, exposed as a gauge as CoreDNS's are. The
     * client refuses the {@code _info} suffix for a plain gauge, hence a kind of its own.
     */
    Info info(String name, String help, String... labelNames);

    /**
     * Registers the collector {@code create} makes, once per process for {@code key} (later calls
     * with the same key do nothing): for series worked out at scrape time from other metrics, so
     * the query path counts each event once (e.g. a metric CoreDNS exports under two names).
     */
    default void collector(String key, Supplier<? extends MultiCollector> create) {
        collector(key, MultiCollector.class, create::get);
    }

    /**
     * The collector registered for {@code key}: made by {@code create} and registered on the first
     * call, the same one on later calls (after a reload too), so a plugin whose query path counts
     * into its collector finds its counts again.
     *
     * @throws ClassCastException when the collector registered for {@code key} is not a {@code type}
     */
    <T extends MultiCollector> T collector(String key, Class<T> type, Supplier<T> create);

    /** CoreDNS's {@code plugin.TimeBuckets}: exponential from 0.25 ms, factor 2, 16 buckets. */
    static double[] timeBuckets() {
        double[] b = new double[16];
        double v = 0.00025;
        for (int i = 0; i < b.length; i++) {
            b[i] = v;
            v *= 2;
        }
        return b;
    }
}
