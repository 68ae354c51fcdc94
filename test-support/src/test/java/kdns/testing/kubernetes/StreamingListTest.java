package kdns.testing.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streaming lists (KEP-3157, {@code sendInitialEvents=true}) in each of the fake's
 * {@link FakeApiServer.WatchListSupport} behaviours, spoken with a plain HTTP client. Waits are
 * bounded reads of events that must come; nothing asserts that an event does not come in time.
 */
@Timeout(60)
class StreamingListTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String STREAM = "/api/v1/services?watch=true&allowWatchBookmarks=true"
            + "&sendInitialEvents=true&resourceVersionMatch=NotOlderThan";
    private FakeApiServer api;

    @BeforeEach
    void start() {
        api = FakeApiServer.start();
        api.create(KubeObjects.namespace("ns1").build());
        api.create(KubeObjects.service("ns1", "a").clusterIP("10.0.0.1").port("http", "TCP", 80).build());
        api.create(KubeObjects.service("ns1", "b").clusterIP("10.0.0.2").port("http", "TCP", 80).build());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** The events up to and including the first BOOKMARK. */
    private static List<JsonNode> untilBookmark(Http.WatchStream w) throws InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        while (true) {
            JsonNode e = w.next(WAIT);
            assertNotNull(e, "an event within " + WAIT + " after " + out);
            out.add(e);
            if ("BOOKMARK".equals(e.path("type").asText())) {
                return out;
            }
        }
    }

    private static String endAnnotation(JsonNode bookmark) {
        return bookmark.at("/object/metadata/annotations/k8s.io~1initial-events-end").asText(null);
    }

    @Test
    void supportedByDefault_initialAddedEventsThenTheAnnotatedBookmarkThenLiveEvents() throws Exception {
        assertEquals(FakeApiServer.WatchListSupport.SUPPORTED, api.watchList());
        long rv = api.resourceVersion();
        try (Http.WatchStream w = new Http.WatchStream(api, STREAM)) {
            assertEquals(200, w.code);
            List<JsonNode> events = untilBookmark(w);
            assertEquals(3, events.size(), events.toString());
            assertEquals(List.of("ADDED:a", "ADDED:b"), events.subList(0, 2).stream()
                    .map(e -> e.get("type").asText() + ":" + e.at("/object/metadata/name").asText()).sorted().toList());
            JsonNode end = events.get(2);
            assertEquals("true", endAnnotation(end));
            assertEquals("Service", end.at("/object/kind").asText());
            assertEquals(Long.toString(rv), end.at("/object/metadata/resourceVersion").asText(), "the list's version");
            api.create(KubeObjects.service("ns1", "c").clusterIP("10.0.0.3").port("http", "TCP", 80).build());
            JsonNode live = w.nextChange(WAIT);
            assertEquals("ADDED", live.get("type").asText());
            assertEquals("c", live.at("/object/metadata/name").asText());
        }
        assertEquals(1, api.countStreamingLists("/api/v1/services"));
        assertEquals(1, api.countRequests("/api/v1/services", true));
        assertEquals(0, api.countRequests("/api/v1/services", false));
    }

    @Test
    void aStreamingListFromAnOldVersionSendsTheCurrentStateNot410() throws Exception {
        long old = api.resourceVersion();
        api.delete("services", "ns1", "a");
        ObjectNode b = api.get("services", "ns1", "b").orElseThrow();
        ((ObjectNode) b.get("metadata")).putObject("labels").put("x", "y");
        api.update("services", b);
        api.compact();
        try (Http.WatchStream w = new Http.WatchStream(api, STREAM + "&resourceVersion=" + old)) {
            List<JsonNode> events = untilBookmark(w);
            assertEquals(2, events.size(), events.toString());
            assertEquals("ADDED", events.get(0).get("type").asText());
            assertEquals("y", events.get(0).at("/object/metadata/labels/x").asText());
            assertEquals(Long.toString(api.resourceVersion()), events.get(1).at("/object/metadata/resourceVersion").asText());
            assertEquals("true", endAnnotation(events.get(1)));
        }
    }

    @Test
    void optionsAreCheckedAsKubeApiserverChecksThem() throws Exception {
        Http.Reply noMatch = Http.get(api, "/api/v1/services?watch=true&allowWatchBookmarks=true&sendInitialEvents=true");
        assertEquals(422, noMatch.code());
        assertEquals("ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents"
                + " requires setting resourceVersionMatch to NotOlderThan", noMatch.body().get("message").asText());
        assertEquals("Invalid", noMatch.body().get("reason").asText());
        assertEquals("ListOptions", noMatch.body().at("/details/kind").asText());
        Http.Reply noBookmarks = Http.get(api, "/api/v1/services?watch=true&sendInitialEvents=true"
                + "&resourceVersionMatch=NotOlderThan");
        assertEquals(422, noBookmarks.code());
        assertTrue(noBookmarks.body().get("message").asText().contains("allowWatchBookmarks"), noBookmarks.body().toString());
        Http.Reply matchAlone = Http.get(api, "/api/v1/services?watch=true&resourceVersionMatch=NotOlderThan&resourceVersion=1");
        assertEquals(422, matchAlone.code());
        assertTrue(matchAlone.body().get("message").asText()
                .contains("resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"));
        assertEquals(3, api.countRequests("/api/v1/services", true));
        assertEquals(2, api.countStreamingLists("/api/v1/services"));
    }

    @Test
    void rejectedAs422WithTheFeatureGateOff() throws Exception {
        api.setWatchList(FakeApiServer.WatchListSupport.REJECTED);
        Http.Reply r = Http.get(api, STREAM);
        assertEquals(422, r.code());
        assertEquals("ListOptions.meta.k8s.io \"\" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is"
                + " forbidden for watch unless the WatchList feature gate is enabled", r.body().get("message").asText());
        assertEquals("sendInitialEvents", r.body().at("/details/causes/0/field").asText());
        assertEquals("FieldValueForbidden", r.body().at("/details/causes/0/reason").asText());
        try (Http.WatchStream plain = new Http.WatchStream(api, "/api/v1/services?watch=true&allowWatchBookmarks=true")) {
            assertEquals("ADDED", plain.next(WAIT).get("type").asText(), "a plain watch is served as ever");
        }
        assertEquals(1, api.countStreamingLists("/api/v1/services"));
        assertEquals(2, api.countRequests("/api/v1/services", true));
    }

    @Test
    void rejectedAs400() throws Exception {
        api.setWatchList(FakeApiServer.WatchListSupport.BAD_REQUEST);
        Http.Reply r = Http.get(api, STREAM);
        assertEquals(400, r.code());
        assertEquals("BadRequest", r.body().get("reason").asText());
        assertTrue(r.body().get("message").asText().contains("sendInitialEvents"), r.body().toString());
    }

    @Test
    void ignoredAsAPlainWatch() throws Exception {
        api.setWatchList(FakeApiServer.WatchListSupport.IGNORED);
        api.setBookmarkInterval(Duration.ofMillis(100));
        try (Http.WatchStream w = new Http.WatchStream(api, STREAM)) {
            assertEquals(200, w.code);
            List<JsonNode> events = untilBookmark(w);
            assertEquals(3, events.size(), "the current state as a plain watch sends it, then a regular bookmark: " + events);
            assertEquals("ADDED", events.get(0).get("type").asText());
            assertEquals("ADDED", events.get(1).get("type").asText());
            assertEquals(null, endAnnotation(events.get(2)), "never the initial-events-end bookmark");
        }
        long rv = api.resourceVersion();
        api.delete("services", "ns1", "a");
        try (Http.WatchStream w = new Http.WatchStream(api, STREAM + "&resourceVersion=" + rv)) {
            JsonNode e = w.nextChange(WAIT);
            assertEquals("DELETED", e.get("type").asText(), "from a version: the history after it, as a plain watch");
        }
        assertEquals(2, api.countStreamingLists("/api/v1/services"));
    }

    @Test
    void theInitialEventsEndCanBeHeldBack() throws Exception {
        api.holdInitialEventsEnd();
        try (Http.WatchStream w = new Http.WatchStream(api, STREAM)) {
            assertEquals("ADDED", w.next(WAIT).get("type").asText());
            assertEquals("ADDED", w.next(WAIT).get("type").asText());
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (api.heldInitialEventsEnds() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, api.heldInitialEventsEnds());
            // a change while held queues behind the bookmark
            long listVersion = api.resourceVersion();
            api.create(KubeObjects.service("ns1", "c").clusterIP("10.0.0.3").port("http", "TCP", 80).build());
            api.releaseInitialEventsEnd();
            JsonNode end = w.next(WAIT);
            assertEquals("BOOKMARK", end.get("type").asText(), end.toString());
            assertEquals("true", endAnnotation(end));
            assertEquals(Long.toString(listVersion), end.at("/object/metadata/resourceVersion").asText());
            JsonNode live = w.next(WAIT);
            assertEquals("ADDED", live.get("type").asText());
            assertEquals("c", live.at("/object/metadata/name").asText());
        }
        assertEquals(0, api.heldInitialEventsEnds());

        api.holdInitialEventsEnd();
        try (Http.WatchStream w = new Http.WatchStream(api, STREAM)) {
            assertEquals("ADDED", w.next(WAIT).get("type").asText());
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (api.heldInitialEventsEnds() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            api.endAllWatches();
            JsonNode n;
            do {
                n = w.next(WAIT);
                assertNotNull(n);
            } while ("ADDED".equals(n.path("type").asText()));
            assertTrue(Http.WatchStream.isEnd(n), "a held stream that is ended ends without its bookmark: " + n);
        } finally {
            api.releaseInitialEventsEnd();
        }
        assertFalse(api.heldInitialEventsEnds() > 0);
    }
}
