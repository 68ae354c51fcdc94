package kdns.plugin.kubernetes.watch;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.cache.DeltaFIFO;
import io.kubernetes.client.informer.impl.DefaultSharedIndexInformer;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.util.Deque;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.commons.lang3.tuple.MutablePair;

/**
 * An informer that applies every change to its store and to kdns's index while the delta queue
 * hands it over, instead of through event handlers (which the client runs later on threads of
 * their own). The queue reports the first list as synced only after its last item was handed over,
 * so "synced" means the index holds the whole first list: {@code ready} never turns 200 while
 * names are still missing. The queue is a {@link ListBatchingDeltaQueue}, which holds a list as
 * the list it is.
 *
 * <p>Each change reaches the index with the payload the store held for the same object before it
 * (null when none), so the index needs no map by name of its own to find what to take out of its
 * reverse indexes. The store and the index change on this one thread, one delta after the other,
 * so what the store held is what the index was last given.
 */
final class IndexingInformer extends DefaultSharedIndexInformer<SlimObject, SlimList> {

    private final SlimStore store;
    private final BiConsumer<Object, Object> put;
    private final BiConsumer<Object, V1ObjectMeta> remove;
    private final Consumer<RuntimeException> failure;
    private final ListerWatcher<SlimObject, SlimList> lw;

    /**
     * @param store  the store {@code lw} shares unchanged payloads with
     * @param put    (previous payload or null, payload): an object whose payload is not null
     * @param remove (previous payload or null, metadata): a deleted object, or one whose payload is null
     */
    IndexingInformer(ListerWatcher<SlimObject, SlimList> lw, BiConsumer<Class<SlimObject>, Throwable> errors,
                     SlimStore store, BiConsumer<Object, Object> put, BiConsumer<Object, V1ObjectMeta> remove,
                     Consumer<RuntimeException> failure) {
        super(SlimObject.class, lw, 0L, new ListBatchingDeltaQueue(store), store, errors);
        this.store = store;
        this.put = put;
        this.remove = remove;
        this.failure = failure;
        this.lw = lw;
    }

    /** Stops, and ends a streaming list still being read (the reflector would wait for it). */
    @Override
    public void stop() {
        super.stop();
        if (lw instanceof PagedListerWatcher<?> p) {
            p.close();
        }
    }

    /** Refused: changes go to the index as they are handed over, and no handler would be told of them. */
    @Override
    public void addEventHandler(ResourceEventHandler<SlimObject> handler) {
        throw new UnsupportedOperationException("this informer applies its changes to the index; it runs no handlers");
    }

    /** Refused, as {@link #addEventHandler}. */
    @Override
    public void addEventHandlerWithResyncPeriod(ResourceEventHandler<SlimObject> handler, long resyncPeriod) {
        addEventHandler(handler);
    }

    /** What the client's informer does with the store (no handlers to notify), then the index. */
    @Override
    public void handleDeltas(Deque<MutablePair<DeltaFIFO.DeltaType, KubernetesObject>> deltas) {
        if (deltas == null) {
            return;
        }
        for (MutablePair<DeltaFIFO.DeltaType, KubernetesObject> d : deltas) {
            KubernetesObject obj = d.getRight();
            if (obj instanceof DeltaFIFO.DeletedFinalStateUnknown<?> gone) {
                obj = gone.getObj();
            }
            if (!(obj instanceof SlimObject slim)) {
                // Reported and skipped: an exception out of here would end the client's process loop,
                // and with it every later change of this resource.
                failure.accept(new IllegalStateException("the informer's queue handed over "
                        + (obj == null ? "null" : "a " + obj.getClass().getName()) + ", not a slim object"));
                continue;
            }
            SlimObject held = (SlimObject) store.get(slim);
            Object previous = held == null ? null : held.payload();
            boolean deleted = d.getLeft() == DeltaFIFO.DeltaType.Deleted;
            if (deleted) {
                store.delete(slim);
            } else if (held == null) {
                store.add(slim);
            } else {
                store.update(slim);
            }
            try {
                if (deleted || slim.payload() == null) {
                    remove.accept(previous, slim.getMetadata());
                } else {
                    put.accept(previous, slim.payload());
                }
            } catch (RuntimeException e) {
                failure.accept(e);
            }
        }
    }
}
