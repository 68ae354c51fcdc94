package kdns.testing;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kdns.host.corefile.CorefileException;
import kdns.host.metrics.PrometheusMetrics;
import kdns.host.plugins.PluginCfg;
import kdns.host.plugins.PluginLoadException;
import kdns.host.runtime.DnsServer;
import kdns.host.runtime.EmbeddedServer;
import kdns.host.server.TcpListener;

/**
 * A real kdns server inside the test's JVM, on 127.0.0.1, built from a Corefile with the plugins
 * on the class path (CoreDNS's {@code test.CoreDNSServerAndPorts}). Write keys with port 0
 * ({@code .:0}) to get a free port. Close it after use.
 */
public final class InProcessServer implements AutoCloseable {

    private final EmbeddedServer server;

    private InProcessServer(EmbeddedServer server) {
        this.server = server;
    }

    /** Starts a server from Corefile text with every plugin on the class path, in kdns's order. */
    public static InProcessServer start(String corefile) throws CorefileException, PluginLoadException {
        return start(corefile, TestPluginCfg.forClassPath(InProcessServer.class.getClassLoader()),
                TcpListener.Limits.DEFAULT, Map.of());
    }

    /** Starts a server with a given plugin.cfg, TCP limits and environment. */
    public static InProcessServer start(String corefile, PluginCfg cfg, TcpListener.Limits limits,
                                        Map<String, String> env) throws CorefileException, PluginLoadException {
        return new InProcessServer(EmbeddedServer.start(corefile, Path.of("."), cfg,
                InProcessServer.class.getClassLoader(), new DnsServer.Options(DnsServer.Options.defaults().udpSockets(), limits), env));
    }

    public InetSocketAddress address() {
        return server.address();
    }

    public List<InetSocketAddress> addresses() {
        return server.addresses();
    }

    public DnsServer server() {
        return server.server();
    }

    public PrometheusMetrics metrics() {
        return server.metrics();
    }

    @Override
    public void close() {
        server.close();
    }
}
