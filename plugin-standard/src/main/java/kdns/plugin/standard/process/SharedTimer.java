package kdns.plugin.standard.process;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** One process-wide daemon thread for the module's timers (consolidation periods, self-checks). */
public final class SharedTimer {

    private static volatile ScheduledExecutorService scheduler;

    private SharedTimer() {
    }

    public static ScheduledExecutorService scheduler() {
        ScheduledExecutorService s = scheduler;
        if (s == null) {
            synchronized (SharedTimer.class) {
                s = scheduler;
                if (s == null) {
                    ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
                        Thread t = new Thread(r, "kdns-plugin-standard-timer");
                        t.setDaemon(true);
                        return t;
                    });
                    e.setRemoveOnCancelPolicy(true);
                    e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
                    scheduler = s = e;
                }
            }
        }
        return s;
    }
}
