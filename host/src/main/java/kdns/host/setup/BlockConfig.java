package kdns.host.setup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Predicate;
import kdns.api.Handler;
import kdns.api.HandlerFactory;
import kdns.api.Instance;
import kdns.api.Request;
import kdns.host.corefile.ServerKey;
import kdns.host.server.ServerTls;

/**
 * What setup builds for one server block (CoreDNS's first Config of the block): its keys, the
 * handler factories in plugin.cfg order, the listen addresses and class policy. Mutable only while
 * the instance is being built.
 */
public final class BlockConfig {

    private final int index;
    private final List<ServerKey> keys;
    private final LifecycleHooks hooks;
    private final Instance instance;
    private final List<NamedFactory> factories = new ArrayList<>();
    private List<String> listenHosts = List.of();
    private boolean anyClass;
    private TcpSettings tcpSettings;
    private int replyFlagsSet;
    private boolean debug;
    private String root = "";
    private int replyFlagsClear;
    private String viewName = "";
    private Predicate<Request> viewFilter;
    private List<String> metadataZones;
    private BitSet echoedOptions;
    private ServerTls tls;
    private ListenerOptions listenerOptions = ListenerOptions.NONE;

    BlockConfig(int index, List<ServerKey> keys, LifecycleHooks hooks, Instance instance) {
        this.index = index;
        this.keys = List.copyOf(keys);
        this.hooks = hooks;
        this.instance = instance;
    }

    record NamedFactory(String plugin, HandlerFactory factory) {
    }

    public int index() {
        return index;
    }

    public List<ServerKey> keys() {
        return keys;
    }

    List<String> keyStrings() {
        return keys.stream().map(ServerKey::toString).toList();
    }

    List<String> zones() {
        return keys.stream().map(ServerKey::zone).toList();
    }

    LifecycleHooks hooks() {
        return hooks;
    }

    Instance instance() {
        return instance;
    }

    void addFactory(String plugin, HandlerFactory factory) {
        factories.add(new NamedFactory(plugin, factory));
    }

    void listenHosts(List<String> hosts) {
        listenHosts = List.copyOf(hosts);
    }

    /** The addresses set by {@code bind}; empty means every address. */
    public List<String> listenHosts() {
        return listenHosts;
    }

    void allowAnyClass() {
        anyClass = true;
    }

    /** Reply flags the {@code header} plugin sets and clears, as {@code 1 << flag} masks. */
    public int replyFlagsSet() {
        return replyFlagsSet;
    }

    public int replyFlagsClear() {
        return replyFlagsClear;
    }

    /** The {@code root} plugin's directory, or empty. */
    public String root() {
        return root;
    }

    void root(String directory) {
        root = directory;
    }

    /** True when the {@code debug} plugin is in the block. */
    public boolean debug() {
        return debug;
    }

    void debug(boolean on) {
        debug = on;
    }

    /** The {@code view} plugin's filter, or null when every query of the block's zones may enter. */
    public Predicate<Request> viewFilter() {
        return viewFilter;
    }

    /** The view's name, or empty. */
    public String viewName() {
        return viewName;
    }

    void view(String name, Predicate<Request> filter) {
        viewName = name;
        viewFilter = filter;
    }

    /**
     * The zones the {@code metadata} plugin collects for (the block's zones when it named none), or
     * null when the block has no metadata plugin.
     */
    public List<String> metadataZones() {
        return metadataZones;
    }

    void collectMetadata(List<String> zones) {
        metadataZones = zones.isEmpty() ? zones() : List.copyOf(zones);
    }

    /** EDNS0 option codes echoed from queries into this block's replies besides the standard ones, or null. */
    public BitSet echoedOptions() {
        return echoedOptions == null ? null : (BitSet) echoedOptions.clone();
    }

    /** What the {@code tls} plugin set for the block's {@code tls://} servers, or null. */
    public ServerTls tls() {
        return tls;
    }

    void tls(ServerTls settings) {
        tls = settings;
    }

    void echoEdnsOption(int code) {
        if (echoedOptions == null) {
            echoedOptions = new BitSet(65536);
        }
        echoedOptions.set(code);
    }

    void replyFlags(int set, int clear) {
        replyFlagsSet = set;
        replyFlagsClear = clear;
    }

    /** What the {@code timeouts} plugin set, or null. */
    public TcpSettings tcpSettings() {
        return tcpSettings;
    }

    void tcpSettings(TcpSettings settings) {
        tcpSettings = settings;
    }

    /** What the {@code quic}, {@code https} and {@code grpc_server} plugins set. */
    public ListenerOptions listenerOptions() {
        return listenerOptions;
    }

    void listenerOptions(ListenerOptions options) {
        listenerOptions = options;
    }

    /**
     * Limits of the block's {@code quic://}, {@code https://} and {@code grpc://} servers, and the UDP
     * socket count of its plain DNS addresses ({@code multisocket}); null keeps CoreDNS's default, 0
     * means no limit where CoreDNS allows it.
     */
    public record ListenerOptions(Integer quicMaxStreams, Integer quicWorkerPoolSize, Integer httpsMaxConnections,
                                  Integer grpcMaxStreams, Integer grpcMaxConnections, Integer udpSockets) {
        static final ListenerOptions NONE = new ListenerOptions(null, null, null, null, null, null);

        ListenerOptions withQuic(Integer maxStreams, Integer workerPoolSize) {
            return new ListenerOptions(maxStreams, workerPoolSize, httpsMaxConnections, grpcMaxStreams,
                    grpcMaxConnections, udpSockets);
        }

        ListenerOptions withHttps(Integer maxConnections) {
            return new ListenerOptions(quicMaxStreams, quicWorkerPoolSize, maxConnections, grpcMaxStreams,
                    grpcMaxConnections, udpSockets);
        }

        ListenerOptions withGrpc(Integer maxStreams, Integer maxConnections) {
            return new ListenerOptions(quicMaxStreams, quicWorkerPoolSize, httpsMaxConnections, maxStreams,
                    maxConnections, udpSockets);
        }

        ListenerOptions withUdpSockets(int sockets) {
            return new ListenerOptions(quicMaxStreams, quicWorkerPoolSize, httpsMaxConnections, grpcMaxStreams,
                    grpcMaxConnections, sockets);
        }
    }

    /** TCP settings of a block; null durations keep the server's defaults, -1 queries means no limit. */
    public record TcpSettings(Duration read, Duration idle, int maxQueries) {
    }

    public boolean anyClassAllowed() {
        return anyClass;
    }

    /**
     * Folds the factories right to left: the first plugin in plugin.cfg order becomes the
     * outermost handler, the last one gets a null {@code next}. Returns every handler built,
     * outermost first.
     */
    List<Handler> buildChain() {
        return buildChain(null);
    }

    /** As {@link #buildChain()}, with {@code tail} as the last plugin's next handler (tests). */
    public List<Handler> buildChain(Handler tail) {
        List<Handler> built = new ArrayList<>();
        Handler next = tail;
        for (int i = factories.size() - 1; i >= 0; i--) {
            NamedFactory f = factories.get(i);
            Handler h = f.factory().create(next);
            if (h == null) {
                throw new IllegalStateException("plugin/" + f.plugin() + ": handler factory returned null");
            }
            built.add(0, h);
            next = h;
        }
        return built;
    }
}
