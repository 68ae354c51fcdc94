package kdns.testing;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import kdns.api.PluginException;
import kdns.api.Reloader;

/** A Reloader for setup and handler tests: hashes set by the test, reloads counted. */
public final class RecordingReloader implements Reloader {

    private volatile String running = "running";
    private volatile String onDisk = "running";
    private volatile String failure;
    private final AtomicInteger reloads = new AtomicInteger();

    /** What the next reloads answer: null for success, else the error. */
    public void failWith(String error) {
        failure = error;
    }

    /** Sets the hash of the Corefile "on disk"; a reload makes it the running one. */
    public void onDisk(String hash) {
        onDisk = hash;
    }

    public int reloads() {
        return reloads.get();
    }

    @Override
    public String runningHash() {
        return running;
    }

    @Override
    public String hashOnDisk() throws PluginException {
        String h = onDisk;
        if (h == null) {
            throw new PluginException("Corefile:1 - Error during parsing: simulated parse error");
        }
        return h;
    }

    @Override
    public void reload(Consumer<String> outcome) {
        reloads.incrementAndGet();
        String f = failure;
        if (f == null) {
            running = onDisk;
        }
        outcome.accept(f);
    }
}
