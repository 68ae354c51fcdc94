package kdns.plugin.kubernetes.spi;

import com.google.gson.JsonObject;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import kdns.api.Log;

/**
 * The informers one plugin runs on one API connection, with what every such set needs: one daemon
 * thread per informer, all created ({@link #register}) and started by {@link #start} and stopped by
 * {@link #stop}; "synced" once every informer that gates start-up listed once ({@link #startAndWait}
 * waits for that, logging like CoreDNS); a failed list or watch logged once per resource until its
 * message changes. A subclass says which informers ({@link #register}, calling {@link #add}) and
 * how a failure reads ({@link #failureWarning}). The kubernetes plugin's own informers are such a
 * group, and so are the cluster-set informers of plugin-multicluster.
 */
public abstract class InformerGroup {

    private final KubernetesApi api;
    private final Log log;
    private final String threadPrefix;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final List<SharedIndexInformer<?>> gating = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentHashMap<String, String> lastFailure = new ConcurrentHashMap<>();
    private volatile boolean started;
    private volatile boolean synced;

    /** @param threadPrefix the informer threads' names before the resource */
    protected InformerGroup(KubernetesApi api, Log log, String threadPrefix) {
        this.api = api;
        this.log = log;
        this.threadPrefix = threadPrefix;
    }

    /** Creates the informers with {@link #add}; {@link #start} calls it once. */
    protected abstract void register();

    /** The warning a failed list or watch of {@code resource} logs, with the failure's {@code message}. */
    protected abstract String failureWarning(String resource, String message);

    /** Runs once, when {@link #hasSynced} first finds every gating informer synced (before it returns true). */
    protected void onFirstSync() {
    }

    /**
     * Adds one informer ({@link KubernetesApi#informer}) on a thread of its own named
     * {@code threadPrefix + resource}.
     *
     * @param gatesSync whether {@link #hasSynced} waits for this informer's first list
     */
    protected final <T> void add(String resource, boolean gatesSync, WatchCalls.PageCall pages,
                                 WatchCalls.WatchCall watch, Function<JsonObject, T> decode,
                                 Function<T, Object> convert, BiConsumer<Object, Object> put,
                                 BiConsumer<Object, V1ObjectMeta> remove) {
        SharedIndexInformer<?> informer = api.informer(resource, pages, watch, decode, convert, put, remove,
                failures(resource), log);
        informers.add(informer);
        if (gatesSync) {
            gating.add(informer);
        }
        threads.add(Thread.ofPlatform().daemon().name(threadPrefix + resource).unstarted(informer::run));
    }

    /** True once every gating informer has listed its objects once (false before {@link #start}). */
    public final boolean hasSynced() {
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
            onFirstSync();
            synced = true;
        }
        return true;
    }

    /**
     * True once {@link #hasSynced} has returned true; unlike it, looks at no informer (for event
     * handlers, which must not run {@link #onFirstSync}).
     */
    protected final boolean syncSeen() {
        return synced;
    }

    /** Creates ({@link #register}) and runs the informers; only the first call does anything. */
    public final synchronized void start() {
        if (started) {
            return;
        }
        register();
        threads.forEach(Thread::start);
        started = true;
    }

    /**
     * {@link #start}, then waits up to {@code timeout} for the first sync, logging every 500 ms like
     * CoreDNS; then returns whatever the state (the server serves while sync continues).
     */
    public final void startAndWait(Duration timeout) throws InterruptedException {
        start();
        KubernetesApi.awaitSynced(this::hasSynced, timeout, log);
    }

    /** Stops every informer and waits briefly for its thread. */
    public final synchronized void stop() {
        KubernetesApi.stopAll(informers, threads);
    }

    /** Forgets the failures logged so far; true when there were any (the API answers again). */
    protected final boolean forgetFailures() {
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
                log.warning(failureWarning(resource, msg));
            }
        };
    }
}
