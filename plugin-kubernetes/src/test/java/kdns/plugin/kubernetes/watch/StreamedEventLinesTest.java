package kdns.plugin.kubernetes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kdns.api.Log;
import kdns.host.metrics.PrometheusMetrics;
import kdns.plugin.kubernetes.KubernetesConfig;
import kdns.plugin.kubernetes.KubernetesDirective;
import kdns.plugin.kubernetes.model.Fields;
import kdns.testing.TestController;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.Okio;
import okio.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link PagedListerWatcher} reading a streaming list and the watch it goes on as from a response
 * written here byte for byte and delivered in pieces of a few bytes up to all at once (events and
 * UTF-8 characters split across reads): events read the direct way (kdns's own reader) and the
 * ones it declines, before and after each other (the tree way, through the model), blank lines
 * and CR LF, blanks after an event, the end bookmark, the hand-over to the watch, MODIFIED and
 * DELETED, 410 Gone as an ERROR event; and an event with anything after its object on its line,
 * which is no event (as before: the list fails, the watch ends).
 */
@Timeout(60)
class StreamedEventLinesTest {

    private final List<Throwable> failures = new ArrayList<>();

    /** A source of {@code bytes} handing out at most {@code chunk} bytes per read. */
    private static Source chunked(byte[] bytes, int chunk) {
        Buffer all = new Buffer().write(bytes);
        return new Source() {
            @Override
            public long read(Buffer sink, long byteCount) {
                if (all.size() == 0) {
                    return -1;
                }
                return all.read(sink, Math.min(byteCount, chunk));
            }

            @Override
            public okio.Timeout timeout() {
                return okio.Timeout.NONE;
            }

            @Override
            public void close() {
            }
        };
    }

    /** A lister-watcher of Services whose every request is answered with {@code stream}. */
    private PagedListerWatcher<V1Service> lister(String stream, int chunk) throws Exception {
        KubernetesConfig config = KubernetesDirective.parse(
                TestController.of("kubernetes cluster.local {\n endpoint http://127.0.0.1:9\n}"));
        ApiConnection plain = ApiConnection.create(config.connection(), new PrometheusMetrics(),
                ApiConnection.userAgent("kdns-0.0.0", "kubernetes"));
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        ApiConnection connection = plain.withHttpClient(plain.http().newBuilder()
                .addInterceptor(chain -> new Response.Builder().request(chain.request()).protocol(Protocol.HTTP_1_1)
                        .code(200).message("OK")
                        .body(ResponseBody.create(Okio.buffer(chunked(bytes, chunk)),
                                MediaType.get("application/json"), -1))
                        .build())
                .build());
        return new PagedListerWatcher<>(connection, "services",
                (rv, limit, token) -> {
                    throw new AssertionError("no paged list");
                },
                p -> connection.http().newCall(
                        new Request.Builder().url("http://127.0.0.1:9/api/v1/services?watch=true").build()),
                // which way each object came: kdns's reader ("read") or the model ("model")
                SlimInformers.model(V1Service.class, ObjectReader.SERVICE,
                        (Fields.Service s) -> "read " + s.meta().name()),
                s -> "model " + s.getMetadata().getName(),
                (cls, t) -> failures.add(t), Log.forPlugin("kubernetes"), new SlimStore());
    }

    private static String service(String name, String rv, String ports) {
        return """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"%s","namespace":"ns","resourceVersion":"%s"},\
                "spec":{"type":"ClusterIP","clusterIP":"10.0.1.1","ports":%s}}""".formatted(name, rv, ports);
    }

    private static String event(String type, String object) {
        return "{\"type\":\"" + type + "\",\"object\":" + object + "}";
    }

    private static final String PORTS = "[{\"name\":\"http\",\"protocol\":\"TCP\",\"port\":80}]";
    private static final String END = """
            {"type":"BOOKMARK","object":{"kind":"Service","apiVersion":"v1","metadata":{"resourceVersion":"20",\
            "annotations":{"k8s.io/initial-events-end":"true"}}}}""";

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 100, 1 << 20})
    void eventsSplitAcrossReadsDeclinedOrNotReadAsBefore(int chunk) throws Exception {
        String stream = event("ADDED", service("a", "11", PORTS)) + "\n"
                + "\r\n"
                // ports as a number: kdns's reader declines it half-way, the model rejects it (absent)
                + event("ADDED", service("bad", "12", "7")) + "\n"
                // declined again, as a number where a string belongs, which the model takes as its text
                + event("ADDED", service("odd", "13", "[{\"name\":5,\"port\":53}]")) + "\r\n"
                + event("ADDED", service("é-c", "14", PORTS)) + "\n"
                + END + "\n"
                + event("MODIFIED", service("a", "21", PORTS)) + "  \t\n"
                + event("ADDED", service("bad2", "22", "\"x\"")) + "\n"
                + event("DELETED", service("é-c", "23", PORTS)) + "\n"
                + event("ERROR", "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":410,"
                        + "\"reason\":\"Expired\",\"message\":\"too old resource version\"}") + "\n";
        PagedListerWatcher<V1Service> lw = lister(stream, chunk);
        SlimList list = lw.list(new CallGeneratorParams(Boolean.FALSE, "0", null));
        assertEquals("20", list.getMetadata().getResourceVersion());
        List<String> got = new ArrayList<>();
        for (SlimObject o : list.getItems()) {
            got.add(o.getMetadata().getName() + "@" + o.getMetadata().getResourceVersion() + " " + o.payload());
        }
        assertEquals(List.of("a@11 read a", "bad@12 null", "odd@13 model odd", "é-c@14 read é-c"), got);

        try (Watchable<SlimObject> watch = lw.watch(new CallGeneratorParams(Boolean.TRUE, "20", 300))) {
            List<String> events = new ArrayList<>();
            Watch.Response<SlimObject> e = null;
            while (watch.hasNext()) {
                e = watch.next();
                if (e.object != null) {
                    events.add(e.type + " " + e.object.getMetadata().getName() + " " + e.object.payload());
                }
            }
            assertEquals(List.of("MODIFIED a read a", "ADDED bad2 null", "DELETED é-c read é-c"), events);
            assertEquals("ERROR", e.type);
            assertEquals(410, ((V1Status) e.status).getCode());
        }
        assertTrue(failures.isEmpty(), failures.toString());
    }

    /** The failure of the line of Service b, which quotes the line. */
    private static final String UNDECODABLE_B = "undecodable watch event: {\"type\":\"ADDED\",\"object\":{"
            + "\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"b\"";

    @ParameterizedTest
    @ValueSource(strings = {" {}", "}", "{\"type\":\"ADDED\"}", "1", " x"})
    void anEventWithMoreAfterItsObjectOnItsLineFailsTheListAsBefore(String after) throws Exception {
        String stream = event("ADDED", service("a", "11", PORTS)) + "\n"
                + event("ADDED", service("b", "12", PORTS)) + after + "\n"
                + END + "\n";
        PagedListerWatcher<V1Service> lw = lister(stream, 7);
        ApiException e = assertThrows(ApiException.class,
                () -> lw.list(new CallGeneratorParams(Boolean.FALSE, "0", null)));
        // client-java's message: "Message: " and ours, then the HTTP fields
        assertTrue(e.getMessage().contains(UNDECODABLE_B), e.getMessage());
        assertEquals(List.of(e), failures);
    }

    @Test
    void aWatchEventWithMoreAfterItsObjectOnItsLineEndsTheWatch() throws Exception {
        String stream = END + "\n"
                + event("ADDED", service("a", "21", PORTS)) + "\n"
                + event("ADDED", service("b", "22", PORTS)) + "{}\n"
                + event("ADDED", service("c", "23", PORTS)) + "\n";
        PagedListerWatcher<V1Service> lw = lister(stream, 5);
        assertEquals(List.of(), lw.list(new CallGeneratorParams(Boolean.FALSE, "0", null)).getItems());
        try (Watchable<SlimObject> watch = lw.watch(new CallGeneratorParams(Boolean.TRUE, "20", 300))) {
            assertTrue(watch.hasNext());
            assertEquals("read a", watch.next().object.payload());
            assertFalse(watch.hasNext(), "the watch ends at the undecodable line");
        }
        assertEquals(1, failures.size());
        assertTrue(failures.get(0).getMessage().contains(UNDECODABLE_B), failures.get(0).getMessage());
    }
}
