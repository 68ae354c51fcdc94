package kdns.host.runtime;

import kdns.api.Log;
import sun.misc.Signal;

/** SIGUSR1 reloads the Corefile, as it does for CoreDNS. */
public final class ReloadSignal {

    private static final Log LOG = Log.plain();

    private ReloadSignal() {
    }

    /** Installs the handler; on platforms without SIGUSR1 this only logs that it is absent. */
    public static void install(Reloads reloads) {
        try {
            Signal.handle(new Signal("USR1"), s -> reloads.reload(error -> { }));
        } catch (IllegalArgumentException e) {
            LOG.warning("SIGUSR1 reloads are not available here: " + e.getMessage());
        }
    }
}
