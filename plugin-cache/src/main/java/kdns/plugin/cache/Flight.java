package kdns.plugin.cache;

import java.util.ArrayList;
import java.util.List;
import kdns.api.Request;
import kdns.api.ResponseWriter;

/**
 * One miss of a key on its way up the chain, and the misses of the same key that arrived while it
 * was on its way and wait for its answer instead of asking the rest of the chain again. A flight
 * is landed once, when its query is answered (or fails); a waiter joins only a flight that has
 * not landed, is younger than {@link #MAX_AGE_NANOS} and has room, so a flight whose query is
 * never answered holds at most {@link #MAX_WAITERS} queries and none after its first seconds.
 * Thread-safe: waiters join on reader threads, the flight lands on whatever thread the answer
 * comes on.
 */
final class Flight {

    /** Beyond this many waiters a miss asks the chain itself: one flight holds a bounded set. */
    static final int MAX_WAITERS = 256;
    /** As long as forward tries before it gives up (CoreDNS's 5 s deadline per query). */
    static final long MAX_AGE_NANOS = 5_000_000_000L;

    /** A query waiting for the flight's answer, with what its own miss would have used. */
    record Waiter(Request request, ResponseWriter writer, CacheMetrics.Server sm, boolean dnssecOk,
                  boolean adRequested) {
    }

    private final long started;
    /** Null once landed; made at the first waiter, since most misses have none. */
    private List<Waiter> waiters;
    private boolean landed;

    Flight(long started) {
        this.started = started;
    }

    /** Adds {@code w}; false when it must ask the chain itself (landed, full or too old). */
    synchronized boolean join(Waiter w, long now) {
        if (landed || now - started > MAX_AGE_NANOS) {
            return false;
        }
        if (waiters == null) {
            waiters = new ArrayList<>(4);
        } else if (waiters.size() >= MAX_WAITERS) {
            return false;
        }
        waiters.add(w);
        return true;
    }

    /** True when no waiter may join any more because the flight is older than its window. */
    boolean expired(long now) {
        return now - started > MAX_AGE_NANOS;
    }

    /** Lands the flight: the waiters to answer, once; empty on every later call. */
    synchronized List<Waiter> land() {
        List<Waiter> w = waiters;
        landed = true;
        waiters = null;
        return w == null ? List.of() : w;
    }
}
