package kdns.testing.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A small raw HTTP client for the fake API server's wire-level tests. */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    record Reply(int code, JsonNode body, HttpResponse<String> raw) {}

    private Http() {}

    static Reply send(FakeApiServer api, String method, String path, String body, String contentType)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.url() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n = r.body().isEmpty() ? null : JSON.readTree(r.body());
        return new Reply(r.statusCode(), n, r);
    }

    static Reply get(FakeApiServer api, String path) throws IOException, InterruptedException {
        return send(api, "GET", path, null, null);
    }

    /** A watch stream read by a background thread; events are parsed lines. */
    static final class WatchStream implements AutoCloseable {
        private static final JsonNode END = JSON.createObjectNode().put("type", "__END__");
        private static final JsonNode BROKEN = JSON.createObjectNode().put("type", "__BROKEN__");
        final int code;
        final String contentType;
        private final InputStream in;
        private final LinkedBlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();

        WatchStream(FakeApiServer api, String path) throws IOException, InterruptedException {
            HttpRequest req = HttpRequest.newBuilder(URI.create(api.url() + path)).GET().build();
            HttpResponse<InputStream> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofInputStream());
            code = r.statusCode();
            contentType = r.headers().firstValue("Content-Type").orElse("");
            in = r.body();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader br = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = br.readLine()) != null) {
                        events.add(JSON.readTree(line));
                    }
                    events.add(END);
                } catch (IOException e) {
                    events.add(BROKEN);
                }
            });
        }

        /** The next event, or null when none came within the timeout. */
        JsonNode next(Duration timeout) throws InterruptedException {
            JsonNode n = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return n;
        }

        /** Skips BOOKMARK events. */
        JsonNode nextChange(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                JsonNode n = events.poll(left, TimeUnit.NANOSECONDS);
                if (n == null || !"BOOKMARK".equals(n.path("type").asText())) {
                    return n;
                }
            }
        }

        static boolean isEnd(JsonNode n) {
            return n == END;
        }

        static boolean isBroken(JsonNode n) {
            return n == BROKEN;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
