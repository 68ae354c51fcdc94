package kdns.plugin.kubernetes.watch;

import static kdns.testing.Polling.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import kdns.api.Log;
import kdns.host.metrics.PrometheusMetrics;
import kdns.plugin.kubernetes.KubernetesConfig;
import kdns.plugin.kubernetes.KubernetesDirective;
import kdns.plugin.kubernetes.KubernetesPlugin;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.plugin.kubernetes.spi.WatchCalls;
import kdns.testing.TestController;
import kdns.testing.kubernetes.FakeApiServer;
import kdns.testing.kubernetes.KubeObjects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link PagedListerWatcher}'s streaming lists against the fake API server, one list or watch at a
 * time (no informer), and an informer's readiness: the list is the streaming list up to its
 * initial-events-end bookmark, whose open stream the next watch reads on; a server that refuses
 * (422/400) or ignores {@code sendInitialEvents} is listed in pages, and remembered; a gone
 * resource version streams the current state; a transient failure fails that one list only.
 * Waits are bounded polls or reads of events that must come.
 */
@Timeout(60)
class StreamingListerWatcherTest {

    private static final String SERVICES = "/api/v1/services";
    private FakeApiServer api;
    private PrometheusMetrics metrics;
    private ApiConnection connection;
    private final List<Throwable> failures = new ArrayList<>();
    private long silence;

    @BeforeEach
    void start() throws Exception {
        silence = PagedListerWatcher.initialEventsSilenceMillis;
        api = FakeApiServer.start();
        api.create(KubeObjects.parse("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"ns\"}}"));
        api.create(KubeObjects.parse(service("a", "10.0.1.1")));
        api.create(KubeObjects.parse(service("b", "10.0.1.2")));
        metrics = new PrometheusMetrics();
        KubernetesConfig config = KubernetesDirective.parse(
                TestController.of("kubernetes cluster.local {\n endpoint " + api.url() + "\n}"));
        connection = ApiConnection.create(config.connection(), metrics, ApiConnection.userAgent("kdns-0.0.0", "kubernetes"));
    }

    @AfterEach
    void stop() {
        PagedListerWatcher.initialEventsSilenceMillis = silence;
        api.close();
    }

    private static String service(String name, String ip) {
        return """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"%s","namespace":"ns"},
                 "spec":{"type":"ClusterIP","clusterIP":"%s","clusterIPs":["%s"],
                         "ports":[{"name":"http","protocol":"TCP","port":80}]}}""".formatted(name, ip, ip);
    }

    private PagedListerWatcher<V1Service> servicesLister() {
        return new PagedListerWatcher<>(connection, "services",
                WatchCalls.pages(connection, "/api/v1/services", null, null),
                WatchCalls.watch(connection, "/api/v1/services", null, null),
                SlimInformers.model(V1Service.class), s -> s.getMetadata().getName(),
                (cls, t) -> failures.add(t), Log.forPlugin("kubernetes"), new SlimStore());
    }

    private static CallGeneratorParams listFrom(String rv) {
        return new CallGeneratorParams(Boolean.FALSE, rv, null);
    }

    private static List<String> names(SlimList list) {
        return list.getItems().stream().map(o -> o.getMetadata().getName()).sorted().toList();
    }

    private double counter(String name, String... labels) {
        double sum = 0;
        for (var s : metrics.prometheus().scrape()) {
            if (!s.getMetadata().getName().equals(name)
                    || !(s instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot cs)) {
                continue;
            }
            points:
            for (var d : cs.getDataPoints()) {
                for (int i = 0; i < labels.length; i += 2) {
                    if (!labels[i + 1].equals(d.getLabels().get(labels[i]))) {
                        continue points;
                    }
                }
                sum += d.getValue();
            }
        }
        return sum;
    }

    @Test
    void eventsAreDecodedStraightIntoTheModelAndAnObjectItCannotTakeIsKeptAsAbsent() throws Exception {
        // "ports" not a list: the model cannot take it, so the line goes the way of the JSON tree
        // (the object is listed, with nothing kdns made of it) and the others are decoded directly.
        api.create(KubeObjects.parse("""
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"bad","namespace":"ns"},
                 "spec":{"type":"ClusterIP","clusterIP":"10.0.1.3","ports":"not a list"}}"""));
        PagedListerWatcher<V1Service> lw = servicesLister();
        SlimList list = lw.list(listFrom("0"));
        assertEquals(List.of("a", "b", "bad"), names(list));
        for (SlimObject o : list.getItems()) {
            assertEquals("ns", o.getMetadata().getNamespace());
            assertNotNull(o.getMetadata().getResourceVersion());
            assertEquals(o.getMetadata().getName().equals("bad") ? null : o.getMetadata().getName(), o.payload());
        }
        try (Watchable<SlimObject> watch = lw.watch(new CallGeneratorParams(Boolean.TRUE,
                list.getMetadata().getResourceVersion(), 300))) {
            api.create(KubeObjects.parse(service("c", "10.0.1.4")));
            Watch.Response<SlimObject> added = watch.next();
            assertEquals("ADDED", added.type);
            assertEquals("c", added.object.payload());
            assertEquals("ns", added.object.getMetadata().getNamespace());
        }
    }

    @Test
    void theStreamingListIsOneWatchThatGoesOnAsTheWatch() throws Exception {
        PagedListerWatcher<V1Service> lw = servicesLister();
        long rv = api.resourceVersion();
        SlimList list = lw.list(listFrom("0"));
        assertEquals(List.of("a", "b"), names(list));
        assertEquals(Long.toString(rv), list.getMetadata().getResourceVersion(), "the bookmark's version");
        assertEquals(1, api.countStreamingLists(SERVICES));
        assertEquals(0, api.countRequests(SERVICES, false));
        assertTrue(api.requests().stream().filter(r -> r.contains("sendInitialEvents=true"))
                .allMatch(r -> r.contains("resourceVersionMatch=NotOlderThan") && r.contains("allowWatchBookmarks=true")
                        && !r.contains("resourceVersion=")), "from the current state: " + api.requests());
        assertEquals(0.0, counter("kdns_kubernetes_api_list", "resource", "services"));
        assertEquals(1.0, counter("kdns_kubernetes_api_watch", "resource", "services"));
        assertEquals(2.0, counter("kdns_kubernetes_api_watch_events", "resource", "services", "type", "ADDED"));
        assertEquals(1.0, counter("kdns_kubernetes_api_watch_events", "resource", "services", "type", "BOOKMARK"));

        try (Watchable<SlimObject> w = lw.watch(new CallGeneratorParams(Boolean.TRUE, list.getMetadata().getResourceVersion(), 300))) {
            api.create(KubeObjects.parse(service("c", "10.0.1.3")));
            assertTrue(w.hasNext());
            Watch.Response<SlimObject> e = w.next();
            assertEquals("ADDED", e.type);
            assertEquals("c", e.object.getMetadata().getName());
        }
        assertEquals(1, api.countRequests(SERVICES, true), "the watch read on the streaming list's stream");
        assertEquals(1.0, counter("kdns_kubernetes_api_watch", "resource", "services"));
        assertTrue(failures.isEmpty(), failures.toString());
    }

    @Test
    void aWatchFromAnotherVersionIsANewRequest() throws Exception {
        PagedListerWatcher<V1Service> lw = servicesLister();
        SlimList list = lw.list(listFrom("0"));
        String other = Long.toString(Long.parseLong(list.getMetadata().getResourceVersion()) - 1);
        try (Watchable<SlimObject> w = lw.watch(new CallGeneratorParams(Boolean.TRUE, other, 300))) {
            assertTrue(w.hasNext());
            Watch.Response<SlimObject> e = w.next();
            assertEquals("ADDED", e.type);
            assertEquals("b", e.object.getMetadata().getName(), "the history after that version, replayed");
        }
        assertEquals(2, api.countRequests(SERVICES, true));
        assertEquals(1, api.countStreamingLists(SERVICES));
    }

    @Test
    void refusedWith422OrWith400TheListIsPagedAndStaysSo() throws Exception {
        for (FakeApiServer.WatchListSupport refusal : List.of(FakeApiServer.WatchListSupport.REJECTED,
                FakeApiServer.WatchListSupport.BAD_REQUEST)) {
            api.setWatchList(refusal);
            KubernetesConfig config = KubernetesDirective.parse(
                    TestController.of("kubernetes cluster.local {\n endpoint " + api.url() + "\n}"));
            connection = ApiConnection.create(config.connection(), metrics, ApiConnection.userAgent("kdns-0.0.0", "kubernetes"));
            int streams = api.countStreamingLists(SERVICES);
            int lists = api.countRequests(SERVICES, false);
            PagedListerWatcher<V1Service> lw = servicesLister();
            assertEquals(List.of("a", "b"), names(lw.list(listFrom("0"))), refusal.toString());
            assertEquals(streams + 1, api.countStreamingLists(SERVICES), refusal.toString());
            assertEquals(lists + 1, api.countRequests(SERVICES, false), refusal.toString());
            assertNotNull(connection.notStreamed("services"), refusal.toString());
            assertTrue(connection.notStreamed("services").contains(refusal == FakeApiServer.WatchListSupport.REJECTED
                    ? "HTTP 422" : "HTTP 400"), connection.notStreamed("services"));

            // remembered, also by another informer of the same resource on this connection
            assertEquals(List.of("a", "b"), names(servicesLister().list(listFrom(""))));
            assertEquals(streams + 1, api.countStreamingLists(SERVICES), "not asked again: " + refusal);
            assertEquals(lists + 2, api.countRequests(SERVICES, false));
        }
        assertEquals(2.0, counter("kdns_kubernetes_api_watch_ends", "resource", "services", "reason", "unsupported"));
        assertEquals(4.0, counter("kdns_kubernetes_api_list", "resource", "services"));
        assertTrue(failures.isEmpty(), "a refusal is not a failure: " + failures);
    }

    @Test
    void ignoredAndShownByARegularBookmarkTheListIsPaged() throws Exception {
        api.setWatchList(FakeApiServer.WatchListSupport.IGNORED);
        api.setBookmarkInterval(Duration.ofMillis(100));
        PagedListerWatcher.initialEventsSilenceMillis = 600_000;
        SlimList list = servicesLister().list(listFrom("0"));
        assertEquals(List.of("a", "b"), names(list));
        assertEquals(1, api.countStreamingLists(SERVICES));
        assertEquals(1, api.countRequests(SERVICES, false));
        assertTrue(connection.notStreamed("services").contains("a BOOKMARK without k8s.io/initial-events-end"),
                connection.notStreamed("services"));
        assertEquals(1.0, counter("kdns_kubernetes_api_watch_ends", "resource", "services", "reason", "unsupported"));
    }

    @Test
    void ignoredAndShownByAModifiedEventTheListIsPaged() throws Exception {
        api.setWatchList(FakeApiServer.WatchListSupport.IGNORED);
        PagedListerWatcher.initialEventsSilenceMillis = 600_000;
        long rv = api.resourceVersion();
        var b = api.get("services", "ns", "b").orElseThrow();
        ((com.fasterxml.jackson.databind.node.ObjectNode) b.get("metadata")).putObject("labels").put("x", "y");
        api.update("services", b);
        // a streaming list from rv: the server that ignores the parameters replays the history after it
        SlimList list = servicesLister().list(listFrom(Long.toString(rv)));
        assertEquals(List.of("a", "b"), names(list));
        assertEquals(1, api.countStreamingLists(SERVICES));
        assertEquals(1, api.countRequests(SERVICES, false));
        assertTrue(connection.notStreamed("services").contains("a MODIFIED event"), connection.notStreamed("services"));
    }

    @Test
    void ignoredAndSilentTheListIsPagedAfterTheSilenceLimit() throws Exception {
        api.setWatchList(FakeApiServer.WatchListSupport.IGNORED);
        PagedListerWatcher.initialEventsSilenceMillis = 300;
        SlimList list = servicesLister().list(listFrom("0"));
        assertEquals(List.of("a", "b"), names(list));
        assertEquals(1, api.countStreamingLists(SERVICES));
        assertEquals(1, api.countRequests(SERVICES, false));
        assertTrue(connection.notStreamed("services").contains("nothing sent for 300 ms"), connection.notStreamed("services"));
        assertEquals(1.0, counter("kdns_kubernetes_api_watch_ends", "resource", "services", "reason", "unsupported"));
    }

    @Test
    void aGoneVersionStreamsTheCurrentState() throws Exception {
        PagedListerWatcher<V1Service> lw = servicesLister();
        String rv = Long.toString(api.resourceVersion());
        api.failNextRequests(1, 410, SERVICES);
        SlimList list = lw.list(listFrom(rv));
        assertEquals(List.of("a", "b"), names(list));
        List<String> streams = api.requests().stream().filter(r -> r.contains("sendInitialEvents=true")).toList();
        assertEquals(2, streams.size(), streams.toString());
        assertTrue(streams.get(0).contains("resourceVersion=" + rv + "&") || streams.get(0).endsWith("resourceVersion=" + rv),
                streams.get(0));
        assertFalse(streams.get(1).contains("resourceVersion="), "then from the current state: " + streams.get(1));
        assertEquals(0, api.countRequests(SERVICES, false));
        assertNull(connection.notStreamed("services"));
        assertEquals(1.0, counter("kdns_kubernetes_api_watch_ends", "resource", "services", "reason", "expired"));
    }

    @Test
    void aTransientFailureFailsThatListOnly() throws Exception {
        PagedListerWatcher<V1Service> lw = servicesLister();
        api.failNextRequests(1, 500, SERVICES);
        ApiException e = assertThrows(ApiException.class, () -> lw.list(listFrom("0")));
        assertEquals(500, e.getCode());
        assertEquals(1, failures.size(), "reported for the log");
        assertNull(connection.notStreamed("services"), "not taken for a refusal");
        assertEquals(List.of("a", "b"), names(lw.list(listFrom("0"))));
        assertEquals(2, api.countStreamingLists(SERVICES));
        assertEquals(0, api.countRequests(SERVICES, false));
        assertEquals(1.0, counter("kdns_kubernetes_api_watch_ends", "resource", "services", "reason", "error"));
    }

    @Test
    void anInformerIsReadyOnlyAtTheInitialEventsEndBookmark() throws Exception {
        PagedListerWatcher.initialEventsSilenceMillis = 600_000;
        api.create(KubeObjects.parse("""
                {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","addressType":"IPv4",
                 "metadata":{"name":"a-1","namespace":"ns","labels":{"kubernetes.io/service-name":"a"}},
                 "endpoints":[{"addresses":["10.1.1.1"],"conditions":{"ready":true}}],
                 "ports":[{"name":"http","protocol":"TCP","port":80}]}"""));
        KubernetesConfig config = KubernetesDirective.parse(
                TestController.of("kubernetes cluster.local {\n endpoint " + api.url() + "\n}"));
        ClusterIndex index = new ClusterIndex();
        Informers informers = new Informers(config, connection, index, metrics);
        api.holdInitialEventsEnd();
        try {
            informers.start();
            eventually("the three streaming lists sent their objects and wait for their end",
                    () -> api.heldInitialEventsEnds() == 3);
            assertFalse(informers.hasSynced(), "not ready before the initial-events-end bookmarks");
            assertNull(index.service("ns", "a"), "nothing applied before the bookmark");
            api.create(KubeObjects.parse(service("c", "10.0.1.3")));
            api.releaseInitialEventsEnd();
            eventually("ready after the bookmarks", informers::hasSynced);
            assertNotNull(index.service("ns", "a"));
            assertNotNull(index.service("ns", "b"));
            eventually("the change made meanwhile arrives on the same stream", () -> index.service("ns", "c") != null);
            for (String path : List.of(SERVICES, "/apis/discovery.k8s.io/v1/endpointslices", "/api/v1/namespaces")) {
                assertEquals(0, api.countRequests(path, false), "LISTs of " + path);
                assertEquals(1, api.countRequests(path, true), "WATCHes of " + path);
                assertEquals(1, api.countStreamingLists(path), "streaming lists of " + path);
            }
        } finally {
            api.releaseInitialEventsEnd();
            informers.stop();
        }
    }

    @Test
    void stoppingEndsAHeldStreamingList() throws Exception {
        PagedListerWatcher.initialEventsSilenceMillis = 600_000;
        KubernetesConfig config = KubernetesDirective.parse(
                TestController.of("kubernetes cluster.local {\n endpoint " + api.url() + "\n}"));
        Informers informers = new Informers(config, connection, new ClusterIndex(), metrics);
        api.setBookmarkInterval(Duration.ofMillis(100));
        api.holdInitialEventsEnd();
        informers.start();
        eventually("held", () -> api.heldInitialEventsEnds() == 3);
        informers.stop();
        // The fake sees a closed connection when it writes: the bookmark, then the regular ones. A
        // stream the client had kept (for a watch that never comes) would stay open.
        api.releaseInitialEventsEnd();
        eventually("the streams closed by the client", () -> api.activeWatches() == 0);
        assertFalse(informers.hasSynced());
    }
}
