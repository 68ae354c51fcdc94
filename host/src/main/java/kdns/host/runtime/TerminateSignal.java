package kdns.host.runtime;

import kdns.api.Log;
import sun.misc.Signal;

/**
 * SIGTERM stops the servers and ends the process with exit status 0, as CoreDNS does: the JVM's own
 * handling would run the same shutdown hooks (lameduck included) but end with 143 (128 + SIGTERM),
 * which a supervisor reads as a crash rather than a clean stop.
 */
public final class TerminateSignal {

    private static final Log LOG = Log.plain();

    private TerminateSignal() {
    }

    /**
     * Installs the handler. {@link System#exit} runs the shutdown hooks (the server's graceful
     * close) before the process ends, so only the status changes. Where SIGTERM cannot be handled
     * the JVM's default stays.
     */
    public static void install() {
        try {
            Signal.handle(new Signal("TERM"), s -> {
                LOG.info("SIGTERM: Shutting down servers then terminating");
                System.exit(0); // on a thread of the signal's own, blocked until the hooks have run
            });
        } catch (IllegalArgumentException e) {
            LOG.warning("SIGTERM is handled by the JVM here (exit status 143): " + e.getMessage());
        }
    }
}
