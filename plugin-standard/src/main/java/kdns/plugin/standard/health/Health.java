package kdns.plugin.standard.health;

import java.io.IOException;
import java.time.Duration;
import kdns.api.text.Durations;
import kdns.plugin.standard.endpoint.HostPort;
import kdns.plugin.standard.process.ProcessState;
import kdns.plugin.standard.telemetry.LogSink;

/**
 * One {@code health} directive of one instance, driven by the lifecycle hooks:
 * <ul>
 * <li>startup: use the listener of the address, opening it unless the previous instance did;</li>
 * <li>restart (a reload begins): remember that the coming shutdown is a reload's;</li>
 * <li>restart failed: this instance goes on, forget it;</li>
 * <li>shutdown after a reload: release the listener, which closes only when the new instance does
 *     not use the address;</li>
 * <li>final shutdown: with {@code lameduck}, answer 503 on {@code /health} and wait the duration,
 *     then close the listener.</li>
 * </ul>
 */
final class Health {

    private final HostPort address;
    private final Duration lameduck;
    private final HealthMetrics metrics;
    private final LogSink sink;
    private HealthServer server;
    private boolean reloading;

    Health(HostPort address, Duration lameduck, HealthMetrics metrics, LogSink sink) {
        this.address = address;
        this.lameduck = lameduck;
        this.metrics = metrics;
        this.sink = sink;
    }

    synchronized void startup() throws IOException {
        reloading = false;
        if (server == null) {
            server = HealthServers.acquire(address, this, metrics, sink);
        }
    }

    synchronized void restart() {
        reloading = true;
    }

    synchronized void restartFailed() {
        reloading = false;
    }

    synchronized void shutdown() {
        if (reloading && server != null) {
            HealthServers.release(address, this);
            server = null;
        }
    }

    void finalShutdown() throws InterruptedException {
        HealthServer s;
        synchronized (this) {
            s = server;
        }
        if (s == null) {
            return;
        }
        if (!lameduck.isZero()) {
            sink.info("Going into lameduck mode for " + Durations.format(lameduck));
            s.lameduck();
            ProcessState.lameduck(true);
            Thread.sleep(lameduck.toMillis(), lameduck.toNanosPart() % 1_000_000);
        }
        synchronized (this) {
            HealthServers.close(address);
            server = null;
        }
    }
}
