package kdns.api;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import kdns.api.zones.ZoneNames;

/**
 * What a plugin's {@link Plugin#setup(Controller)} sees: a cursor over the directive's tokens with
 * CoreDNS's dispenser semantics, plus the server block it configures.
 *
 * <p>The cursor starts before the directive name. {@link #next()} moves to any next token;
 * {@link #nextArg()} only to a token on the same line; {@link #nextBlock()} walks the entries of a
 * {@code { ... }} block opened on the directive's line. Errors made by this controller carry the
 * {@code file:line} of the current token in CoreDNS's format, e.g.
 * {@code Corefile:3 - Error during parsing: Wrong argument count or unexpected line ending after 'x'}.
 *
 * <p>A typical setup:
 * <pre>{@code
 * while (c.next()) {                        // one round per occurrence of the directive
 *     List<String> args = c.remainingArgs();
 *     while (c.nextBlock()) {
 *         switch (c.val()) {
 *             case "ttl" -> {
 *                 String arg = c.singleArg();
 *                 try {
 *                     ttl = Durations.parse(arg);   // kdns.api.text.Durations: Go's "30s", "1m30s"
 *                 } catch (IllegalArgumentException e) {
 *                     throw c.err(e.getMessage());
 *                 }
 *             }
 *             default -> throw c.err("unknown property '" + c.val() + "'");
 *         }
 *     }
 * }
 * c.addHandler(next -> new MyHandler(next, ...));
 * }</pre>
 */
public interface Controller {

    // ---- the token cursor --------------------------------------------------------------------

    /** Moves to the next token, wherever it is. Returns false at the end of the directive's tokens. */
    boolean next();

    /** Moves to the next token only if it is on the same line as the current one. */
    boolean nextArg();

    /** Moves to the next token only if it starts a new line. */
    boolean nextLine();

    /**
     * Walks a block: on the first call it requires {@code {} as the next token on the current line
     * (returns false when there is none); on later calls it moves to the next token and returns
     * false when that token is the closing {@code }}. Use {@link #nesting()} for nested blocks.
     */
    boolean nextBlock();

    /** How many blocks the cursor is currently inside (0 outside any {@code { }}). */
    int nesting();

    /** The text of the current token, or the empty string before the first one. */
    String val();

    /** The line of the current token (1-based). */
    int line();

    /** The file the current token came from ({@code Corefile}, or an imported file's path). */
    String file();

    /** The remaining tokens on the current line, stopping before a {@code {}. */
    List<String> remainingArgs();

    /**
     * The zones given as the rest of this line's arguments, normalised (CoreDNS's
     * {@code plugin.OriginsFromArgsOrServerBlock}: CIDRs become reverse zones), or the server block's
     * zones when there are none.
     *
     * @throws PluginException naming the argument that is not a zone
     */
    default List<String> zonesFromArgs() throws PluginException {
        try {
            return ZoneNames.originsFromArgsOrServerBlock(remainingArgs(), serverBlockZones());
        } catch (IllegalArgumentException e) {
            throw err(e.getMessage());
        }
    }

    /**
     * Reads exactly one more argument on this line and returns it.
     *
     * @throws PluginException the argument-count error ({@link #argErr()}) when there is none
     */
    default String singleArg() throws PluginException {
        if (!nextArg()) {
            throw argErr();
        }
        return val();
    }

    /**
     * Parses a directive CoreDNS allows once per server block: moves to its occurrence, lets
     * {@code occurrence} read the arguments and block, and returns what it read ({@code absent}
     * when the directive does not occur).
     *
     * @throws PluginException {@link PluginException#once()} at a second occurrence, or what
     *                         {@code occurrence} throws
     */
    default <T> T once(T absent, Occurrence<T> occurrence) throws PluginException {
        return readOnce(absent, occurrence, false);
    }

    /**
     * As {@link #once}, for the plugins whose CoreDNS setup reports a second occurrence at its line
     * ({@code c.Errf("this plugin can only be used once per Server Block")}, with file and line)
     * rather than as the bare {@link PluginException#once()}.
     */
    default <T> T onceAtLine(T absent, Occurrence<T> occurrence) throws PluginException {
        return readOnce(absent, occurrence, true);
    }

    private <T> T readOnce(T absent, Occurrence<T> occurrence, boolean atLine) throws PluginException {
        T read = absent;
        boolean seen = false;
        while (next()) {
            if (seen) {
                throw atLine ? err(PluginException.once().getMessage()) : PluginException.once();
            }
            seen = true;
            read = occurrence.read(this);
        }
        return read;
    }

    /** Reads one occurrence of a directive, from the cursor on its name (see {@link #once}). */
    @FunctionalInterface
    interface Occurrence<T> {
        T read(Controller c) throws PluginException;
    }

    // ---- errors in CoreDNS's format -----------------------------------------------------------

    /** {@code Wrong argument count or unexpected line ending after '<val>'} at the current token. */
    PluginException argErr();

    /** {@code <file>:<line> - Error during parsing: <message>} at the current token. */
    PluginException err(String message);

    /** {@code <file>:<line> - Syntax error: Unexpected token '<val>', expecting '<expected>'}. */
    PluginException syntaxErr(String expected);

    // ---- the server block ---------------------------------------------------------------------

    /** The block's keys, normalised ({@code dns://example.org.:53}), CIDRs expanded. */
    List<String> serverBlockKeys();

    /**
     * The zones of the block's keys, lower case and fully qualified ({@code example.org.}), in key
     * order. Plugins that take zones as arguments fall back to these ({@link kdns.api.zones.ZoneNames#originsFromArgsOrServerBlock}).
     */
    List<String> serverBlockZones();

    /** The port of the block's first key. */
    int port();

    /** Index of this server block in the Corefile (0-based), stable for one instance. */
    int serverBlockIndex();

    /**
     * Restricts the addresses the block's servers listen on (the {@code bind} plugin). Each entry
     * is an IP address literal; without a call the block listens on every address (wildcard).
     */
    void listenHosts(List<String> addresses);

    /**
     * The addresses the block listens on as set so far by {@code bind} (which runs before most
     * plugins in plugin.cfg order); empty means every address. For metric labels such as
     * {@code server="dns://127.0.0.1:53"}.
     */
    List<String> listenHosts();

    /** Lets this block answer queries of classes other than IN (the {@code chaos} plugin). */
    void allowAnyClass();

    /**
     * TCP settings of the block's addresses (the {@code timeouts} plugin): the time a client has to
     * send a message once it started, the time a connection may stay idle between messages, and how
     * many queries one connection may send before it is closed (-1: no limit). Null keeps the
     * server's default (read 3s, idle 10s). When several blocks share an address, the first block
     * that sets them decides, and a reload applies them to the connections accepted afterwards.
     */
    void tcpSettings(Duration read, Duration idle, int maxQueriesPerConnection);

    /**
     * Limits of the block's {@code quic://} servers (the {@code quic} plugin): concurrent streams per
     * connection and queries answered at once over all connections. Null keeps CoreDNS's default
     * (256 and 1024). As in CoreDNS, the first block (in Corefile order) of an address decides.
     */
    void quicServer(Integer maxStreams, Integer workerPoolSize);

    /**
     * The connection limit of the block's {@code https://} servers (the {@code https} plugin); 0 means
     * none, null keeps CoreDNS's default (200). The first block of an address decides.
     */
    void httpsServer(Integer maxConnections);

    /**
     * Limits of the block's {@code grpc://} servers (the {@code grpc_server} plugin): concurrent
     * streams (calls) per connection and connections; 0 means none, null keeps CoreDNS's default
     * (256 and 200). The first block of an address decides.
     */
    void grpcServer(Integer maxStreams, Integer maxConnections);

    /**
     * How many UDP sockets ({@code SO_REUSEPORT}, each read by its own thread) the block's plain DNS
     * addresses listen with (the {@code multisocket} plugin). Without it an address has one, as in
     * CoreDNS. The first block (in Corefile order) of an address decides; a reload applies a new count
     * only when the address is opened again.
     */
    void udpSockets(int sockets);

    /**
     * Header flags every reply of this block gets set or cleared, after the server completed it (the
     * {@code header} plugin's response rules). The masks hold {@code 1 << flag} for
     * {@link org.xbill.DNS.Flags} values (AA, RA, RD); clearing wins over setting.
     */
    void replyFlags(int set, int clear);

    /**
     * Turns on debugging for this block (the {@code debug} plugin): a plugin failure while serving
     * a query is logged in full, with its stack trace, every time (otherwise at most once a second,
     * in one line).
     */
    void debug();

    /**
     * The directory relative file names of this block are taken from (the {@code root} plugin);
     * empty when none was set, and then they are taken from the working directory.
     */
    String root();

    /** Sets {@link #root()} (the {@code root} plugin). */
    void root(String directory);

    /**
     * Makes this block a view (the {@code view} plugin): a query reaches the block only when
     * {@code filter} is true for it. Blocks sharing a zone and port are tried in Corefile order and
     * the first whose filter passes (or that has none) serves the query; when none does, the parent
     * zones are tried, as CoreDNS routes. {@code name} is the view's name: the {@code view} label of
     * the block's metrics ({@link Request#view()}) and the {@code view/name} metadata. A filter that
     * throws counts as false.
     *
     * @throws PluginException {@code multiple views defined in server block} on a second call
     */
    void view(String name, Predicate<Request> filter) throws PluginException;

    /**
     * Turns on metadata for this block (the {@code metadata} plugin): before a query in one of
     * {@code zones} is routed through the block's view and chain, every handler of the chain that is
     * a {@link MetadataProvider} sets its values on the request, and the block's view sets
     * {@code view/name}. Empty {@code zones} means the block's zones.
     */
    void collectMetadata(List<String> zones);

    /**
     * The TLS settings of this block's {@code tls://} servers (the {@code tls} plugin): the context
     * holds the certificate (its key managers) and the CAs client certificates are verified against
     * (its trust managers); a client certificate is asked for ({@code want}) or required
     * ({@code need}). The servers speak TLS 1.2 and 1.3. A {@code tls://} block without them serves
     * DNS over plain TCP, as CoreDNS does.
     *
     * @throws PluginException {@code TLS already configured for this server instance} on a second call
     */
    void tls(SSLContext context, boolean wantClientCertificate, boolean needClientCertificate)
            throws PluginException;

    /**
     * As {@link #tls(javax.net.ssl.SSLContext, boolean, boolean)}, with the key and trust managers
     * {@code context} was initialised with: DNS over QUIC does its TLS in BoringSSL (inside Netty's
     * QUIC codec), which cannot use a JDK {@code SSLContext} and needs them instead. A block whose
     * TLS came without them cannot serve {@code quic://}. The default forgets them.
     */
    default void tls(SSLContext context, KeyManager[] keys,
                     TrustManager[] trust, boolean wantClientCertificate, boolean needClientCertificate)
            throws PluginException {
        tls(context, wantClientCertificate, needClientCertificate);
    }

    /**
     * Has the server copy option {@code code} of a query's OPT record into the block's replies that
     * carry no OPT record of their own (CoreDNS's {@code edns.SetSupportedOption}; the
     * {@code rewrite edns0 local} rules). NSID, EXPIRE, COOKIE, TCP-KEEPALIVE and PADDING are always
     * copied; any other option of the query stays out of the reply. Unlike CoreDNS, whose set is one
     * for the whole process, the code is echoed by this block only, and a reload starts afresh.
     *
     * @throws IllegalArgumentException when {@code code} is not a 16-bit option code
     */
    void echoEdnsOption(int code);

    // ---- registration -------------------------------------------------------------------------

    /**
     * Adds this plugin's handler to the block's chain. The chain's order is plugin.cfg's order, not
     * the order of {@code addHandler} calls across plugins. The factory is called once per block
     * when the chain is built; {@code next} is the following handler, or null for the last one.
     */
    void addHandler(HandlerFactory factory);

    /**
     * Runs before the instance's listeners are bound (on the first start and on a reload), before
     * the start-up hooks: for slow work that needs no listener, such as connecting to a data source
     * in the background, so that it overlaps the binding. The hook must not block. What it starts
     * is stopped by an {@link #onShutdown} hook once the instance served, and by an
     * {@link #onAbandon} hook when the instance never serves.
     */
    void onPrepare(Hook hook);

    /**
     * Runs when an instance that was set up never starts serving: the setup of a later plugin or
     * block or the chain's build failed, the Corefile was only checked ({@code -validate}), or a
     * prepare hook, binding an address or a start-up hook failed (on the first start or on a
     * reload, whose old instance keeps serving). So a plugin may start background work in its
     * setup itself and stop it here and in an {@link #onShutdown} hook. Shutdown hooks may run as
     * well (after a failed start-up hook), and the instance's prepare hooks may not have run, so
     * what this stops must tolerate being stopped twice and never having been started.
     */
    void onAbandon(Hook hook);

    /** Runs after the instance's chains are built and before it serves (also after a reload). */
    void onStartup(Hook hook);

    /** Runs on the first start of the process only, not after a reload. */
    void onFirstStartup(Hook hook);

    /** Runs when the instance stops, including the stop of the old instance after a reload. */
    void onShutdown(Hook hook);

    /** Runs when the process stops for good (not part of a reload). */
    void onFinalShutdown(Hook hook);

    /** Runs on the old instance before a reload builds the new one. */
    void onRestart(Hook hook);

    /** Runs on the old instance when a reload failed and it goes on serving. */
    void onRestartFailed(Hook hook);

    /** The running instance: other blocks' handlers, shared objects, the metrics registry. */
    Instance instance();

    /** A callback registered for a lifecycle event. */
    @FunctionalInterface
    interface Hook {
        void run() throws Exception;
    }
}
