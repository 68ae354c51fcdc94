package kdns.plugin.kubernetes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link PostSyncCollection}: a collection only when the heap grew since it was made, and at most one. */
class PostSyncCollectionTest {

    private final AtomicLong committed = new AtomicLong(32 << 20);
    private final AtomicInteger collections = new AtomicInteger();
    private final PostSyncCollection postSync = new PostSyncCollection(committed::get, collections::incrementAndGet);

    @Test
    void collectsOnceWhenTheHeapGrewDuringTheSync() {
        committed.set(48 << 20);
        assertTrue(postSync.afterFirstSync());
        assertEquals(1, collections.get());
        committed.set(64 << 20);
        assertFalse(postSync.afterFirstSync(), "only the first call collects");
        assertEquals(1, collections.get());
    }

    @Test
    void skipsTheCollectionWhenTheHeapDidNotGrow() {
        assertFalse(postSync.afterFirstSync());
        committed.set(48 << 20);
        assertFalse(postSync.afterFirstSync(), "the first call decided");
        assertEquals(0, collections.get());
    }

    @Test
    void skipsTheCollectionWhenTheHeapShrank() {
        committed.set(24 << 20);
        assertFalse(postSync.afterFirstSync());
        assertEquals(0, collections.get());
    }
}
