package kdns.plugin.kubernetes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.cache.DeltaFIFO.DeltaType;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.commons.lang3.tuple.MutablePair;
import org.junit.jupiter.api.Test;

/**
 * The queue as the informer drives it: the reflector adds, deletes and replaces; the informer's
 * loop pops and applies each delta to the store, as {@code handleDeltas} does.
 */
class ListBatchingDeltaQueueTest {

    private final SlimStore store = new SlimStore();
    private final ListBatchingDeltaQueue queue = new ListBatchingDeltaQueue(store);
    private final List<String> handed = new ArrayList<>();

    private static SlimObject obj(String name, String rv) {
        return new SlimObject("ns", name, rv, name + "@" + rv);
    }

    private static List<KubernetesObject> list(SlimObject... objects) {
        return new ArrayList<>(List.of(objects));
    }

    /** Pops one entry and applies it to the store the way the informer does. */
    private void popOne() throws InterruptedException {
        queue.pop(this::apply);
    }

    private void apply(Deque<MutablePair<DeltaType, KubernetesObject>> deltas) {
        for (MutablePair<DeltaType, KubernetesObject> d : deltas) {
            SlimObject o = (SlimObject) d.getRight();
            handed.add(d.getLeft() + " " + o.getMetadata().getName() + "@" + o.getMetadata().getResourceVersion());
            if (d.getLeft() == DeltaType.Deleted) {
                store.delete(o);
            } else {
                store.update(o);
            }
        }
    }

    private void drain() throws InterruptedException {
        while (queue.hasWaiting()) {
            popOne();
        }
    }

    @Test
    void theFirstListIsHandedOverObjectByObjectAndSyncedAfterItsLast() throws Exception {
        assertFalse(queue.hasSynced(), "nothing listed yet");
        queue.replace(list(obj("a", "1"), obj("b", "1")), "1");
        assertFalse(queue.hasSynced());
        assertEquals(List.of("ns/a", "ns/b"), queue.listKeys());
        popOne();
        assertFalse(queue.hasSynced(), "one object of two handed over");
        popOne();
        assertTrue(queue.hasSynced(), "synced as soon as the last object is handed over");
        assertEquals(List.of("Sync a@1", "Sync b@1"), handed);
        assertEquals(List.of(), queue.listKeys());
    }

    @Test
    void aRelistDeletesWhatItDidNotBringAndKeepsWhatItDid() throws Exception {
        queue.replace(list(obj("a", "1"), obj("b", "1"), obj("c", "1")), "1");
        drain();
        handed.clear();
        queue.replace(list(obj("a", "2"), obj("c", "1")), "5");
        drain();
        assertEquals(List.of("Sync a@2", "Sync c@1", "Deleted b@1"), handed);
        assertNull(store.getByKey("ns/b"));
        assertEquals("2", store.getByKey("ns/a").getMetadata().getResourceVersion());
    }

    @Test
    void eventsAfterAListWaitBehindItSoTheWatchHasTheLastWord() throws Exception {
        queue.replace(list(obj("a", "1")), "1");
        drain();
        handed.clear();
        queue.update(obj("a", "2"));
        queue.replace(list(obj("a", "3"), obj("b", "3")), "3");
        queue.update(obj("a", "4"));
        queue.delete(obj("b", "5"));
        queue.add(obj("c", "6"));
        drain();
        assertEquals(List.of("Updated a@2", "Sync a@3", "Sync b@3", "Updated a@4", "Deleted b@5", "Added c@6"),
                handed);
        assertEquals("4", store.getByKey("ns/a").getMetadata().getResourceVersion());
        assertNull(store.getByKey("ns/b"));
    }

    @Test
    void anObjectsEventsAreMergedWhileItWaits() throws Exception {
        queue.replace(list(obj("seed", "1")), "1");
        drain();
        queue.add(obj("a", "2"));
        queue.update(obj("a", "3"));
        assertEquals(List.of("ns/a"), queue.listKeys());
        Deque<MutablePair<DeltaType, KubernetesObject>> waiting = queue.getByKey("ns/a");
        assertEquals(2, waiting.size());
        handed.clear();
        popOne();
        assertEquals(List.of("Added a@2", "Updated a@3"), handed);
    }

    @Test
    void aDeletionOfAnUnknownObjectIsDroppedUnlessAListMayHoldIt() throws Exception {
        queue.replace(list(obj("seed", "1")), "1");
        drain();
        queue.delete(obj("ghost", "2"));
        assertEquals(List.of(), queue.listKeys(), "neither stored nor waiting: dropped");
        queue.replace(list(obj("new", "3")), "3");
        queue.delete(obj("new", "4"));
        handed.clear();
        drain();
        assertEquals(List.of("Sync new@3", "Deleted seed@1", "Deleted new@4"), handed);
        assertNull(store.getByKey("ns/new"));
    }

    @Test
    void aWaitingListIsVisibleThroughGetByKey() {
        SlimObject a = obj("a", "1");
        queue.replace(list(a), "1");
        Deque<MutablePair<DeltaType, KubernetesObject>> waiting = queue.get(a);
        assertEquals(DeltaType.Sync, waiting.getFirst().getLeft());
        assertSame(a, waiting.getFirst().getRight());
        assertNull(queue.getByKey("ns/other"));
        assertEquals(1, queue.list().size());
    }

    @Test
    void anEmptyFirstListSyncsAtOnceAfterOnePop() throws Exception {
        queue.replace(list(), "1");
        queue.add(obj("a", "2"));
        popOne();
        assertTrue(queue.hasSynced());
        assertEquals(List.of("Added a@2"), handed, "the empty list is passed over, the event handed over");
    }

    @Test
    void resyncQueuesEveryStoredObjectWithNothingWaiting() throws Exception {
        queue.replace(list(obj("a", "1"), obj("b", "1")), "1");
        drain();
        queue.update(obj("b", "2"));
        queue.resync();
        handed.clear();
        drain();
        assertEquals(List.of("Updated b@2", "Sync a@1"), handed);
    }
}
