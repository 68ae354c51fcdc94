package kdns.plugin.standard.health;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import kdns.plugin.standard.endpoint.HostPort;
import kdns.plugin.standard.process.ProcessState;
import kdns.plugin.standard.telemetry.LogSink;

/**
 * The process-wide health listeners, one per address, kept across reloads: an instance's
 * {@link Health} acquires the listener on startup (reusing the one the previous instance opened)
 * and releases it when it stops; the last release closes it.
 */
final class HealthServers {

    private static final Map<String, HealthServer> SERVERS = new HashMap<>();

    private HealthServers() {
    }

    static synchronized HealthServer acquire(HostPort address, Object owner, HealthMetrics metrics, LogSink sink)
            throws IOException {
        HealthServer s = SERVERS.get(address.key());
        if (s == null) {
            s = HealthServer.open(address, metrics, sink);
            SERVERS.put(address.key(), s);
        }
        s.owners.add(owner);
        return s;
    }

    /** Drops {@code owner}'s use of the listener; closes it when nobody uses it any more. */
    static synchronized void release(HostPort address, Object owner) {
        HealthServer s = SERVERS.get(address.key());
        if (s == null) {
            return;
        }
        s.owners.remove(owner);
        if (s.owners.isEmpty()) {
            close(address);
        }
    }

    /** Closes the listener of {@code address} whoever uses it (the process is stopping). */
    static synchronized void close(HostPort address) {
        HealthServer s = SERVERS.remove(address.key());
        if (s != null) {
            s.close();
        }
        if (SERVERS.isEmpty()) {
            ProcessState.lameduck(false);
        }
    }

    /** The listener open on {@code address}, or null. */
    static synchronized HealthServer get(HostPort address) {
        return SERVERS.get(address.key());
    }
}
