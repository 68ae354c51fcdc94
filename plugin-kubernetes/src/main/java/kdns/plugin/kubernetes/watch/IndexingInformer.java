package kdns.plugin.kubernetes.watch;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.informer.cache.DeltaFIFO;
import io.kubernetes.client.informer.impl.DefaultSharedIndexInformer;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.util.Deque;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.commons.lang3.tuple.MutablePair;

/**
 * An informer that applies every change to kdns's index while the delta queue hands it over,
 * instead of through event handlers (which the client runs later on threads of their own). The
 * queue reports the first list as synced only after its last item was handed over, so "synced"
 * means the index holds the whole first list: {@code ready} never turns 200 while names are still
 * missing. The queue is a {@link ListBatchingDeltaQueue}, which holds a list as the list it is.
 */
final class IndexingInformer extends DefaultSharedIndexInformer<SlimObject, SlimList> {

    private final Consumer<SlimObject> put;
    private final Consumer<V1ObjectMeta> remove;
    private final Consumer<RuntimeException> failure;
    private final ListerWatcher<SlimObject, SlimList> lw;

    IndexingInformer(ListerWatcher<SlimObject, SlimList> lw, BiConsumer<Class<SlimObject>, Throwable> errors,
                     Consumer<SlimObject> put, Consumer<V1ObjectMeta> remove, Consumer<RuntimeException> failure) {
        this(lw, errors, put, remove, failure, new SlimStore());
    }

    private IndexingInformer(ListerWatcher<SlimObject, SlimList> lw, BiConsumer<Class<SlimObject>, Throwable> errors,
                             Consumer<SlimObject> put, Consumer<V1ObjectMeta> remove,
                             Consumer<RuntimeException> failure, SlimStore store) {
        super(SlimObject.class, lw, 0L, new ListBatchingDeltaQueue(store), store, errors);
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

    @Override
    public void handleDeltas(Deque<MutablePair<DeltaFIFO.DeltaType, KubernetesObject>> deltas) {
        super.handleDeltas(deltas);
        if (deltas == null) {
            return;
        }
        for (MutablePair<DeltaFIFO.DeltaType, KubernetesObject> d : deltas) {
            try {
                apply(d.getLeft(), d.getRight());
            } catch (RuntimeException e) {
                failure.accept(e);
            }
        }
    }

    private void apply(DeltaFIFO.DeltaType type, KubernetesObject obj) {
        if (obj instanceof DeltaFIFO.DeletedFinalStateUnknown<?> gone) {
            obj = gone.getObj();
        }
        if (!(obj instanceof SlimObject slim)) {
            return;
        }
        if (type == DeltaFIFO.DeltaType.Deleted) {
            remove.accept(slim.getMetadata());
        } else {
            put.accept(slim);
        }
    }
}
