package kdns.plugin.standard.ready;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import kdns.api.Instance;
import kdns.plugin.standard.endpoint.HostPort;
import kdns.plugin.standard.endpoint.HttpEndpoint;
import kdns.plugin.standard.process.ProcessState;
import kdns.plugin.standard.telemetry.LogSink;

/**
 * The {@code /ready} listener of one address in one instance, shared by every block that names
 * the address. {@code GET /ready}: {@code 200 OK} when every {@link kdns.api.Readiness} handler of
 * the instance is ready, else 503 with the names of those that are not; 503
 * {@code Shutting down} while the process is in lame-duck mode or the listener is closing.
 */
final class ReadyEndpoint {

    private final HostPort address;
    private final Instance instance;
    private final LogSink sink;
    private volatile boolean continuously;
    private HttpEndpoint http;
    private ReadinessList list;

    ReadyEndpoint(HostPort address, Instance instance, LogSink sink) {
        this.address = address;
        this.instance = instance;
        this.sink = sink;
    }

    /** Asks plugins on every request, not only until they first report ready. */
    void monitorContinuously() {
        continuously = true;
    }

    /** Opens the listener (no-op when open) and collects the instance's readiness handlers. */
    synchronized void start() throws IOException {
        if (http != null) {
            return;
        }
        list = ReadinessList.of(instance.handlers(), continuously);
        try {
            http = HttpEndpoint.start(address.bindAddress(), "/ready", this::handle, "ready");
        } catch (IOException | RuntimeException e) {
            throw new IOException("ready: cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    /** Closes the listener (no-op when closed). */
    synchronized void stop() {
        if (http == null) {
            return;
        }
        http.stop();
        http = null;
    }

    private void handle(HttpExchange exchange) throws IOException {
        ReadinessList l;
        synchronized (this) {
            l = http == null ? null : list;
        }
        if (l == null || ProcessState.lameduck()) {
            HttpEndpoint.respond(exchange, 503, "Shutting down");
            return;
        }
        String notReady = l.notReady();
        if (notReady == null) {
            HttpEndpoint.respond(exchange, 200, "OK");
            return;
        }
        sink.info("Plugins not ready: \"" + notReady + "\"");
        HttpEndpoint.respond(exchange, 503, notReady);
    }
}
