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
import kdns.plugin.kubernetes.spi.ClusterSetOption;
import kdns.plugin.kubernetes.spi.ClusterSetZones;
import kdns.plugin.kubernetes.spi.KubernetesBlock;
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
            connection = ApiConnection.create(config.connection(), c.instance().metrics(),
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
        startEarly(c, informers::start, informers::stop);
        c.onStartup(() -> informers.startAndWait(config.startupTimeout()));
        c.onShutdown(informers::stop);
    }

    /**
     * Starts the informers (their first list requests) in a prepare hook, before the listeners are
     * bound, instead of in the start-up hook after them: the lists are the start's critical path,
     * and what the host still does before the start-up hooks (the chains, Netty's set-up, the
     * binding, about 0.2 s of a 2-3 s start with 10,000 Services) then overlaps them. An instance
     * that never serves (a later setup, a bind or a start-up hook failed, a failed reload) stops
     * them in its abandon hook; the start-up hook only waits for the sync ({@code start} does
     * nothing the second time).
     */
    private static void startEarly(Controller c, Controller.Hook start, Controller.Hook stop) {
        c.onPrepare(start);
        c.onAbandon(stop);
    }

    /**
     * The {@code multicluster ZONES} option (CoreDNS 1.12.2+): names in those zones are answered by
     * the {@link ClusterSetOption} another plugin module provides (plugin-multicluster; the
     * directive's parser made sure there is one), on this block's API connection and options;
     * every other name as usual.
     */
    private static void setupMulticluster(Controller c, KubernetesConfig config, ClusterIndex index,
                                          ApiConnection connection, Informers informers, List<InetAddress> local) {
        ClusterSetOption option = c.instance().extensions(ClusterSetOption.class).get(0);
        ClusterSetZones zones = option.setup(new KubernetesBlock(connection, config.multiclusterZones(), config.ttl(),
                config.fallthrough(), config.noEndpoints(), config.endpointPodNames(), config.ignoreEmptyService(),
                config.labels(), config.namespaceLabels(),
                ns -> config.configuredNamespace(ns) && index.namespaceExists(ns), index::modified,
                informers::hasSynced));
        BooleanSupplier synced = () -> informers.hasSynced() && zones.hasSynced();
        Answerer answerer = new Answerer(config, index, synced, () -> local);
        c.addHandler(next -> new KubernetesHandler(answerer, zones, next, synced, c));
        startEarly(c, () -> {
            zones.start();
            informers.start();
        }, () -> {
            zones.stop();
            informers.stop();
        });
        c.onStartup(() -> {
            long start = System.nanoTime();
            zones.start();
            informers.startAndWait(config.startupTimeout());
            Duration left = config.startupTimeout().minusNanos(System.nanoTime() - start);
            zones.startAndWait(left.isNegative() ? Duration.ZERO : left);
        });
        c.onShutdown(() -> {
            zones.stop();
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
