package kdns.plugin.kubernetes.watch;

import com.google.gson.JsonObject;
import com.google.gson.stream.JsonReader;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import kdns.api.Log;
import kdns.plugin.kubernetes.model.Fields;
import kdns.plugin.kubernetes.spi.WatchCalls;

/**
 * Informers over slim objects ({@link PagedListerWatcher}, {@link IndexingInformer}) for the
 * kubernetes plugin's {@link Informers} and the cluster-set informers of the multicluster code.
 */
public final class SlimInformers {

    private SlimInformers() {
    }

    /** Decodes an object into a generated model, without the generated validation ({@link LenientJson}). */
    public static <T> Function<JsonObject, T> model(Class<T> type) {
        return new Model<>(type);
    }

    /**
     * Decodes an object into a generated model as {@link #model(Class)} does, except where
     * {@link PagedListerWatcher} reads it with {@code reader} straight into the values
     * {@code direct} converts (what {@code convert} would make of the model), with no model at all;
     * an object the reader does not take ({@link ObjectReader}) goes through the model.
     */
    static <T, F extends Fields.Object> Function<JsonObject, T> model(
            Class<T> type, ObjectReader<F> reader, Function<F, Object> direct) {
        return new Model<>(type, new Reading<>(reader, direct));
    }

    /** An {@link ObjectReader} and the conversion of what it reads. */
    record Reading<F extends Fields.Object>(ObjectReader<F> reader, Function<F, Object> convert) {
        /** What {@code convert} makes of {@code fields} (which this reading's reader read). */
        @SuppressWarnings("unchecked")
        Object convertRead(Fields.Object fields) {
            return convert.apply((F) fields);
        }
    }

    /** A generated model's decoder, which {@link PagedListerWatcher} also runs on a reader (no tree). */
    static final class Model<T> implements Function<JsonObject, T> {
        private final Class<T> type;
        /** The reader of kdns's own and its conversion, or null: the model always. */
        private final Reading<?> reading;

        Model(Class<T> type) {
            this(type, null);
        }

        Model(Class<T> type, Reading<?> reading) {
            this.type = type;
            this.reading = reading;
        }

        /** The reader of kdns's own, or null. */
        Reading<?> reading() {
            return reading;
        }

        @Override
        public T apply(JsonObject o) {
            return LenientJson.decode(o, type);
        }

        /** The next value of {@code in} as the model, as {@link #apply} would decode its tree. */
        T read(JsonReader in) {
            return LenientJson.decode(in, type);
        }
    }

    /**
     * One informer (not started; run it on a thread of its own): what {@code convert} makes of an
     * object goes to {@code put}; an object it makes nothing of, or a deleted one, to {@code remove}
     * with its namespace and name. Both are given first what the last {@code put} of the same
     * object (namespace and name) handed over, or null when there was none or the object was
     * removed since: the value to take out of an index. An object equal to the one held is handed
     * over as the very value held. Failed watches and lists go to {@code errors} (the informer
     * retries them); exceptions of {@code put}/{@code remove}, and a server that does not stream
     * lists (the informer then lists in pages), are logged with {@code log}.
     *
     * @param resource the resource (plural), the {@code resource} label of the {@link ApiMetrics}
     */
    public static <T> SharedIndexInformer<?> create(
            ApiConnection connection, String resource, WatchCalls.PageCall pages, WatchCalls.WatchCall watch,
            Function<JsonObject, T> decode, Function<T, Object> convert, BiConsumer<Object, Object> put,
            BiConsumer<Object, V1ObjectMeta> remove, Consumer<Throwable> errors, Log log) {
        SlimStore store = new SlimStore();
        PagedListerWatcher<T> lw = new PagedListerWatcher<>(connection, resource, pages, watch, decode, convert,
                (cls, t) -> errors.accept(t), log, store);
        // Not through SharedInformerFactory: it keeps one informer per API type, and every informer
        // here caches the same slim type.
        return new IndexingInformer(lw, lw.unlessClosed((cls, t) -> errors.accept(t)), store, put, remove,
                e -> log.error("ignoring an object " + resource + " the plugin cannot use: " + e));
    }

    /** How often {@link #awaitSynced} looks whether the informers have synced. */
    static final long SYNC_POLL_MS = 5;

    /**
     * Waits up to {@code timeout} for {@code synced}, logging every 500 ms like CoreDNS; then
     * returns whatever the state (the server serves while sync continues), with a warning.
     */
    public static void awaitSynced(BooleanSupplier synced, Duration timeout, Log log) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextLog = System.nanoTime() + 500_000_000L;
        while (!synced.getAsBoolean()) {
            long now = System.nanoTime();
            if (now >= deadline) {
                log.warning("starting server with unsynced Kubernetes API");
                return;
            }
            if (now >= nextLog) {
                log.info("waiting for Kubernetes API before starting server");
                nextLog = now + 500_000_000L;
            }
            // Start-up waits here (the listeners bind after it), so a sync is noticed within a
            // few ms rather than up to 100 ms later; a check is a few volatile reads.
            Thread.sleep(Math.max(1, Math.min(SYNC_POLL_MS, (deadline - now) / 1_000_000L)));
        }
    }

    /** Stops every informer, interrupts their threads and waits up to 2 s for each, then forgets the threads. */
    public static void stopAll(List<? extends SharedIndexInformer<?>> informers, List<Thread> threads) {
        for (SharedIndexInformer<?> i : informers) {
            i.stop();
        }
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        threads.clear();
    }
}
