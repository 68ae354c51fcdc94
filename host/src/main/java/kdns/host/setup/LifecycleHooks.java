package kdns.host.setup;

import java.util.ArrayList;
import java.util.List;
import kdns.api.Controller.Hook;
import kdns.api.Log;

/** The hooks plugins registered for one instance, run in registration order. */
public final class LifecycleHooks {

    private static final Log LOG = Log.plain();

    final List<Hook> onPrepare = new ArrayList<>();
    final List<Hook> onAbandon = new ArrayList<>();
    final List<Hook> onStartup = new ArrayList<>();
    final List<Hook> onFirstStartup = new ArrayList<>();
    final List<Hook> onShutdown = new ArrayList<>();
    final List<Hook> onFinalShutdown = new ArrayList<>();
    final List<Hook> onRestart = new ArrayList<>();
    final List<Hook> onRestartFailed = new ArrayList<>();

    /**
     * Runs the prepare hooks (before the listeners are bound); the first failure stops the start
     * and is rethrown, and the caller then runs {@link #abandon}.
     */
    public void prepare() throws Exception {
        for (Hook h : onPrepare) {
            h.run();
        }
    }

    /**
     * Runs the abandon hooks of an instance that never started serving; failures are logged, so
     * every hook gets its turn.
     */
    public void abandon() {
        runAll("abandon", onAbandon);
    }

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
        runAll("shutdown", onShutdown);
        if (finalShutdown) {
            runAll("final shutdown", onFinalShutdown);
        }
    }

    public void restart() {
        runAll("restart", onRestart);
    }

    public void restartFailed() {
        runAll("restart-failed", onRestartFailed);
    }

    private static void runAll(String what, List<Hook> hooks) {
        for (Hook h : hooks) {
            try {
                h.run();
            } catch (Exception | LinkageError e) {
                LOG.error(what + " hook failed: " + e);
            }
        }
    }
}
