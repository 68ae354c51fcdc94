package kdns.host.setup;

import java.util.ArrayList;
import java.util.List;
import kdns.api.Controller.Hook;
import kdns.api.Log;

/** The hooks plugins registered for one instance, run in registration order. */
public final class LifecycleHooks {

    private static final Log LOG = Log.plain();

    final List<Hook> onStartup = new ArrayList<>();
    final List<Hook> onFirstStartup = new ArrayList<>();
    final List<Hook> onShutdown = new ArrayList<>();
    final List<Hook> onFinalShutdown = new ArrayList<>();
    final List<Hook> onRestart = new ArrayList<>();
    final List<Hook> onRestartFailed = new ArrayList<>();

    /** Runs the start-up hooks; the first failure stops the start and is rethrown. */
    public void startup(boolean first) throws Exception {
        if (first) {
            for (Hook h : onFirstStartup) {
                h.run();
            }
        }
        for (Hook h : onStartup) {
            h.run();
        }
    }

    /** Runs shutdown hooks; failures are logged, not thrown, so every hook gets its turn. */
    public void shutdown(boolean finalShutdown) {
        runAll(onShutdown);
        if (finalShutdown) {
            runAll(onFinalShutdown);
        }
    }

    public void restart() {
        runAll(onRestart);
    }

    public void restartFailed() {
        runAll(onRestartFailed);
    }

    private static void runAll(List<Hook> hooks) {
        for (Hook h : hooks) {
            try {
                h.run();
            } catch (Exception | LinkageError e) {
                LOG.error("shutdown hook failed: " + e);
            }
        }
    }
}
