package kdns.plugin.standard.endpoint;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One HTTP listener serving a single path (the rest is 404), on {@code com.sun.net.httpserver}
 * with its own small pool of daemon threads.
 */
public final class HttpEndpoint {

    private static final AtomicInteger THREADS = new AtomicInteger();

    private final HttpServer server;
    private final ExecutorService executor;

    private HttpEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Opens the listener on {@code address} and serves {@code path} with {@code handler}.
     *
     * @throws IOException when the address cannot be bound
     */
    public static HttpEndpoint start(InetSocketAddress address, String path, HttpHandler handler, String name)
            throws IOException {
        HttpServer server = HttpServer.create(address, 64);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "kdns-" + name + "-http-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.createContext("/", exchange -> {
            try (exchange) {
                drain(exchange);
                if (!path.equals(exchange.getRequestURI().getPath())) {
                    respond(exchange, 404, "404 page not found\n");
                    return;
                }
                handler.handle(exchange);
            }
        });
        server.setExecutor(executor);
        server.start();
        return new HttpEndpoint(server, executor);
    }

    private static void drain(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    /** Sends {@code status} with a plain-text body. */
    public static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Closes the listener at once and stops its threads. */
    public void stop() {
        server.stop(0);
        executor.shutdownNow();
    }
}
