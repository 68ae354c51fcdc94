package kdns.host.runtime;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import kdns.api.Log;
import kdns.api.PluginException;
import kdns.api.Reloader;
import kdns.host.corefile.CorefileException;
import kdns.host.setup.CorefileHash;
import kdns.host.setup.InstanceBuilder.LoadedCorefile;
import kdns.host.setup.ServerInstance;

/**
 * Reloads for one running server: builds a new instance from the Corefile as it is now and swaps
 * it in (CoreDNS's {@code Instance.Restart}). Runs on its own thread, one reload at a time; the
 * {@code reload} plugin and SIGUSR1 both come here.
 */
public final class Reloads implements Reloader, AutoCloseable {

    private static final Log LOG = Log.plain();

    /** Where new instances come from: the Corefile read again, then every plugin's setup. */
    public interface InstanceSource {
        /** Reads and parses the Corefile again. */
        LoadedCorefile parse() throws CorefileException;

        /** Runs every plugin's setup over a parsed Corefile. */
        ServerInstance build(LoadedCorefile corefile) throws CorefileException;
    }

    private final DnsServer server;
    private final InstanceSource source;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "reload");
        t.setDaemon(true);
        return t;
    });

    public Reloads(DnsServer server, InstanceSource source) {
        this.server = server;
        this.source = source;
    }

    @Override
    public String runningHash() {
        ServerInstance current = server.instance();
        return current == null || current.loaded() == null ? "" : CorefileHash.of(current.loaded().blocks());
    }

    @Override
    public String hashOnDisk() throws PluginException {
        try {
            return CorefileHash.of(source.parse().blocks());
        } catch (CorefileException e) {
            throw new PluginException(e.getMessage(), e);
        }
    }

    @Override
    public void reload(Consumer<String> outcome) {
        thread.execute(() -> outcome.accept(reloadNow()));
    }

    /** Reloads on the calling thread; returns null on success, else the error (old instance kept). */
    public synchronized String reloadNow() {
        ServerInstance old = server.instance();
        if (old == null) {
            return "the server is not running";
        }
        LOG.info("Reloading");
        old.hooks().restart();
        try {
            ServerInstance next = source.build(source.parse());
            next.useReloader(this);
            server.reload(next);
            LOG.info("Reloading complete");
            return null;
        } catch (CorefileException | RuntimeException e) {
            old.hooks().restartFailed();
            LOG.error("Restart failed: " + e.getMessage());
            return e.getMessage();
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
