package kdns.host.setup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import kdns.api.Controller;
import kdns.api.HandlerFactory;
import kdns.api.Instance;
import kdns.api.PluginException;
import kdns.api.Request;
import kdns.host.corefile.Token;
import kdns.host.server.ServerTls;

/**
 * The Controller a plugin's setup gets: Caddy's dispenser over the directive's tokens (every
 * occurrence in the block, concatenated), bound to the block it configures.
 */
public final class TokenController implements Controller {

    private final List<Token> tokens;
    private final String fileName;
    private final BlockConfig block;
    private int cursor = -1;
    private int nesting;

    public TokenController(List<Token> tokens, String fileName, BlockConfig block) {
        this.tokens = List.copyOf(tokens);
        this.fileName = fileName;
        this.block = block;
    }

    @Override
    public boolean next() {
        if (cursor < tokens.size() - 1) {
            cursor++;
            return true;
        }
        return false;
    }

    @Override
    public boolean nextArg() {
        if (cursor < 0) {
            cursor++;
            return !tokens.isEmpty();
        }
        if (cursor >= tokens.size() - 1) {
            return false;
        }
        if (tokens.get(cursor).sameLineAs(tokens.get(cursor + 1))) {
            cursor++;
            return true;
        }
        return false;
    }

    @Override
    public boolean nextLine() {
        if (cursor < 0) {
            cursor++;
            return !tokens.isEmpty();
        }
        if (cursor >= tokens.size() - 1) {
            return false;
        }
        if (!tokens.get(cursor).sameLineAs(tokens.get(cursor + 1))) {
            cursor++;
            return true;
        }
        return false;
    }

    @Override
    public boolean nextBlock() {
        if (nesting > 0) {
            if (!next()) {
                return false;
            }
            if (val().equals("}")) {
                nesting--;
                return false;
            }
            return true;
        }
        if (!nextArg()) {
            return false;
        }
        if (!val().equals("{")) {
            cursor--;
            return false;
        }
        if (!next()) {
            return false;
        }
        if (val().equals("}")) {
            return false;
        }
        nesting++;
        return true;
    }

    @Override
    public int nesting() {
        return nesting;
    }

    @Override
    public String val() {
        return inRange() ? tokens.get(cursor).text() : "";
    }

    @Override
    public int line() {
        return inRange() ? tokens.get(cursor).line() : 0;
    }

    @Override
    public String file() {
        return inRange() ? tokens.get(cursor).file() : fileName;
    }

    private boolean inRange() {
        return cursor >= 0 && cursor < tokens.size();
    }

    @Override
    public List<String> remainingArgs() {
        List<String> args = new ArrayList<>();
        while (nextArg()) {
            if (val().equals("{")) {
                cursor--;
                break;
            }
            args.add(val());
        }
        return args;
    }

    @Override
    public PluginException argErr() {
        if (val().equals("{")) {
            return err("Unexpected token '{', expecting argument");
        }
        return err("Wrong argument count or unexpected line ending after '" + val() + "'");
    }

    @Override
    public PluginException err(String message) {
        return new PluginException(file() + ":" + line() + " - Error during parsing: " + message);
    }

    @Override
    public PluginException syntaxErr(String expected) {
        return new PluginException(file() + ":" + line() + " - Syntax error: Unexpected token '" + val()
                + "', expecting '" + expected + "'");
    }

    @Override
    public List<String> serverBlockKeys() {
        return block.keyStrings();
    }

    @Override
    public List<String> serverBlockZones() {
        return block.zones();
    }

    @Override
    public int port() {
        return block.keys().get(0).port();
    }

    @Override
    public int serverBlockIndex() {
        return block.index();
    }

    @Override
    public void listenHosts(List<String> addresses) {
        block.listenHosts(addresses);
    }

    @Override
    public List<String> listenHosts() {
        return block.listenHosts();
    }

    @Override
    public void allowAnyClass() {
        block.allowAnyClass();
    }

    @Override
    public String root() {
        return block.root();
    }

    @Override
    public void root(String directory) {
        block.root(directory);
    }

    @Override
    public void debug() {
        block.debug(true);
    }

    @Override
    public void view(String name, Predicate<Request> filter) throws PluginException {
        if (block.viewFilter() != null) {
            throw err("multiple views defined in server block");
        }
        block.view(name, filter);
    }

    @Override
    public void collectMetadata(List<String> zones) {
        block.collectMetadata(zones);
    }

    @Override
    public void tls(SSLContext context, boolean wantClientCertificate, boolean needClientCertificate)
            throws PluginException {
        if (block.tls() != null) {
            throw err("TLS already configured for this server instance");
        }
        block.tls(new ServerTls(context, wantClientCertificate, needClientCertificate));
    }

    @Override
    public void tls(SSLContext context, KeyManager[] keys,
                    TrustManager[] trust, boolean wantClientCertificate, boolean needClientCertificate)
            throws PluginException {
        if (block.tls() != null) {
            throw err("TLS already configured for this server instance");
        }
        block.tls(new ServerTls(context, ServerTls.Managers.of(keys, trust),
                wantClientCertificate, needClientCertificate));
    }

    @Override
    public void echoEdnsOption(int code) {
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("not an EDNS0 option code: " + code);
        }
        block.echoEdnsOption(code);
    }

    @Override
    public void replyFlags(int set, int clear) {
        block.replyFlags(set, clear);
    }

    @Override
    public void tcpSettings(Duration read, Duration idle, int maxQueriesPerConnection) {
        block.tcpSettings(new BlockConfig.TcpSettings(read, idle, maxQueriesPerConnection));
    }

    @Override
    public void quicServer(Integer maxStreams, Integer workerPoolSize) {
        block.listenerOptions(block.listenerOptions().withQuic(maxStreams, workerPoolSize));
    }

    @Override
    public void httpsServer(Integer maxConnections) {
        block.listenerOptions(block.listenerOptions().withHttps(maxConnections));
    }

    @Override
    public void grpcServer(Integer maxStreams, Integer maxConnections) {
        block.listenerOptions(block.listenerOptions().withGrpc(maxStreams, maxConnections));
    }

    @Override
    public void udpSockets(int sockets) {
        block.listenerOptions(block.listenerOptions().withUdpSockets(sockets));
    }

    @Override
    public void addHandler(HandlerFactory factory) {
        block.addFactory(currentPluginName(), factory);
    }

    private String currentPluginName() {
        return tokens.isEmpty() ? "" : tokens.get(0).text();
    }

    @Override
    public void onPrepare(Hook hook) {
        block.hooks().onPrepare.add(hook);
    }

    @Override
    public void onAbandon(Hook hook) {
        block.hooks().onAbandon.add(hook);
    }

    @Override
    public void onStartup(Hook hook) {
        block.hooks().onStartup.add(hook);
    }

    @Override
    public void onFirstStartup(Hook hook) {
        block.hooks().onFirstStartup.add(hook);
    }

    @Override
    public void onShutdown(Hook hook) {
        block.hooks().onShutdown.add(hook);
    }

    @Override
    public void onFinalShutdown(Hook hook) {
        block.hooks().onFinalShutdown.add(hook);
    }

    @Override
    public void onRestart(Hook hook) {
        block.hooks().onRestart.add(hook);
    }

    @Override
    public void onRestartFailed(Hook hook) {
        block.hooks().onRestartFailed.add(hook);
    }

    @Override
    public Instance instance() {
        return block.instance();
    }
}
