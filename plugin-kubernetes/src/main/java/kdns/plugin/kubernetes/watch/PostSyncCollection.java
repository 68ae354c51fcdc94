package kdns.plugin.kubernetes.watch;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The one full collection after the informers' first sync, made only when it can give memory back.
 * Decoding a large cluster's first lists (100,000 Services) grows the old generation far past what
 * the index keeps, and the launcher's heap sizing (MaxHeapFreeRatio) hands the difference back only
 * at a full collection, which may not come for hours: so one is made before ready turns 200. When
 * the committed heap did not grow during the sync (10,000 Services fit in the heap the launcher's
 * -Xms gives), the collection cannot shrink it (the serial collector never goes below -Xms) and the
 * sync's garbage died young: it would only add its pause (50 ms with 10,000 Services) to the time
 * to ready, so it is skipped.
 */
final class PostSyncCollection {

    private final LongSupplier committedHeap;
    private final Runnable collect;
    private final long committedBefore;
    private final AtomicBoolean done = new AtomicBoolean();

    /**
     * Reads the committed heap now, before the informers list anything.
     *
     * @param committedHeap the heap's committed bytes ({@link Runtime#totalMemory})
     * @param collect       the full collection ({@link System#gc})
     */
    PostSyncCollection(LongSupplier committedHeap, Runnable collect) {
        this.committedHeap = committedHeap;
        this.collect = collect;
        this.committedBefore = committedHeap.getAsLong();
    }

    /** The running JVM's heap and collector. */
    static PostSyncCollection ofRuntime() {
        Runtime runtime = Runtime.getRuntime();
        return new PostSyncCollection(runtime::totalMemory, System::gc);
    }

    /**
     * Collects when the committed heap grew since construction; only the first call does anything.
     *
     * @return whether it collected
     */
    boolean afterFirstSync() {
        if (!done.compareAndSet(false, true) || committedHeap.getAsLong() <= committedBefore) {
            return false;
        }
        collect.run();
        return true;
    }
}
