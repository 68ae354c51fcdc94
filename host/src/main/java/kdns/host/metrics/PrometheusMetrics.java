package kdns.host.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.core.metrics.Metric;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import kdns.api.MetricsRegistry;

/**
 * The process's metrics registry. Metrics are registered once and handed out again by name, so a
 * plugin set up again after a reload keeps counting where it left off, as CoreDNS's do.
 */
public final class PrometheusMetrics implements MetricsRegistry {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ConcurrentHashMap<String, Registered> metrics = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, MultiCollector> collectors = new ConcurrentHashMap<>();

    private record Registered(Metric metric, String kind, String[] labels) {
    }

    @Override
    public PrometheusRegistry prometheus() {
        return registry;
    }

    @Override
    public Counter counter(String name, String help, String... labelNames) {
        // Prometheus's Java client adds _total itself and rejects names that carry it.
        String base = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
        return (Counter) get(name, "counter", labelNames,
                () -> Counter.builder().name(base).help(help).labelNames(labelNames).register(registry));
    }

    @Override
    public Gauge gauge(String name, String help, String... labelNames) {
        return (Gauge) get(name, "gauge", labelNames,
                () -> Gauge.builder().name(name).help(help).labelNames(labelNames).register(registry));
    }

    @Override
    public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
        return (Histogram) get(name, "histogram", labelNames,
                () -> Histogram.builder().name(name).help(help).classicOnly().classicUpperBounds(buckets)
                        .withoutExemplars()
                        .labelNames(labelNames).register(registry));
    }

    @Override
    public Info info(String name, String help, String... labelNames) {
        return (Info) get(name, "info", labelNames,
                () -> Info.builder().name(name).help(help).labelNames(labelNames).register(registry));
    }

    @Override
    public <T extends MultiCollector> T collector(String key, Class<T> type, Supplier<T> create) {
        return type.cast(collectors.computeIfAbsent(key, k -> {
            MultiCollector c = create.get();
            registry.register(c);
            return c;
        }));
    }

    private Metric get(String name, String kind, String[] labels, Supplier<Metric> create) {
        Registered r = metrics.computeIfAbsent(name, n -> new Registered(create.get(), kind, labels.clone()));
        if (!r.kind().equals(kind) || !Arrays.equals(r.labels(), labels)) {
            throw new IllegalArgumentException("metric " + name + " is already registered as a " + r.kind()
                    + " with labels " + Arrays.toString(r.labels()));
        }
        return r.metric();
    }
}
