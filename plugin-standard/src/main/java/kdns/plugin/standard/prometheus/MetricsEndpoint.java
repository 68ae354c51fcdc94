package kdns.plugin.standard.prometheus;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import kdns.plugin.standard.endpoint.HostPort;
import kdns.plugin.standard.endpoint.HttpEndpoint;

/**
 * The {@code /metrics} listener of one address, process wide: opened by the first block that
 * names the address, shared by every block (of this instance and the next one after a reload)
 * that names it, closed when the last of them stops. {@code GET /metrics} answers the registry
 * in the Prometheus text format (version 0.0.4).
 */
final class MetricsEndpoint {

    private static final Map<String, MetricsEndpoint> OPEN = new HashMap<>();
    private static final PrometheusTextFormatWriter FORMAT = PrometheusTextFormatWriter.create();

    private final HostPort address;
    private final Set<Object> owners = Collections.newSetFromMap(new IdentityHashMap<>());
    private volatile PrometheusRegistry registry;
    private HttpEndpoint http;

    private MetricsEndpoint(HostPort address, PrometheusRegistry registry) {
        this.address = address;
        this.registry = registry;
    }

    /**
     * Uses the listener of {@code address} for {@code owner}, opening it when nobody does.
     *
     * @throws IOException when the address cannot be bound
     */
    static synchronized MetricsEndpoint acquire(HostPort address, Object owner, PrometheusRegistry registry)
            throws IOException {
        MetricsEndpoint ep = OPEN.get(address.key());
        if (ep == null) {
            ep = new MetricsEndpoint(address, registry);
            try {
                ep.http = HttpEndpoint.start(address.bindAddress(), "/metrics", ep::handle, "prometheus");
            } catch (IOException | RuntimeException e) {
                throw new IOException("Failed to start metrics handler: listen tcp " + address + ": "
                        + e.getMessage(), e);
            }
            OPEN.put(address.key(), ep);
        }
        ep.registry = registry;
        ep.owners.add(owner);
        return ep;
    }

    /** Drops {@code owner}'s use of the listener of {@code address}; the last one closes it. */
    static synchronized void release(HostPort address, Object owner) {
        MetricsEndpoint ep = OPEN.get(address.key());
        if (ep == null || !ep.owners.remove(owner)) {
            return;
        }
        if (ep.owners.isEmpty()) {
            OPEN.remove(address.key());
            ep.http.stop();
        }
    }

    /** The listener open on {@code address}, or null. */
    static synchronized MetricsEndpoint get(HostPort address) {
        return OPEN.get(address.key());
    }

    HostPort address() {
        return address;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            HttpEndpoint.respond(exchange, 405, "Method Not Allowed\n");
            return;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(16384);
        FORMAT.write(body, registry.scrape());
        exchange.getResponseHeaders().set("Content-Type", FORMAT.getContentType());
        if (method.equals("HEAD")) {
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        exchange.sendResponseHeaders(200, body.size());
        try (OutputStream out = exchange.getResponseBody()) {
            body.writeTo(out);
        }
    }
}
