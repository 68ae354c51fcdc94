package kdns.plugin.kubernetes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.cache.DeltaFIFO.DeltaType;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watchable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.commons.lang3.tuple.MutablePair;
import org.junit.jupiter.api.Test;

/**
 * Each change reaches the index with the payload the store held before it: what an index without
 * a map by name of its own takes out of its reverse indexes. Deltas are handed over directly and
 * through the delta queue (a relist), never through a server.
 */
class IndexingInformerTest {

    /** Never called: the informer is not started here. */
    private static final ListerWatcher<SlimObject, SlimList> NOT_STARTED = new ListerWatcher<>() {
        @Override
        public SlimList list(CallGeneratorParams params) {
            throw new UnsupportedOperationException("not started");
        }

        @Override
        public Watchable<SlimObject> watch(CallGeneratorParams params) {
            throw new UnsupportedOperationException("not started");
        }
    };

    private final SlimStore store = new SlimStore();
    private final List<String> calls = new ArrayList<>();
    private final List<RuntimeException> failures = new ArrayList<>();
    private final IndexingInformer informer = new IndexingInformer(NOT_STARTED, (cls, t) -> {
    }, store, (previous, o) -> calls.add("put " + previous + " -> " + o),
            (previous, m) -> calls.add("remove " + previous + " (" + m.getNamespace() + "/" + m.getName() + ")"),
            failures::add);

    private static SlimObject obj(String name, String rv, Object payload) {
        return new SlimObject("ns", name, rv, payload);
    }

    private void hand(DeltaType type, SlimObject o) {
        Deque<MutablePair<DeltaType, KubernetesObject>> d = new ArrayDeque<>();
        d.add(new MutablePair<>(type, o));
        informer.handleDeltas(d);
    }

    @Test
    void updatesAndDeletesComeWithThePayloadTheyReplace() {
        hand(DeltaType.Added, obj("a", "1", "a1"));
        hand(DeltaType.Updated, obj("a", "2", "a2"));
        hand(DeltaType.Updated, obj("a", "3", null));
        hand(DeltaType.Updated, obj("a", "4", "a4"));
        hand(DeltaType.Deleted, obj("a", "5", "a5-final"));
        hand(DeltaType.Deleted, obj("never-seen", "6", "x"));
        assertEquals(List.of(
                "put null -> a1",
                "put a1 -> a2",
                "remove a2 (ns/a)", // an object the conversion makes nothing of: the index drops what it had
                "put null -> a4",
                "remove a4 (ns/a)", // what the index holds, not the deleted object's final state
                "remove null (ns/never-seen)"), calls);
        assertEquals(0, store.size());
    }

    @Test
    void severalDeltasOfOneObjectChainTheirPreviousValues() {
        Deque<MutablePair<DeltaType, KubernetesObject>> d = new ArrayDeque<>();
        d.add(new MutablePair<>(DeltaType.Added, obj("a", "1", "a1")));
        d.add(new MutablePair<>(DeltaType.Updated, obj("a", "2", "a2")));
        d.add(new MutablePair<>(DeltaType.Deleted, obj("a", "2", "a2")));
        d.add(new MutablePair<>(DeltaType.Added, obj("a", "3", "a3")));
        informer.handleDeltas(d);
        assertEquals(List.of("put null -> a1", "put a1 -> a2", "remove a2 (ns/a)", "put null -> a3"), calls);
        assertEquals("a3", ((SlimObject) store.getByKey("ns/a")).payload());
    }

    @Test
    void aRelistHandsOverChangesWithTheirPreviousValuesThenItsDeletions() throws Exception {
        hand(DeltaType.Added, obj("kept", "1", "kept1"));
        hand(DeltaType.Added, obj("moved", "1", "moved1"));
        hand(DeltaType.Added, obj("gone", "1", "gone1"));
        calls.clear();
        ListBatchingDeltaQueue queue = new ListBatchingDeltaQueue(store);
        Object held = ((SlimObject) store.getByKey("ns/kept")).payload();
        queue.replace(new ArrayList<>(List.of(obj("kept", "1", held), obj("moved", "2", "moved2"),
                obj("new", "2", "new2"))), "2");
        while (queue.hasWaiting()) {
            queue.pop(informer::handleDeltas);
        }
        assertEquals(List.of("put kept1 -> kept1", "put moved1 -> moved2", "put null -> new2", "remove gone1 (ns/gone)"),
                calls);
        assertSame(held, ((SlimObject) store.getByKey("ns/kept")).payload());
        assertEquals(3, store.size());
    }

    @Test
    void aFailingIndexIsReportedAndTheStoreStillFollows() {
        IndexingInformer failing = new IndexingInformer(NOT_STARTED, (cls, t) -> {
        }, store, (previous, o) -> {
            throw new IllegalArgumentException("bad " + o);
        }, (previous, m) -> {
        }, failures::add);
        Deque<MutablePair<DeltaType, KubernetesObject>> d = new ArrayDeque<>();
        d.add(new MutablePair<>(DeltaType.Added, obj("a", "1", "a1")));
        d.add(new MutablePair<>(DeltaType.Added, obj("b", "1", "b1")));
        failing.handleDeltas(d);
        assertEquals(2, failures.size(), "each delta's failure, and the next delta still applied");
        assertEquals(2, store.size());
    }

    @Test
    void eventHandlersAreRefused() {
        ResourceEventHandler<SlimObject> handler = new ResourceEventHandler<>() {
            @Override
            public void onAdd(SlimObject obj) {
            }

            @Override
            public void onUpdate(SlimObject oldObj, SlimObject newObj) {
            }

            @Override
            public void onDelete(SlimObject obj, boolean deletedFinalStateUnknown) {
            }
        };
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> informer.addEventHandler(handler));
        assertTrue(e.getMessage().contains("no handlers"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> informer.addEventHandlerWithResyncPeriod(handler, 0));
    }

    @Test
    void aForeignObjectIsReportedAndTheNextDeltaStillApplied() {
        Deque<MutablePair<DeltaType, KubernetesObject>> d = new ArrayDeque<>();
        d.add(new MutablePair<>(DeltaType.Added, new io.kubernetes.client.openapi.models.V1Service()));
        d.add(new MutablePair<>(DeltaType.Added, obj("a", "1", "a1")));
        informer.handleDeltas(d);
        assertEquals(1, failures.size());
        assertTrue(failures.get(0).getMessage().contains("not a slim object"), failures.get(0).getMessage());
        assertEquals(List.of("put null -> a1"), calls);
        assertEquals(1, store.size());
    }
}
