package kdns.host.setup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Instance;
import kdns.api.MetadataProvider;
import kdns.api.MetricsRegistry;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.Reloader;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.host.corefile.CorefileException;
import kdns.host.corefile.ServerKey;
import kdns.host.plugins.PluginExtensions;
import kdns.host.server.BlockChain;
import kdns.host.server.MetadataCollector;
import kdns.host.server.ServerTls;
import kdns.host.server.TcpListener;
import kdns.host.server.ZoneRouter;

/**
 * Everything one Corefile built: the blocks, their chains and the hooks. Immutable once built,
 * except the objects plugins share through {@link #shared}; a reload builds a new one.
 */
public final class ServerInstance implements Instance {

    private final String corefilePath;
    private final MetricsRegistry metrics;
    private final LifecycleHooks hooks = new LifecycleHooks();
    private final Map<String, Object> shared = new ConcurrentHashMap<>();
    private final Map<Integer, ZoneRouter> routers = new ConcurrentHashMap<>();
    private final List<BlockConfig> blocks = new ArrayList<>();
    private List<List<Handler>> chains = List.of();
    private InstanceBuilder.LoadedCorefile loaded;
    private volatile Reloader reloader;
    private final PluginExtensions extensions;

    public ServerInstance(String corefilePath, MetricsRegistry metrics, PluginExtensions extensions) {
        this.corefilePath = corefilePath;
        this.metrics = metrics;
        this.extensions = extensions;
    }

    /** Adds a block with these keys; setup of its directives follows. */
    public BlockConfig addBlock(List<ServerKey> keys) {
        BlockConfig b = new BlockConfig(blocks.size(), keys, hooks, this);
        blocks.add(b);
        return b;
    }

    /** Builds every block's chain once all setups ran. */
    public void buildChains() {
        List<List<Handler>> built = new ArrayList<>();
        for (BlockConfig b : blocks) {
            built.add(List.copyOf(b.buildChain()));
        }
        chains = List.copyOf(built);
    }

    public List<BlockConfig> blocks() {
        return List.copyOf(blocks);
    }

    /** The handlers of one block, outermost first. */
    public List<Handler> chain(int block) {
        return chains.get(block);
    }

    public LifecycleHooks hooks() {
        return hooks;
    }

    /** The parsed Corefile this instance was built from (null for instances built by hand in tests). */
    public InstanceBuilder.LoadedCorefile loaded() {
        return loaded;
    }

    void loaded(InstanceBuilder.LoadedCorefile corefile) {
        this.loaded = corefile;
    }

    /** Sets how this instance gets replaced; done by the runtime before the instance starts. */
    public void useReloader(Reloader r) {
        this.reloader = r;
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        int port = request.localAddress() == null ? -1 : request.localAddress().getPort();
        ZoneRouter router = routers.computeIfAbsent(port, this::routerFor);
        BlockChain block = router.route(request);
        if (block == null || block.head() == null) {
            return Rcodes.REFUSED;
        }
        Request routed = block.view().isEmpty() ? request : request.inServerZone(request.serverZone(), block.view());
        routed.passedTo(block.head().name());
        return block.head().serve(routed, writer);
    }

    /** The blocks listening on {@code port}, or every block when none does (tests, odd ports). */
    private ZoneRouter routerFor(int port) {
        List<BlockChain> onPort = new ArrayList<>();
        List<BlockChain> all = new ArrayList<>();
        for (BlockConfig b : blocks) {
            List<Handler> chain = chains.get(b.index());
            for (ServerKey key : b.keys()) {
                BlockChain c = chainOf(b, key, chain);
                all.add(c);
                if (key.port() == port) {
                    onPort.add(c);
                }
            }
        }
        return new ZoneRouter(onPort.isEmpty() ? all : onPort);
    }

    /**
     * The reloader as this instance sees it: its running hash is this instance's own, so a new
     * instance's reload plugin compares against the Corefile it was built from, whichever instance
     * the server runs at that moment.
     */
    @Override
    public Reloader reloader() {
        Reloader r = reloader;
        if (r == null) {
            throw new IllegalStateException("this instance was built without a reloader");
        }
        String own = loaded == null ? r.runningHash() : CorefileHash.of(loaded.blocks());
        return new Reloader() {
            @Override
            public String runningHash() {
                return own;
            }

            @Override
            public String hashOnDisk() throws PluginException {
                return r.hashOnDisk();
            }

            @Override
            public void reload(Consumer<String> outcome) {
                r.reload(outcome);
            }
        };
    }

    @Override
    public List<Handler> blockHandlers(int serverBlockIndex) {
        return serverBlockIndex >= 0 && serverBlockIndex < chains.size() ? chains.get(serverBlockIndex) : List.of();
    }

    @Override
    public List<Handler> handlers() {
        List<Handler> all = new ArrayList<>();
        chains.forEach(all::addAll);
        return all;
    }

    @Override
    public <T> T shared(String key, Class<T> type, Supplier<T> create) {
        Object o = shared.computeIfAbsent(key, k -> create.get());
        if (!type.isInstance(o)) {
            throw new IllegalStateException("shared object '" + key + "' is a " + o.getClass().getName()
                    + ", not a " + type.getName());
        }
        return type.cast(o);
    }

    @Override
    public MetricsRegistry metrics() {
        return metrics;
    }

    @Override
    public String corefilePath() {
        return corefilePath;
    }

    @Override
    public String serverVersion() {
        return BuildInfo.serverVersion();
    }

    @Override
    public <S> List<S> extensions(Class<S> type) {
        return extensions.providers(type);
    }

    /**
     * The TCP limits of {@code addr}: {@code defaults} with what the {@code timeouts} plugin set in
     * the first block (in Corefile order) that listens there and sets them.
     */
    public TcpListener.Limits tcpLimits(ListenAddress addr,
                                                         TcpListener.Limits defaults) {
        for (BlockConfig b : blocks) {
            BlockConfig.TcpSettings t = b.tcpSettings();
            if (t == null || !listensOn(b, addr)) {
                continue;
            }
            return new TcpListener.Limits(t.read() == null ? defaults.readTimeout() : t.read(),
                    t.idle() == null ? defaults.idleTimeout() : t.idle(), defaults.maxConnections(),
                    t.maxQueries() == 0 ? defaults.maxQueries() : t.maxQueries());
        }
        return defaults;
    }

    /**
     * The TLS settings of a {@code tls://}, {@code https://} or {@code grpc://} address: the {@code tls} plugin's of the blocks listening
     * there, the last one's when several set them (as CoreDNS), or null when none does.
     */
    public ServerTls serverTls(ListenAddress addr) {
        ServerTls found = null;
        for (BlockConfig b : blocks) {
            if (b.tls() != null && listensOn(b, addr)) {
                found = b.tls();
            }
        }
        return found;
    }

    /**
     * What the {@code quic}, {@code https} and {@code grpc_server} plugins set for {@code addr}: the
     * first block's (in Corefile order) that listens there, as CoreDNS reads them from the first
     * config of the address's group.
     */
    public BlockConfig.ListenerOptions listenerOptions(ListenAddress addr) {
        for (BlockConfig b : blocks) {
            if (listensOn(b, addr)) {
                return b.listenerOptions();
            }
        }
        return BlockConfig.ListenerOptions.NONE;
    }

    private static boolean listensOn(BlockConfig b, ListenAddress addr) {
        for (ServerKey key : b.keys()) {
            if (key.port() != addr.port() || !key.transport().equals(addr.transport())) {
                continue;
            }
            if (b.listenHosts().isEmpty() ? addr.host() == null : b.listenHosts().contains(addr.host())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Which zones each listen address serves, and with which chain.
     *
     * @throws CorefileException for a transport kdns does not serve yet (https3)
     */
    public Map<ListenAddress, List<BlockChain>> listenPlan() throws CorefileException {
        Map<ListenAddress, List<BlockChain>> plan = new LinkedHashMap<>();
        for (BlockConfig b : blocks) {
            List<Handler> chain = chains.get(b.index());
            for (ServerKey key : b.keys()) {
                if (key.transport().equals("https3")) {
                    throw new CorefileException("cannot serve " + key + " - transport '" + key.transport()
                            + "://' is not supported by kdns yet; use dns://, tls://, https://, grpc:// or quic://");
                }
                List<String> hosts = b.listenHosts().isEmpty() ? Collections.singletonList(null)
                        : b.listenHosts();
                for (String host : hosts) {
                    ListenAddress addr = new ListenAddress(key.transport(), host, key.port());
                    plan.computeIfAbsent(addr, a -> new ArrayList<>())
                            .add(chainOf(b, key, chain));
                }
            }
        }
        return plan;
    }

    /** How {@code key} of block {@code b} serves queries through {@code chain}. */
    private static BlockChain chainOf(BlockConfig b, ServerKey key, List<Handler> chain) {
        Handler head = chain.isEmpty() ? null : chain.get(0);
        MetadataCollector metadata = null;
        if (b.metadataZones() != null) {
            List<MetadataProvider> providers = new ArrayList<>();
            for (Handler h : chain) {
                if (h instanceof MetadataProvider p) {
                    providers.add(p);
                }
            }
            metadata = new MetadataCollector(b.metadataZones(), providers, b.viewName());
        }
        return new BlockChain(key.zone(), key.toString(), head, b.anyClassAllowed(), b.replyFlagsSet(),
                b.replyFlagsClear(), b.debug(), b.viewName(), b.viewFilter(), metadata, b.echoedOptions());
    }
}
