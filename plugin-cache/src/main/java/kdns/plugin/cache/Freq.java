package kdns.plugin.cache;

/**
 * How popular an item is (CoreDNS's {@code cache/freq}): hits counted while they come less than a
 * window apart. Thread-safe.
 */
final class Freq {

    private boolean seen;
    private long last;
    private int hits;

    /**
     * Records a hit at {@code now}: counts on when the previous one was within {@code window}
     * nanoseconds, else starts again at 1. Returns the count.
     */
    synchronized int update(long window, long now) {
        if (!seen || last < now - window) {
            seen = true;
            last = now;
            hits = 1;
            return hits;
        }
        last = now;
        return ++hits;
    }

    synchronized int hits() {
        return hits;
    }

    /** Carries the hits of a refreshed item over to its replacement. */
    synchronized void reset(long now, int hits) {
        this.seen = true;
        this.last = now;
        this.hits = hits;
    }
}
