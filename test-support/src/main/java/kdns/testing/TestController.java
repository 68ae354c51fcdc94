package kdns.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import kdns.api.Controller;
import kdns.api.Handler;
import kdns.api.HandlerFactory;
import kdns.api.PluginException;
import kdns.api.Request;
import kdns.host.corefile.CorefileException;
import kdns.host.corefile.CorefileParser;
import kdns.host.corefile.ServerBlock;
import kdns.host.corefile.ServerKey;
import kdns.host.corefile.Token;
import kdns.host.metrics.PrometheusMetrics;
import kdns.host.server.ServerTls;
import kdns.host.setup.BlockConfig;
import kdns.host.setup.ServerInstance;
import kdns.host.setup.TokenController;

/**
 * A {@link Controller} over one directive's text, for setup tests (CoreDNS's
 * {@code caddy.NewTestController}). The text is lexed by the real Corefile parser, so line numbers
 * and error messages are those of a Corefile whose first line is the directive:
 * {@code TestController.of("whoami extra")} fails with
 * {@code Corefile:1 - Error during parsing: Wrong argument count or unexpected line ending after 'extra'}.
 */
public final class TestController implements Controller {

    private final TokenController tokens;
    private final BlockConfig block;
    private final ServerInstance owner;
    private final TestInstance instance;

    private TestController(TokenController tokens, BlockConfig block, ServerInstance owner, TestInstance instance) {
        this.tokens = tokens;
        this.block = block;
        this.owner = owner;
        this.instance = instance;
    }

    /** A controller over {@code text}, in a block keyed {@code dns://.:53}. */
    public static TestController of(String text) {
        return of(text, List.of("."));
    }

    /** A controller over {@code text}, in a block whose keys are these zones on port 53. */
    public static TestController of(String text, List<String> zones) {
        TestInstance testInstance = new TestInstance(new PrometheusMetrics());
        return create(text, zones, new ServerInstance("Corefile", testInstance.metrics(), TestInstance.EXTENSIONS), testInstance);
    }

    /**
     * A controller over {@code text} in the next server block of {@code first}'s instance: same
     * {@link #instance()}, same lifecycle hooks, the following block index. For plugins whose
     * blocks share something (a listener on one address).
     */
    public static TestController nextBlock(TestController first, String text) {
        return create(text, List.of("."), first.owner, first.instance);
    }

    private static TestController create(String text, List<String> zones, ServerInstance owner, TestInstance testInstance) {
        String name = text.strip().split("\\s+", 2)[0];
        List<Token> toks;
        try {
            // The directive shares the key's line, so its line numbers are the text's own.
            List<ServerBlock> blocks = CorefileParser.parse("Corefile", ". { " + text + "\n}\n", Path.of("."),
                    Set.of(name), Map.of(), w -> { });
            toks = blocks.get(0).tokensByDirective().getOrDefault(name, List.of());
        } catch (CorefileException e) {
            throw new IllegalArgumentException("test directive text does not parse: " + e.getMessage(), e);
        }
        List<ServerKey> keys = zones.stream()
                .map(z -> new ServerKey("dns", z.endsWith(".") ? z.toLowerCase() : z.toLowerCase() + ".", 53))
                .toList();
        BlockConfig block = owner.addBlock(keys);
        return new TestController(new TokenController(toks, "Corefile", block), block, owner, testInstance);
    }

    /** Builds the handler(s) setup registered, with {@code next} after them. */
    public Handler handler(Handler next) {
        List<Handler> chain = block.buildChain(next);
        if (chain.isEmpty()) {
            throw new IllegalStateException("setup registered no handler");
        }
        if (instance.handlers().isEmpty()) {
            instance.handlers(chain);
        }
        return chain.get(0);
    }

    /** The addresses set through {@code bind}. */
    @Override
    public List<String> listenHosts() {
        return block.listenHosts();
    }

    public boolean anyClassAllowed() {
        return block.anyClassAllowed();
    }

    /** The prepare hooks alone, as the host runs them before binding; then {@link #runAbandon} or a shutdown. */
    public void runPrepare() throws Exception {
        owner.hooks().prepare();
    }

    /** The abandon hooks, as the host runs them for an instance that never started serving. */
    public void runAbandon() {
        owner.hooks().abandon();
    }

    /** The prepare hooks, then the start-up hooks: a first start as the host runs it. */
    public void runStartup() throws Exception {
        owner.hooks().prepare();
        owner.hooks().startup(true);
    }

    public void runShutdown() {
        owner.hooks().shutdown(false);
    }

    public void runFinalShutdown() {
        owner.hooks().shutdown(true);
    }

    public void runRestart() {
        owner.hooks().restart();
    }

    public void runRestartFailed() {
        owner.hooks().restartFailed();
    }

    @Override
    public TestInstance instance() {
        return instance;
    }

    // ---- delegation to the real dispenser ----

    @Override
    public boolean next() {
        return tokens.next();
    }

    @Override
    public boolean nextArg() {
        return tokens.nextArg();
    }

    @Override
    public boolean nextLine() {
        return tokens.nextLine();
    }

    @Override
    public boolean nextBlock() {
        return tokens.nextBlock();
    }

    @Override
    public int nesting() {
        return tokens.nesting();
    }

    @Override
    public String val() {
        return tokens.val();
    }

    @Override
    public int line() {
        return tokens.line();
    }

    @Override
    public String file() {
        return tokens.file();
    }

    @Override
    public List<String> remainingArgs() {
        return tokens.remainingArgs();
    }

    @Override
    public PluginException argErr() {
        return tokens.argErr();
    }

    @Override
    public PluginException err(String message) {
        return tokens.err(message);
    }

    @Override
    public PluginException syntaxErr(String expected) {
        return tokens.syntaxErr(expected);
    }

    @Override
    public List<String> serverBlockKeys() {
        return tokens.serverBlockKeys();
    }

    @Override
    public List<String> serverBlockZones() {
        return tokens.serverBlockZones();
    }

    @Override
    public int port() {
        return tokens.port();
    }

    @Override
    public int serverBlockIndex() {
        return tokens.serverBlockIndex();
    }

    @Override
    public void listenHosts(List<String> addresses) {
        tokens.listenHosts(addresses);
    }

    @Override
    public void allowAnyClass() {
        tokens.allowAnyClass();
    }

    @Override
    public String root() {
        return tokens.root();
    }

    @Override
    public void root(String directory) {
        tokens.root(directory);
    }

    @Override
    public void debug() {
        tokens.debug();
    }

    @Override
    public void view(String name, Predicate<Request> filter)
            throws PluginException {
        tokens.view(name, filter);
    }

    /** The view {@link #view} set for this block, or null. */
    public Predicate<Request> viewFilter() {
        return block.viewFilter();
    }

    /** The view's name, or empty. */
    public String viewName() {
        return block.viewName();
    }

    @Override
    public void collectMetadata(List<String> zones) {
        tokens.collectMetadata(zones);
    }

    @Override
    public void tls(SSLContext context, boolean wantClientCertificate, boolean needClientCertificate)
            throws PluginException {
        tokens.tls(context, wantClientCertificate, needClientCertificate);
    }

    @Override
    public void tls(SSLContext context, KeyManager[] keys,
                    TrustManager[] trust, boolean wantClientCertificate, boolean needClientCertificate)
            throws PluginException {
        tokens.tls(context, keys, trust, wantClientCertificate, needClientCertificate);
    }

    @Override
    public void quicServer(Integer maxStreams, Integer workerPoolSize) {
        tokens.quicServer(maxStreams, workerPoolSize);
    }

    @Override
    public void httpsServer(Integer maxConnections) {
        tokens.httpsServer(maxConnections);
    }

    @Override
    public void grpcServer(Integer maxStreams, Integer maxConnections) {
        tokens.grpcServer(maxStreams, maxConnections);
    }

    @Override
    public void udpSockets(int sockets) {
        tokens.udpSockets(sockets);
    }

    /** What the quic, https, grpc_server and multisocket plugins set for this block. */
    public BlockConfig.ListenerOptions listenerOptions() {
        return block.listenerOptions();
    }

    /** What {@link #tls} set for this block, or null. */
    public ServerTls serverTls() {
        return block.tls();
    }

    @Override
    public void echoEdnsOption(int code) {
        tokens.echoEdnsOption(code);
    }

    /** The option codes {@link #echoEdnsOption} added for this block, or null. */
    public BitSet echoedOptions() {
        return block.echoedOptions();
    }

    /** The zones {@link #collectMetadata} set, or null when the block collects no metadata. */
    public List<String> metadataZones() {
        return block.metadataZones();
    }

    /** True when {@link #debug} was called for this block. */
    public boolean debugSet() {
        return block.debug();
    }

    @Override
    public void replyFlags(int set, int clear) {
        tokens.replyFlags(set, clear);
    }

    /** The reply flag masks {@link #replyFlags} set for this block: {@code {set, clear}}. */
    public int[] replyFlagsSet() {
        return new int[] {block.replyFlagsSet(), block.replyFlagsClear()};
    }

    @Override
    public void tcpSettings(Duration read, Duration idle, int maxQueriesPerConnection) {
        tokens.tcpSettings(read, idle, maxQueriesPerConnection);
    }

    /** What {@link #tcpSettings} set for this block, or null. */
    public BlockConfig.TcpSettings tcpSettingsSet() {
        return block.tcpSettings();
    }

    @Override
    public void addHandler(HandlerFactory factory) {
        tokens.addHandler(factory);
    }

    @Override
    public void onPrepare(Hook hook) {
        tokens.onPrepare(hook);
    }

    @Override
    public void onAbandon(Hook hook) {
        tokens.onAbandon(hook);
    }

    @Override
    public void onStartup(Hook hook) {
        tokens.onStartup(hook);
    }

    @Override
    public void onFirstStartup(Hook hook) {
        tokens.onFirstStartup(hook);
    }

    @Override
    public void onShutdown(Hook hook) {
        tokens.onShutdown(hook);
    }

    @Override
    public void onFinalShutdown(Hook hook) {
        tokens.onFinalShutdown(hook);
    }

    @Override
    public void onRestart(Hook hook) {
        tokens.onRestart(hook);
    }

    @Override
    public void onRestartFailed(Hook hook) {
        tokens.onRestartFailed(hook);
    }
}
