package kdns.host.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import kdns.host.plugins.PluginCfg;
import kdns.host.server.TcpListener;

/** Starts embedded servers with the host's test plugins (the host cannot use test-support). */
public final class HostTestServers {

    /** The test plugins in a fixed chain order. */
    public static final PluginCfg CFG = PluginCfg.parse("plugin.cfg", """
            ordera:test
            orderb:test
            orderc:test
            testpanic:test
            testdefer:test
            testanswer:test
            testlifecycle:test
            """);

    private HostTestServers() {
    }

    public static EmbeddedServer start(String corefile) throws Exception {
        return start(corefile, TcpListener.Limits.DEFAULT);
    }

    public static EmbeddedServer start(String corefile, TcpListener.Limits limits) throws Exception {
        return EmbeddedServer.start(corefile, Path.of("."), CFG, HostTestServers.class.getClassLoader(),
                new DnsServer.Options(2, limits), Map.of());
    }

    public static TcpListener.Limits shortTimeouts(int maxConnections) {
        return new TcpListener.Limits(Duration.ofMillis(500), Duration.ofMillis(800), maxConnections);
    }
}
