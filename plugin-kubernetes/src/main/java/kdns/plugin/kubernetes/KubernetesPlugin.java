package kdns.plugin.kubernetes;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.plugin.kubernetes.dns.Answerer;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.plugin.kubernetes.multicluster.McsAnswerer;
import kdns.plugin.kubernetes.multicluster.McsIndex;
import kdns.plugin.kubernetes.multicluster.McsInformers;
import kdns.plugin.kubernetes.multicluster.McsOptions;
import kdns.plugin.kubernetes.watch.ApiConnection;
import kdns.plugin.kubernetes.watch.Informers;

/**
 * {@code kubernetes [ZONES...] { ... }}: serves the Kubernetes DNS schema from Services,
 * EndpointSlices, Namespaces (and Pods with {@code pods verified}) watched through the official
 * Kubernetes Java client.
 */
public final class KubernetesPlugin implements Plugin {

    public KubernetesPlugin() {
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public String description() {
        return "serves the Kubernetes DNS schema (services, endpoints, pods) from the cluster's API";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        KubernetesConfig config = KubernetesDirective.parse(c);
        ClusterIndex index = new ClusterIndex();
        ApiConnection connection;
        try {
            connection = ApiConnection.create(config, c.instance().metrics(),
                    ApiConnection.userAgent(c.instance().serverVersion(), "kubernetes"));
        } catch (Exception e) {
            throw c.err("cannot configure the Kubernetes API connection: " + e.getMessage());
        }
        Informers informers = new Informers(config, connection, index, c.instance().metrics());
        List<InetAddress> local = localAddresses();
        if (!config.multiclusterZones().isEmpty()) {
            setupMulticluster(c, config, index, connection, informers, local);
            return;
        }
        Answerer answerer = new Answerer(config, index, informers::hasSynced, () -> local);
        c.addHandler(next -> new KubernetesHandler(answerer, next, informers::hasSynced, c));
        c.onStartup(() -> informers.startAndWait(config.startupTimeout()));
        c.onShutdown(informers::stop);
    }

    /**
     * The {@code multicluster ZONES} option (CoreDNS 1.12.2+): names in those zones are answered
     * from ServiceImports and exported EndpointSlices by the shared cluster-set code, with this
     * plugin's TTL, fallthrough, namespace exposure, {@code labels} (EndpointSlices),
     * {@code namespace_labels} (ServiceImports, as CoreDNS codes it), {@code noendpoints},
     * {@code endpoint_pod_names} and {@code ignore empty_service}; every other name as usual.
     */
    private static void setupMulticluster(Controller c, KubernetesConfig config, ClusterIndex index,
                                          ApiConnection connection, Informers informers, List<InetAddress> local) {
        McsIndex mcsIndex = new McsIndex();
        McsInformers mcsInformers = new McsInformers("kubernetes", connection, mcsIndex, false,
                config.noEndpoints(), config.labels(), config.namespaceLabels());
        BooleanSupplier synced = () -> informers.hasSynced() && mcsInformers.hasSynced();
        McsOptions options = new McsOptions(config.multiclusterZones(), config.ttl(), config.fallthrough(),
                config.noEndpoints(), config.endpointPodNames(), config.ignoreEmptyService(), true);
        McsAnswerer mcs = new McsAnswerer(options, mcsIndex,
                ns -> config.configuredNamespace(ns) && index.namespaceExists(ns), synced,
                () -> Math.max(index.modified(), mcsIndex.modified()));
        Answerer answerer = new Answerer(config, index, synced, () -> local);
        c.addHandler(next -> new ClusterSetHandler(mcs, new KubernetesHandler(answerer, next, synced, c), next,
                synced));
        c.onStartup(() -> {
            long start = System.nanoTime();
            mcsInformers.start();
            informers.startAndWait(config.startupTimeout());
            Duration left = config.startupTimeout().minusNanos(System.nanoTime() - start);
            mcsInformers.startAndWait(left.isNegative() ? Duration.ZERO : left);
        });
        c.onShutdown(() -> {
            mcsInformers.stop();
            informers.stop();
        });
    }

    /** The host's non-loopback addresses (CoreDNS uses them when no {@code bind} is given). */
    static List<InetAddress> localAddresses() {
        List<InetAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        out.add(a);
                    }
                }
            }
        } catch (SocketException e) {
            return List.of();
        }
        return List.copyOf(out);
    }
}
