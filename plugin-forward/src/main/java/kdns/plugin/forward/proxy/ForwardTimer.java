package kdns.plugin.forward.proxy;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import kdns.api.Log;

/**
 * The process-wide timer of the forward plugin: read timeouts of in-flight UDP queries and the
 * periodic clean-up of expired connections. One daemon thread that only fires short callbacks; no
 * task waits on the network here.
 */
public final class ForwardTimer {

    private static final Log LOG = Log.forPlugin("forward");

    private static final ScheduledThreadPoolExecutor TIMER;

    static {
        TIMER = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "forward-timer");
            t.setDaemon(true);
            return t;
        });
        TIMER.setRemoveOnCancelPolicy(true);
    }

    private ForwardTimer() {
    }

    /** Runs {@code task} once after {@code nanos}. */
    public static ScheduledFuture<?> after(long nanos, Runnable task) {
        return TIMER.schedule(guarded(task), nanos, TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} every {@code nanos} until cancelled. */
    public static ScheduledFuture<?> every(long nanos, Runnable task) {
        return TIMER.scheduleWithFixedDelay(guarded(task), nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} on a new virtual thread (work that may block on the network). */
    public static void virtual(String name, Runnable task) {
        Thread.ofVirtual().name(name).start(task);
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("timer task failed: " + e);
            }
        };
    }
}
