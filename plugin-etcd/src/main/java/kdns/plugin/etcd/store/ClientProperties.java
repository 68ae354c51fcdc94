package kdns.plugin.etcd.store;

import java.util.Map;

/**
 * System properties the etcd client's libraries read once, set before the first client is built
 * because they shorten the start (measured, see the README's "Start-up"). A property already given
 * (for example with {@code KDNS_JAVA_OPTS=-Dvertx.disableDnsResolver=false}) is left as it is. Netty's
 * {@code io.netty.jfr.enabled=false}, which shortens this plugin's first read too, is the launcher's
 * (bin/kdns): it holds for every Netty allocator of the process, and a plugin's setup comes too late
 * when another plugin has used Netty first.
 */
public final class ClientProperties {

    /**
     * <ul>
     * <li>{@code vertx.disableDnsResolver}: jetcd builds a Vert.x instance for its gRPC channels, and
     * Vert.x sets up Netty's DNS resolver (reading resolv.conf and hosts) for its own clients, which
     * jetcd never uses: the channel's addresses come from jetcd's gRPC name resolvers.</li>
     * <li>{@code vertx.disableFileCPResolving}: Vert.x's file system API (unused here) would otherwise
     * look up files on the class path and create a {@code vertx-cache-*} folder in the temporary
     * directory at every start.</li>
     * </ul>
     */
    static final Map<String, String> DEFAULTS = Map.of(
            "vertx.disableDnsResolver", "true",
            "vertx.disableFileCPResolving", "true");

    private ClientProperties() {
    }

    /** Sets each of {@link #DEFAULTS} that is not set already. */
    public static void applyDefaults() {
        synchronized (System.class) {
            DEFAULTS.forEach((k, v) -> {
                if (System.getProperty(k) == null) {
                    System.setProperty(k, v);
                }
            });
        }
    }
}
