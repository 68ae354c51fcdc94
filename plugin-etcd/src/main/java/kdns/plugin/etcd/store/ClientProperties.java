package kdns.plugin.etcd.store;

import java.util.Map;

/**
 * System properties the etcd client's libraries read once, set before the first client is built
 * because they shorten the start (measured, see the README's "Start-up"). A property already given
 * (for example with {@code KDNS_JAVA_OPTS=-Dio.netty.jfr.enabled=true}) is left as it is.
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
     * <li>{@code io.netty.jfr.enabled}: Netty's pooled allocator, which gRPC's channel uses, asks JFR
     * whether its buffer events are enabled at the first allocation, and that first use of
     * {@code jdk.jfr.Event} initialises JFR's event machinery (its classes are not in the AOT cache)
     * on the connection's event loop, in the middle of the first read. Netty reads the property
     * once, when its {@code PlatformDependent} is initialised: when another plugin's setup has
     * already done that, this setting is too late and changes nothing. It covers every Netty
     * allocator of the process (the host's listeners too); Netty's buffer events are only seen by a
     * JFR recording that enables them.</li>
     * </ul>
     */
    static final Map<String, String> DEFAULTS = Map.of(
            "vertx.disableDnsResolver", "true",
            "vertx.disableFileCPResolving", "true",
            "io.netty.jfr.enabled", "false");

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
