package kdns.plugin.kubernetes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import kdns.api.Log;
import org.junit.jupiter.api.Test;

/** {@link SlimInformers#awaitSynced}: start-up waits for the first sync, polling, and gives up at the timeout. */
class AwaitSyncedTest {

    private static final Log LOG = Log.forPlugin("kubernetes");

    /** A sync that turns true on the given call. */
    private static BooleanSupplier syncedOnCall(int call, AtomicInteger calls) {
        return () -> calls.incrementAndGet() >= call;
    }

    @Test
    void returnsAtTheFirstCheckThatFindsTheInformersSynced() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        SlimInformers.awaitSynced(syncedOnCall(4, calls), Duration.ofMinutes(5), LOG);
        assertEquals(4, calls.get(), "looked again until synced, and no more");
    }

    @Test
    void alreadySyncedDoesNotWait() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        SlimInformers.awaitSynced(syncedOnCall(1, calls), Duration.ZERO, LOG);
        assertEquals(1, calls.get());
    }

    @Test
    void aTimeoutReturnsUnsynced() throws InterruptedException {
        AtomicInteger calls = new AtomicInteger();
        SlimInformers.awaitSynced(syncedOnCall(Integer.MAX_VALUE, calls), Duration.ZERO, LOG);
        assertEquals(1, calls.get(), "a timeout already passed: one look, then the server starts unsynced");
    }

    @Test
    void pollsOftenEnoughNotToDelayStartUp() {
        // The listeners bind only after the wait: a sync should be noticed within a few ms, not
        // the 100 ms (50 on average) a coarser poll added to every start.
        assertTrue(SlimInformers.SYNC_POLL_MS <= 10, "poll every " + SlimInformers.SYNC_POLL_MS + " ms");
    }
}
