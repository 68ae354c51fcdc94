package kdns.host.runtime;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import kdns.host.corefile.CorefileException;
import kdns.host.metrics.PrometheusMetrics;
import kdns.host.plugins.PluginCatalog;
import kdns.host.plugins.PluginCfg;
import kdns.host.plugins.PluginLoadException;
import kdns.host.setup.CorefileSource;
import kdns.host.setup.InstanceBuilder;
import kdns.host.setup.ServerInstance;

/**
 * A kdns server embedded in another Java program (and in tests): Corefile text in, a running
 * server out, with the plugins visible to a class loader. Keys with port 0 get a free port.
 */
public final class EmbeddedServer implements AutoCloseable {

    private final DnsServer server;
    private final PrometheusMetrics metrics;
    private final Reloads reloads;

    private EmbeddedServer(DnsServer server, PrometheusMetrics metrics, Reloads reloads) {
        this.server = server;
        this.metrics = metrics;
        this.reloads = reloads;
    }

    /**
     * Parses, sets up and starts a server.
     *
     * @param corefile Corefile text; relative imports resolve against {@code baseDir}
     * @param cfg      the plugins and chain order
     * @param loader   where the plugins' providers are found
     */
    public static EmbeddedServer start(String corefile, Path baseDir, PluginCfg cfg, ClassLoader loader,
                                       DnsServer.Options options, Map<String, String> env)
            throws CorefileException, PluginLoadException {
        return start(() -> corefile, baseDir, cfg, loader, options, env);
    }

    /**
     * Starts a server whose Corefile text comes from {@code corefile} each time it is read, so a
     * reload (the {@code reload} plugin, {@link #reloads()}) sees the text as it is then.
     */
    public static EmbeddedServer start(CorefileText corefile, Path baseDir, PluginCfg cfg, ClassLoader loader,
                                       DnsServer.Options options, Map<String, String> env)
            throws CorefileException, PluginLoadException {
        PluginCatalog catalog = PluginCatalog.fromClassPath(cfg, loader);
        PrometheusMetrics metrics = new PrometheusMetrics();
        Reloads.InstanceSource source = new Reloads.InstanceSource() {
            @Override
            public InstanceBuilder.LoadedCorefile parse() throws CorefileException {
                return CorefileSource.parse("Corefile", corefile.read(), baseDir, 0, new HashSet<>(catalog.order()),
                        env, w -> { });
            }

            @Override
            public ServerInstance build(InstanceBuilder.LoadedCorefile loaded) throws CorefileException {
                return InstanceBuilder.build(loaded, catalog, metrics);
            }
        };
        ServerInstance instance = source.build(source.parse());
        DnsServer server = new DnsServer(options, metrics);
        Reloads reloads = new Reloads(server, source);
        instance.useReloader(reloads);
        server.start(instance);
        return new EmbeddedServer(server, metrics, reloads);
    }

    /** Where an embedded server's Corefile text comes from. */
    @FunctionalInterface
    public interface CorefileText {
        String read() throws CorefileException;
    }

    /** Reloads of this server. */
    public Reloads reloads() {
        return reloads;
    }

    /** The first listen address as 127.0.0.1 with its bound port. */
    public InetSocketAddress address() {
        return addresses().get(0);
    }

    /** Every listen address as 127.0.0.1 with its bound port, in Corefile order. */
    public List<InetSocketAddress> addresses() {
        return server.addresses().stream().map(a -> new InetSocketAddress("127.0.0.1", a.getPort())).toList();
    }

    public DnsServer server() {
        return server;
    }

    public PrometheusMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        reloads.close();
        server.close();
    }
}
