package kdns.plugin.kubernetes.spi;

import com.google.gson.JsonObject;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import kdns.api.Log;

/**
 * The informers one plugin runs on one API connection, with what every such set needs: one daemon
 * thread per informer, all created and started by {@link #start} and stopped by {@link #stop};
 * "synced" once every informer that gates start-up listed once ({@link #startAndWait} waits for
 * that, logging like CoreDNS); a failed list or watch logged once per resource until its message
 * changes. The kubernetes plugin's own informers are such a group, and so are the cluster-set
 * informers of plugin-multicluster.
 */
public final class InformerGroup {

    /** The warning a failed list or watch of {@code resource} logs, with the failure's {@code message}. */
    @FunctionalInterface
    public interface FailureWarning {
        String text(String resource, String message);
    }

    private final KubernetesApi api;
    private final Log log;
    private final String threadPrefix;
    private final FailureWarning failureWarning;
    private final Runnable onFirstSync;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final List<SharedIndexInformer<?>> gating = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentHashMap<String, String> lastFailure = new ConcurrentHashMap<>();
    private volatile boolean started;
    private volatile boolean synced;

    /**
     * @param threadPrefix   the informer threads' names before the resource
     * @param failureWarning the warning text of a failed list or watch
     * @param onFirstSync    run once, when {@link #hasSynced} first finds every gating informer synced
     *                       (before it returns true)
     */
    public InformerGroup(KubernetesApi api, Log log, String threadPrefix, FailureWarning failureWarning,
                         Runnable onFirstSync) {
        this.api = api;
        this.log = log;
        this.threadPrefix = threadPrefix;
        this.failureWarning = failureWarning;
        this.onFirstSync = onFirstSync;
    }

    /**
     * Adds one informer ({@link KubernetesApi#informer}) on a thread of its own named
     * {@code threadPrefix + resource}; call it from the {@code register} step of {@link #start}.
     *
     * @param gatesSync whether {@link #hasSynced} waits for this informer's first list
     */
    public <T> void add(String resource, boolean gatesSync, WatchCalls.PageCall pages, WatchCalls.WatchCall watch,
                        Function<JsonObject, T> decode, Function<T, Object> convert, Consumer<Object> put,
                        Consumer<V1ObjectMeta> remove) {
        SharedIndexInformer<?> informer = api.informer(resource, pages, watch, decode, convert, put, remove,
                failures(resource), log);
        informers.add(informer);
        if (gatesSync) {
            gating.add(informer);
        }
        threads.add(Thread.ofPlatform().daemon().name(threadPrefix + resource).unstarted(informer::run));
    }

    /** True once every gating informer has listed its objects once (false before {@link #start}). */
    public boolean hasSynced() {
        if (synced) {
            return true;
        }
        if (!started) {
            return false;
        }
        synchronized (this) {
            if (synced) {
                return true;
            }
            if (gating.isEmpty()) {
                return false;
            }
            for (SharedIndexInformer<?> i : gating) {
                if (!i.hasSynced()) {
                    return false;
                }
            }
            onFirstSync.run();
            synced = true;
        }
        return true;
    }

    /**
     * True once {@link #hasSynced} has returned true; unlike it, looks at no informer (for event
     * handlers, which must not run {@code onFirstSync}).
     */
    public boolean syncSeen() {
        return synced;
    }

    /**
     * Creates the informers ({@code register} calls {@link #add}) and runs them; only the first
     * call does anything.
     */
    public synchronized void start(Runnable register) {
        if (started) {
            return;
        }
        register.run();
        threads.forEach(Thread::start);
        started = true;
    }

    /**
     * {@link #start}, then waits up to {@code timeout} for the first sync, logging every 500 ms like
     * CoreDNS; then returns whatever the state (the server serves while sync continues).
     */
    public void startAndWait(Runnable register, Duration timeout) throws InterruptedException {
        start(register);
        KubernetesApi.awaitSynced(this::hasSynced, timeout, log);
    }

    /** Stops every informer and waits briefly for its thread. */
    public synchronized void stop() {
        KubernetesApi.stopAll(informers, threads);
    }

    /** Forgets the failures logged so far; true when there were any (the API answers again). */
    public boolean forgetFailures() {
        if (lastFailure.isEmpty()) {
            return false;
        }
        lastFailure.clear();
        return true;
    }

    private Consumer<Throwable> failures(String resource) {
        return t -> {
            String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (t instanceof ApiException e && e.getCode() != 0) {
                msg = "HTTP " + e.getCode() + " " + msg;
            }
            String prev = lastFailure.put(resource, msg);
            if (!msg.equals(prev)) {
                log.warning(failureWarning.text(resource, msg));
            }
        };
    }
}
