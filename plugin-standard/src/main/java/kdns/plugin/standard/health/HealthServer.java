package kdns.plugin.standard.health;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import kdns.api.text.Durations;
import kdns.plugin.standard.endpoint.HostPort;
import kdns.plugin.standard.endpoint.HttpEndpoint;
import kdns.plugin.standard.telemetry.LogSink;

/**
 * The listener of one health address: {@code GET /health} answers {@code 200 OK}, or
 * {@code 503 Service Unavailable} once lame-duck mode started. Once per second it requests its own
 * endpoint and records how long that took ({@code coredns_health_request_duration_seconds}) and
 * whether it failed ({@code coredns_health_request_failures_total}).
 */
final class HealthServer {

    /** How long one self-check may take before it counts as failed. */
    static final int SELF_CHECK_TIMEOUT_MS = 3000;

    private volatile HttpEndpoint endpoint;
    private final ScheduledExecutorService checker;
    private final HealthMetrics metrics;
    private final LogSink sink;
    private final String url;
    /** The per-instance {@link Health} objects using this listener (identity). */
    final Set<Object> owners = Collections.newSetFromMap(new IdentityHashMap<>());
    private volatile boolean lameduck;

    private HealthServer(HostPort address, HealthMetrics metrics, LogSink sink) {
        this.metrics = metrics;
        this.sink = sink;
        this.url = address.url("/health");
        this.checker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kdns-health-check-" + address.port());
            t.setDaemon(true);
            return t;
        });
    }

    static HealthServer open(HostPort address, HealthMetrics metrics, LogSink sink) throws IOException {
        HealthServer s = new HealthServer(address, metrics, sink);
        try {
            s.endpoint = HttpEndpoint.start(address.bindAddress(), "/health", s::handle, "health");
        } catch (IOException | RuntimeException e) {
            s.checker.shutdownNow();
            throw new IOException("health: cannot listen on " + address + ": " + e.getMessage(), e);
        }
        s.checker.scheduleAtFixedRate(s::selfCheck, 1, 1, TimeUnit.SECONDS);
        return s;
    }

    private void handle(HttpExchange exchange) throws IOException {
        if (lameduck) {
            HttpEndpoint.respond(exchange, 503, "Service Unavailable");
        } else {
            HttpEndpoint.respond(exchange, 200, "OK");
        }
    }

    /** One self-check: GET {@code /health} without a proxy, as a client would. */
    void selfCheck() {
        long start = System.nanoTime();
        try {
            HttpURLConnection conn = (HttpURLConnection) URI.create(url).toURL().openConnection(Proxy.NO_PROXY);
            conn.setConnectTimeout(SELF_CHECK_TIMEOUT_MS);
            conn.setReadTimeout(SELF_CHECK_TIMEOUT_MS);
            conn.getResponseCode();
            InputStream body = conn.getErrorStream() != null ? conn.getErrorStream() : conn.getInputStream();
            try (body) {
                body.transferTo(OutputStream.nullOutputStream());
            }
            long elapsed = System.nanoTime() - start;
            metrics.duration().observe(elapsed / 1e9);
            if (elapsed > 1_000_000_000L) {
                sink.warning("Local health request to \"" + url + "\" took more than 1s: " + Durations.format(elapsed));
            }
        } catch (IOException | RuntimeException e) {
            metrics.duration().observe((System.nanoTime() - start) / 1e9);
            metrics.failures().inc();
            sink.warning("Local health request to \"" + url + "\" failed: " + e);
        }
    }

    /** Starts lame-duck mode: {@code /health} answers 503 from now on. */
    void lameduck() {
        lameduck = true;
    }

    synchronized void close() {
        checker.shutdownNow();
        endpoint.stop();
    }
}
