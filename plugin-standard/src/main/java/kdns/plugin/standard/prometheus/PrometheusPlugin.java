package kdns.plugin.standard.prometheus;

import io.prometheus.metrics.core.metrics.Info;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import kdns.api.Controller;
import kdns.api.Handler;
import kdns.api.Instance;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.ServerLabels;
import kdns.plugin.standard.endpoint.HostPort;

/**
 * {@code prometheus [ADDRESS]}, once per block: the block's per-request metrics, and the
 * process-wide {@code /metrics} endpoint on ADDRESS ({@code localhost:9153} by default).
 */
public final class PrometheusPlugin implements Plugin {

    /** The address without ADDRESS. */
    static final String DEFAULT_ADDRESS = "localhost:9153";

    static final String BUILD_INFO = "coredns_build_info";

    public PrometheusPlugin() {
    }

    @Override
    public String name() {
        return "prometheus";
    }

    @Override
    public String description() {
        return "enables Prometheus metrics on /metrics and records the block's per-request metrics";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        HostPort address = parse(c);
        Instance instance = c.instance();
        DnsMetrics metrics = DnsMetrics.of(instance.metrics());
        int block = c.serverBlockIndex();
        int port = c.port();
        List<String> zones = c.serverBlockZones();
        String zone = zones.isEmpty() ? "." : zones.get(0);
        List<String> keys = c.serverBlockKeys();
        String first = keys.isEmpty() ? "" : keys.get(0);
        String scheme = first.contains("://") ? first.substring(0, first.indexOf("://")).toLowerCase(Locale.ROOT)
                : "dns";
        List<String> hosts = c.listenHosts(); // bind runs before prometheus in plugin.cfg order
        AtomicReference<MetricsHandler> built = new AtomicReference<>();
        c.addHandler(next -> {
            MetricsHandler h = new MetricsHandler(next, metrics, hosts, port);
            built.set(h);
            return h;
        });
        Object owner = new Object();
        Runnable enabled = () -> pluginEnabled(instance, metrics, built.get(), block, hosts, scheme, port, zone);
        c.onStartup(() -> {
            MetricsEndpoint.acquire(address, owner, instance.metrics().prometheus());
            buildInfo(instance);
            enabled.run();
        });
        // As CoreDNS: the new instance's blocks set coredns_plugin_enabled again once they start.
        c.onRestart(() -> metrics.pluginEnabled().clear());
        c.onRestartFailed(enabled::run);
        c.onShutdown(() -> MetricsEndpoint.release(address, owner));
    }

    static HostPort parse(Controller c) throws PluginException {
        return c.once(HostPort.parse(DEFAULT_ADDRESS), PrometheusPlugin::occurrence);
    }

    private static HostPort occurrence(Controller c) throws PluginException {
        HostPort address = HostPort.fromArgs(c, DEFAULT_ADDRESS);
        if (c.nextBlock()) {
            throw c.err("prometheus takes no block, found '" + c.val() + "'");
        }
        return address;
    }

    /** {@code coredns_build_info{version, revision, goversion}}: goversion is the Java version here. */
    static void buildInfo(Instance instance) {
        Info info = instance.metrics().info(BUILD_INFO,
                "A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS "
                        + "was built.", "version", "revision", "goversion");
        String version = instance.serverVersion();
        if (version.startsWith("kdns-")) {
            version = version.substring("kdns-".length());
        }
        info.setLabelValues(version, System.getProperty("kdns.commit", "unknown"),
                "java" + Runtime.version().feature() + "." + Runtime.version().interim() + "."
                        + Runtime.version().update());
    }

    /**
     * {@code coredns_plugin_enabled{server, zone, view, name} 1} for every handler of the block, on
     * each of its listen addresses, with the zone and port of the block's first key (as CoreDNS).
     */
    static void pluginEnabled(Instance instance, DnsMetrics metrics, MetricsHandler own, int block,
                              List<String> hosts, String scheme, int port, String zone) {
        if (own == null) {
            return;
        }
        List<String> names = instance.blockHandlers(block).stream().map(Handler::name).toList();
        for (String host : hosts.isEmpty() ? List.of("") : hosts) {
            String server = ServerLabels.of(scheme, host, port);
            for (String name : names) {
                metrics.pluginEnabled().labelValues(server, zone, ZoneCounts.NO_VIEW, name).set(1);
            }
        }
    }
}
