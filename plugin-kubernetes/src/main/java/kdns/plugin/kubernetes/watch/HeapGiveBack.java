package kdns.plugin.kubernetes.watch;

import java.util.function.LongSupplier;

/**
 * Whether one full collection after the first sync can give heap back. The launcher's heap sizing
 * shrinks the heap after a full collection, but never below the size it started with (-Xms); when
 * the first lists fitted in that heap (10,000 Services do in the launcher's 32 MiB), the
 * collection frees nothing to give back and only delays ready (27-45 ms of mark-compact with
 * 10,000 Services, after the last list and before /ready turns 200).
 */
final class HeapGiveBack {

    private final LongSupplier committed;
    private final long atStart;

    /** Takes the committed heap now, before the first lists, as the floor the heap cannot shrink below. */
    HeapGiveBack(LongSupplier committed) {
        this.committed = committed;
        this.atStart = committed.getAsLong();
    }

    /** On the JVM's heap ({@link Runtime#totalMemory()}). */
    static HeapGiveBack ofRuntime() {
        Runtime r = Runtime.getRuntime();
        return new HeapGiveBack(r::totalMemory);
    }

    /** True when the heap grew past what it held at the start, so a full collection may shrink it. */
    boolean worthCollecting() {
        return committed.getAsLong() > atStart;
    }
}
