package kdns.plugin.standard;

import java.util.List;
import kdns.api.Controller;
import kdns.api.HandlerFactory;
import kdns.api.Instance;
import kdns.api.PluginException;

/**
 * A controller that reads its tokens and registers its hooks through {@code tokens} but reports
 * another instance and block index: lets a test set up a second server block of the same
 * instance.
 */
public final class SharedInstanceController implements Controller {

    private final Controller tokens;
    private final Instance instance;
    private final int blockIndex;

    public SharedInstanceController(Controller tokens, Instance instance, int blockIndex) {
        this.tokens = tokens;
        this.instance = instance;
        this.blockIndex = blockIndex;
    }

    @Override
    public Instance instance() {
        return instance;
    }

    @Override
    public int serverBlockIndex() {
        return blockIndex;
    }

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
    public void listenHosts(List<String> addresses) {
        tokens.listenHosts(addresses);
    }

    @Override
    public void allowAnyClass() {
        tokens.allowAnyClass();
    }

    @Override
    public void addHandler(HandlerFactory factory) {
        tokens.addHandler(factory);
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
