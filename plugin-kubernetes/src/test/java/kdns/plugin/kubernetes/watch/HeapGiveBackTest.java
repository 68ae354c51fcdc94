package kdns.plugin.kubernetes.watch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HeapGiveBackTest {

    @Test
    void heapStillAtItsStartingSizeIsNotCollected() {
        AtomicLong committed = new AtomicLong(32L << 20);
        HeapGiveBack heap = new HeapGiveBack(committed::get);
        assertFalse(heap.worthCollecting());
    }

    @Test
    void heapThatGrewDuringTheListsIsCollected() {
        AtomicLong committed = new AtomicLong(32L << 20);
        HeapGiveBack heap = new HeapGiveBack(committed::get);
        committed.set(96L << 20);
        assertTrue(heap.worthCollecting());
    }

    @Test
    void heapThatShrankBelowItsStartIsNotCollected() {
        AtomicLong committed = new AtomicLong(32L << 20);
        HeapGiveBack heap = new HeapGiveBack(committed::get);
        committed.set(24L << 20);
        assertFalse(heap.worthCollecting());
    }
}
