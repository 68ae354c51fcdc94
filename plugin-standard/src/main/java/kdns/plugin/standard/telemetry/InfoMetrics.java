package kdns.plugin.standard.telemetry;

import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Info metrics ({@code coredns_build_info}, {@code coredns_reload_version_info}): a gauge with the
 * constant value 1 and labels. The Prometheus Java client refuses the {@code _info} suffix for a
 * plain gauge, so these are its {@link Info} metrics, exposed as gauges in the text format exactly
 * as CoreDNS's are. Registered once per registry and found again by name (the registry survives
 * reloads, and so do they).
 */
public final class InfoMetrics {

    private static final Map<PrometheusRegistry, Map<String, Info>> BY_REGISTRY = new WeakHashMap<>();

    private InfoMetrics() {
    }

    /** The info metric {@code name} (with its {@code _info} suffix) of {@code registry}, created on first use. */
    public static synchronized Info get(PrometheusRegistry registry, String name, String help, String... labels) {
        Map<String, Info> infos = BY_REGISTRY.computeIfAbsent(registry, r -> new HashMap<>());
        return infos.computeIfAbsent(name,
                n -> Info.builder().name(n).help(help).labelNames(labels).register(registry));
    }
}
