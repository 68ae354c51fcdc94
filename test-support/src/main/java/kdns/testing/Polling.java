package kdns.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Bounded waits for something another thread or process makes true (an informer synced, a
 * connection closed, a reload applied): the condition is polled every 20 ms up to a generous
 * bound, so a test waits only as long as it must and still ends when the thing never happens.
 */
public final class Polling {

    /** The bound of {@link #eventually(String, BooleanSupplier)}: long enough for a loaded machine. */
    public static final Duration DEFAULT_BOUND = Duration.ofSeconds(30);

    private static final long PAUSE_MILLIS = 20;

    private Polling() {
    }

    /** Waits until {@code condition} holds; an {@link AssertionError} naming {@code what} after 30 s. */
    public static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        eventually(what, DEFAULT_BOUND, condition);
    }

    /** Waits until {@code condition} holds; an {@link AssertionError} naming {@code what} after {@code bound}. */
    public static void eventually(String what, Duration bound, BooleanSupplier condition) throws InterruptedException {
        if (!within(bound, condition)) {
            throw new AssertionError("timed out after " + bound.toSeconds() + " s waiting until " + what);
        }
    }

    /** True as soon as {@code condition} holds, false when it still does not after {@code bound}. */
    public static boolean within(Duration bound, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(PAUSE_MILLIS);
        }
        return true;
    }
}
