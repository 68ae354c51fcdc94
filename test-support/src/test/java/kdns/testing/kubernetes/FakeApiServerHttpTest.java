package kdns.testing.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The wire protocol, spoken with a plain HTTP client. */
@Timeout(60)
class FakeApiServerHttpTest {

    private static final Duration SECOND = Duration.ofSeconds(1);
    private FakeApiServer api;

    @BeforeEach
    void start() {
        api = FakeApiServer.start();
        api.create(KubeObjects.namespace("ns1").label("env", "prod").build());
        api.create(KubeObjects.namespace("ns2").build());
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.get("items").forEach(i -> out.add(i.at("/metadata/name").asText()));
        return out;
    }

    @Test
    void discoveryAnswersLikeARealServer() throws Exception {
        Http.Reply v = Http.get(api, "/version");
        assertEquals(200, v.code());
        assertEquals("1", v.body().get("major").asText());
        assertTrue(v.body().get("gitVersion").asText().startsWith("v1."));
        JsonNode core = Http.get(api, "/api").body();
        assertEquals("APIVersions", core.get("kind").asText());
        assertEquals("v1", core.get("versions").get(0).asText());
        JsonNode v1 = Http.get(api, "/api/v1").body();
        assertEquals("APIResourceList", v1.get("kind").asText());
        Set<String> names = new HashSet<>();
        v1.get("resources").forEach(r -> names.add(r.get("name").asText()));
        assertTrue(names.containsAll(List.of("namespaces", "services", "pods", "endpoints", "services/status")), names.toString());
        JsonNode groups = Http.get(api, "/apis").body();
        assertEquals("APIGroupList", groups.get("kind").asText());
        Set<String> groupNames = new HashSet<>();
        groups.get("groups").forEach(g -> groupNames.add(g.get("name").asText()));
        assertEquals(Set.of("discovery.k8s.io", "multicluster.x-k8s.io"), groupNames);
        JsonNode mcs = Http.get(api, "/apis/multicluster.x-k8s.io/v1alpha1").body();
        assertEquals("multicluster.x-k8s.io/v1alpha1", mcs.get("groupVersion").asText());
        assertEquals("ServiceImport", mcs.get("resources").get(0).get("kind").asText());
        assertTrue(mcs.get("resources").get(0).get("namespaced").asBoolean());
        assertEquals(404, Http.get(api, "/apis/apps/v1/deployments").code());
        assertEquals(404, Http.get(api, "/api/v1/services/foo").code(), "services are namespaced");
    }

    @Test
    void listHasKindVersionAndItemsInKeyOrder() throws Exception {
        api.create(KubeObjects.service("ns2", "b").build());
        api.create(KubeObjects.service("ns1", "z").build());
        api.create(KubeObjects.service("ns1", "a").build());
        Http.Reply r = Http.get(api, "/api/v1/services");
        assertEquals(200, r.code());
        assertEquals("application/json", r.raw().headers().firstValue("Content-Type").orElse(""));
        assertEquals("ServiceList", r.body().get("kind").asText());
        assertEquals("v1", r.body().get("apiVersion").asText());
        assertEquals(Long.toString(api.resourceVersion()), r.body().at("/metadata/resourceVersion").asText());
        assertEquals(List.of("a", "z", "b"), names(r.body()));
        assertTrue(r.body().get("items").get(0).path("kind").isMissingNode(),
                "built-in list items carry no kind, as from the real server");
        assertEquals(List.of("a", "z"), names(Http.get(api, "/api/v1/namespaces/ns1/services").body()));
        Http.Reply one = Http.get(api, "/api/v1/namespaces/ns1/services/a");
        assertEquals("Service", one.body().get("kind").asText());
        Http.Reply missing = Http.get(api, "/api/v1/namespaces/ns1/services/nope");
        assertEquals(404, missing.code());
        assertEquals("Status", missing.body().get("kind").asText());
        assertEquals("NotFound", missing.body().get("reason").asText());
        assertEquals("services \"nope\" not found", missing.body().get("message").asText());
    }

    @Test
    void selectorsOnList() throws Exception {
        api.create(KubeObjects.endpointSlice("ns1", "a-1").service("a").endpoints("10.1.0.1").build());
        api.create(KubeObjects.endpointSlice("ns1", "mc-1").multiclusterService("a", "c1").endpoints("10.2.0.1").build());
        api.create(KubeObjects.endpointSlice("ns2", "b-1").service("b").endpoints("10.1.0.2").build());
        String base = "/apis/discovery.k8s.io/v1/endpointslices?labelSelector=";
        assertEquals(List.of("mc-1"), names(Http.get(api, base + "multicluster.kubernetes.io/service-name").body()));
        assertEquals(List.of("a-1", "b-1"), names(Http.get(api, base + "!multicluster.kubernetes.io/service-name").body()));
        assertEquals(List.of("b-1"), names(Http.get(api, base + "kubernetes.io/service-name%20in%20(b,c)").body()));
        assertEquals(List.of("a-1", "mc-1"), names(Http.get(api, base + "kubernetes.io/service-name!=b").body()));
        Http.Reply bad = Http.get(api, base + "a%20in%20b");
        assertEquals(400, bad.code());
        assertEquals("BadRequest", bad.body().get("reason").asText());

        api.create(KubeObjects.pod("ns1", "run").ip("10.3.0.1").nodeName("n1").build());
        api.create(KubeObjects.pod("ns1", "done").phase("Succeeded").build());
        assertEquals(List.of("run"), names(Http.get(api, "/api/v1/pods?fieldSelector=status.phase%3DRunning").body()));
        assertEquals(List.of("done"), names(Http.get(api, "/api/v1/pods?fieldSelector=status.phase!%3DRunning,metadata.namespace%3Dns1").body()));
        assertEquals(List.of("run"), names(Http.get(api, "/api/v1/pods?fieldSelector=spec.nodeName%3Dn1").body()));
        assertEquals(List.of("ns1"), names(Http.get(api, "/api/v1/namespaces?fieldSelector=metadata.name%3Dns1").body()));
        assertEquals(List.of("ns1"), names(Http.get(api, "/api/v1/namespaces?labelSelector=env%3Dprod").body()));
        Http.Reply unsupported = Http.get(api, "/api/v1/services?fieldSelector=spec.nodeName%3Dx");
        assertEquals(400, unsupported.code());
        assertEquals("field label not supported: spec.nodeName", unsupported.body().get("message").asText());
    }

    @Test
    void pagingIsAConsistentSnapshot() throws Exception {
        for (int i = 0; i < 25; i++) {
            api.create(KubeObjects.service("ns1", String.format("s%02d", i)).build());
        }
        List<String> seen = new ArrayList<>();
        String cont = null;
        String rv = null;
        int pages = 0;
        do {
            Http.Reply r = Http.get(api, "/api/v1/services?limit=10" + (cont == null ? "" : "&continue=" + cont));
            assertEquals(200, r.code(), r.raw().body());
            seen.addAll(names(r.body()));
            if (rv == null) {
                rv = r.body().at("/metadata/resourceVersion").asText();
                assertEquals(15, r.body().at("/metadata/remainingItemCount").asInt());
                api.create(KubeObjects.service("ns1", "s99").build()); // after the first page
                api.delete("services", "ns1", "s24");
            }
            assertEquals(rv, r.body().at("/metadata/resourceVersion").asText(), "every page at one version");
            cont = r.body().at("/metadata/continue").asText(null);
            pages++;
        } while (cont != null && pages < 10);
        assertEquals(3, pages);
        assertEquals(25, seen.size());
        assertEquals("s24", seen.get(24), "a deletion after the first page is not seen");
        assertEquals(25, names(Http.get(api, "/api/v1/services").body()).size());

        // With a label selector the pages fill up to the limit and carry no remainingItemCount.
        Http.Reply sel = Http.get(api, "/api/v1/services?limit=5&labelSelector=!x");
        assertEquals(5, sel.body().get("items").size());
        assertTrue(sel.body().at("/metadata/remainingItemCount").isMissingNode());

        api.compact();
        Http.Reply gone = Http.get(api, "/api/v1/services?limit=10&continue="
                + Http.get(api, "/api/v1/services?limit=10&resourceVersion=" + rv + "&resourceVersionMatch=NotOlderThan").body()
                        .at("/metadata/continue").asText());
        assertEquals(200, gone.code(), "a token made after the compaction is still good");
        Http.Reply old = Http.get(api, "/api/v1/services?limit=10&resourceVersion=" + rv);
        assertEquals(410, old.code(), "an exact list from before the compaction");
        assertEquals("Expired", old.body().get("reason").asText());
        assertEquals(400, Http.get(api, "/api/v1/services?continue=garbage").code());
    }

    @Test
    void listResourceVersionSemantics() throws Exception {
        api.create(KubeObjects.service("ns1", "a").build());
        long before = api.resourceVersion();
        api.create(KubeObjects.service("ns1", "b").build());
        assertEquals(List.of("a"), names(Http.get(api, "/api/v1/services?resourceVersion=" + before
                + "&resourceVersionMatch=Exact").body()));
        JsonNode notOlder = Http.get(api, "/api/v1/services?resourceVersion=" + before).body();
        assertEquals(List.of("a", "b"), names(notOlder));
        assertEquals(Long.toString(api.resourceVersion()), notOlder.at("/metadata/resourceVersion").asText());
        assertEquals(List.of("a", "b"), names(Http.get(api, "/api/v1/services?resourceVersion=0&limit=1").body()),
                "resourceVersion=0 is served whole from the cache");
        long t0 = System.nanoTime();
        Http.Reply tooLarge = Http.get(api, "/api/v1/services?resourceVersion=" + (api.resourceVersion() + 100));
        assertEquals(504, tooLarge.code());
        assertTrue(tooLarge.body().get("message").asText().startsWith("Too large resource version"));
        assertTrue(System.nanoTime() - t0 >= 2_500_000_000L, "waits for the version first");
    }

    @Test
    void watchReplaysStreamsAndEnds() throws Exception {
        api.create(KubeObjects.service("ns1", "a").build());
        long rv = api.resourceVersion();
        api.create(KubeObjects.service("ns1", "b").build());
        try (Http.WatchStream w = new Http.WatchStream(api,
                "/api/v1/namespaces/ns1/services?watch=true&resourceVersion=" + rv + "&timeoutSeconds=3")) {
            assertEquals(200, w.code);
            assertEquals("application/json", w.contentType);
            JsonNode e = w.next(SECOND);
            assertEquals("ADDED", e.get("type").asText());
            assertEquals("b", e.at("/object/metadata/name").asText());
            assertEquals("Service", e.at("/object/kind").asText());
            assertEquals("v1", e.at("/object/apiVersion").asText());
            ObjectNode b = api.get("services", "ns1", "b").orElseThrow();
            ((ObjectNode) b.get("metadata")).putObject("labels").put("x", "1");
            api.update("services", b);
            e = w.next(SECOND);
            assertEquals("MODIFIED", e.get("type").asText());
            assertEquals(Long.toString(api.resourceVersion()), e.at("/object/metadata/resourceVersion").asText());
            api.create(KubeObjects.service("ns2", "other").build());
            api.delete("services", "ns1", "a");
            e = w.next(SECOND);
            assertEquals("DELETED", e.get("type").asText(), "ns2's service is not in this watch");
            assertEquals("a", e.at("/object/metadata/name").asText());
            assertEquals(Long.toString(api.resourceVersion()), e.at("/object/metadata/resourceVersion").asText());
            assertTrue(Http.WatchStream.isEnd(w.next(Duration.ofSeconds(5))), "ends cleanly after timeoutSeconds");
        }
        try (Http.WatchStream w = new Http.WatchStream(api, "/api/v1/services?watch=1&timeoutSeconds=1")) {
            JsonNode e = w.next(SECOND);
            assertEquals("ADDED", e.get("type").asText(), "no resourceVersion: the current state first");
            assertEquals("b", e.at("/object/metadata/name").asText());
            assertEquals("ADDED", w.next(SECOND).get("type").asText());
            assertTrue(Http.WatchStream.isEnd(w.next(Duration.ofSeconds(3))));
        }
    }

    @Test
    void watchFromACompactedVersionGets410AsAnErrorEvent() throws Exception {
        api.create(KubeObjects.service("ns1", "a").build());
        long rv = api.resourceVersion();
        api.create(KubeObjects.service("ns1", "b").build());
        api.compact();
        try (Http.WatchStream w = new Http.WatchStream(api, "/api/v1/services?watch=true&resourceVersion=" + rv)) {
            assertEquals(200, w.code);
            JsonNode e = w.next(SECOND);
            assertEquals("ERROR", e.get("type").asText());
            JsonNode s = e.get("object");
            assertEquals("Status", s.get("kind").asText());
            assertEquals("v1", s.get("apiVersion").asText());
            assertEquals("Failure", s.get("status").asText());
            assertEquals(410, s.get("code").asInt());
            assertEquals("Expired", s.get("reason").asText());
            assertTrue(s.get("message").asText().startsWith("too old resource version: " + rv));
            assertTrue(Http.WatchStream.isEnd(w.next(SECOND)));
        }
        api.setWatchHistoryLimit(1);
        api.create(KubeObjects.service("ns1", "c").build());
        long mid = api.resourceVersion();
        api.create(KubeObjects.service("ns1", "d").build());
        try (Http.WatchStream w = new Http.WatchStream(api,
                "/api/v1/services?watch=true&resourceVersion=" + (mid - 1))) {
            assertEquals(410, w.next(SECOND).at("/object/code").asInt(), "older than the window");
        }
        try (Http.WatchStream w = new Http.WatchStream(api,
                "/api/v1/services?watch=true&resourceVersion=" + mid)) {
            assertEquals("d", w.next(SECOND).at("/object/metadata/name").asText(), "inside the window");
        }
    }

    @Test
    void bookmarksAndSelectorTransitions() throws Exception {
        api.setBookmarkInterval(Duration.ofMillis(200));
        api.create(KubeObjects.service("ns1", "a").label("app", "web").build());
        long rv = api.resourceVersion();
        try (Http.WatchStream w = new Http.WatchStream(api, "/api/v1/services?watch=true&allowWatchBookmarks=true"
                + "&labelSelector=app%3Dweb&resourceVersion=" + rv)) {
            JsonNode bm = w.next(SECOND);
            assertEquals("BOOKMARK", bm.get("type").asText());
            assertEquals("Service", bm.at("/object/kind").asText());
            assertEquals(Long.toString(rv), bm.at("/object/metadata/resourceVersion").asText());
            ObjectNode a = api.get("services", "ns1", "a").orElseThrow();
            ((ObjectNode) a.at("/metadata/labels")).put("app", "db");
            api.update("services", a);
            JsonNode left = w.nextChange(SECOND);
            assertEquals("DELETED", left.get("type").asText(), "leaving the selector's set");
            assertEquals("web", left.at("/object/metadata/labels/app").asText());
            api.create(KubeObjects.service("ns1", "b").label("app", "db").build());
            ObjectNode back = api.get("services", "ns1", "a").orElseThrow();
            ((ObjectNode) back.at("/metadata/labels")).put("app", "web");
            api.update("services", back);
            JsonNode entered = w.nextChange(SECOND);
            assertEquals("ADDED", entered.get("type").asText(), "entering it again; b never matched");
            assertEquals("a", entered.at("/object/metadata/name").asText());
        }
        try (Http.WatchStream w = new Http.WatchStream(api, "/api/v1/services?watch=true&allowWatchBookmarks=true"
                + "&sendInitialEvents=true&resourceVersionMatch=NotOlderThan")) {
            assertEquals("ADDED", w.next(SECOND).get("type").asText());
            assertEquals("ADDED", w.next(SECOND).get("type").asText());
            JsonNode end = w.next(SECOND);
            assertEquals("BOOKMARK", end.get("type").asText());
            assertEquals("true", end.at("/object/metadata/annotations/k8s.io~1initial-events-end").asText());
        }
    }

    @Test
    void bookmarksInTheRealServersShapes() throws Exception {
        api.setBookmarkInterval(Duration.ofMillis(100));
        try (Http.WatchStream w = new Http.WatchStream(api,
                "/apis/discovery.k8s.io/v1/endpointslices?watch=true&allowWatchBookmarks=true")) {
            JsonNode bare = w.next(SECOND);
            assertEquals("BOOKMARK", bare.get("type").asText());
            assertEquals(Set.of("kind", "apiVersion", "metadata"), fieldNames(bare.get("object")), "bare first");
            assertEquals(Set.of("resourceVersion"), fieldNames(bare.at("/object/metadata")));
            JsonNode go = w.next(SECOND);
            assertEquals("BOOKMARK", go.get("type").asText());
            assertTrue(go.at("/object/endpoints").isNull(), go.toString());
            assertEquals("", go.at("/object/addressType").asText(), go.toString());
            assertTrue(go.at("/object/metadata/creationTimestamp").isNull(), go.toString());
            assertEquals("EndpointSlice", go.at("/object/kind").asText());
        }
        api.setBookmarkShape(FakeApiServer.BookmarkShape.GO_EMPTY_OBJECT);
        try (Http.WatchStream pods = new Http.WatchStream(api, "/api/v1/pods?watch=true&allowWatchBookmarks=true");
                Http.WatchStream imports = new Http.WatchStream(api,
                        "/apis/multicluster.x-k8s.io/v1alpha1/serviceimports?watch=true&allowWatchBookmarks=true")) {
            JsonNode pod = pods.next(SECOND);
            assertTrue(pod.at("/object/spec/containers").isNull(), pod.toString());
            JsonNode crd = imports.next(SECOND);
            assertEquals(Set.of("kind", "apiVersion", "metadata"), fieldNames(crd.get("object")),
                    "a custom resource's bookmark is always bare: " + crd);
        }
        assertTrue(api.bookmarksSent() >= 4);
        assertTrue(api.countRequests("/api/v1/pods", true) == 1 && api.countRequests("/api/v1/pods", false) == 0);
    }

    @Test
    void unknownTokensAreRefused() throws Exception {
        api.acceptTokens("good");
        assertEquals(401, Http.get(api, "/api/v1/namespaces").code());
        api.acceptTokens();
        assertEquals(200, Http.get(api, "/api/v1/namespaces").code());
        assertTrue(api.userAgents().size() >= 2);
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> names = new HashSet<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void dropAndEndWatches() throws Exception {
        try (Http.WatchStream dropped = new Http.WatchStream(api, "/api/v1/services?watch=true");
                Http.WatchStream ended = new Http.WatchStream(api, "/api/v1/namespaces?watch=true")) {
            assertEquals("ADDED", ended.next(SECOND).get("type").asText());
            long t0 = System.nanoTime();
            while (api.activeWatches() < 2 && System.nanoTime() - t0 < 5_000_000_000L) {
                Thread.sleep(10);
            }
            api.dropAllWatches();
            assertTrue(Http.WatchStream.isBroken(dropped.next(Duration.ofSeconds(3))),
                    "a dropped watch has no clean end");
        }
        try (Http.WatchStream w = new Http.WatchStream(api, "/api/v1/services?watch=true")) {
            long t0 = System.nanoTime();
            while (api.activeWatches() < 1 && System.nanoTime() - t0 < 5_000_000_000L) {
                Thread.sleep(10);
            }
            api.endAllWatches();
            assertTrue(Http.WatchStream.isEnd(w.next(Duration.ofSeconds(3))));
        }
    }

    @Test
    void crudOverHttpFollowsTheServersStrategies() throws Exception {
        String svc = """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
                 "spec":{"clusterIP":"10.0.0.7","ports":[{"port":80}]},
                 "status":{"loadBalancer":{"ingress":[{"ip":"1.2.3.4"}]}}}""";
        Http.Reply created = Http.send(api, "POST", "/api/v1/namespaces/ns1/services", svc, "application/json");
        assertEquals(201, created.code(), created.raw().body());
        assertEquals("ns1", created.body().at("/metadata/namespace").asText());
        assertEquals("TCP", created.body().at("/spec/ports/0/protocol").asText());
        assertTrue(created.body().at("/status/loadBalancer/ingress").isMissingNode(),
                "status is not written through the main resource");
        assertEquals(409, Http.send(api, "POST", "/api/v1/namespaces/ns1/services", svc, "application/json").code());
        assertEquals(404, Http.send(api, "POST", "/api/v1/namespaces/nope/services", svc, "application/json").code());

        ObjectNode withStatus = (ObjectNode) created.body().deepCopy();
        ((ObjectNode) withStatus.get("status")).putObject("loadBalancer").putArray("ingress").addObject().put("ip", "1.2.3.4");
        Http.Reply st = Http.send(api, "PUT", "/api/v1/namespaces/ns1/services/web/status",
                Http.JSON.writeValueAsString(withStatus), "application/json");
        assertEquals(200, st.code(), st.raw().body());
        assertEquals("1.2.3.4", st.body().at("/status/loadBalancer/ingress/0/ip").asText());

        ObjectNode relabel = (ObjectNode) st.body().deepCopy();
        ((ObjectNode) relabel.get("metadata")).putObject("labels").put("a", "b");
        relabel.remove("status");
        Http.Reply put = Http.send(api, "PUT", "/api/v1/namespaces/ns1/services/web",
                Http.JSON.writeValueAsString(relabel), "application/json");
        assertEquals(200, put.code(), put.raw().body());
        assertEquals("1.2.3.4", put.body().at("/status/loadBalancer/ingress/0/ip").asText(), "status kept");
        Http.Reply stale = Http.send(api, "PUT", "/api/v1/namespaces/ns1/services/web",
                Http.JSON.writeValueAsString(relabel), "application/json");
        assertEquals(409, stale.code(), "the resourceVersion in the body is no longer current");

        Http.Reply patched = Http.send(api, "PATCH", "/api/v1/namespaces/ns1/services/web",
                "{\"metadata\":{\"labels\":{\"a\":null,\"c\":\"d\"}}}", "application/merge-patch+json");
        assertEquals(200, patched.code(), patched.raw().body());
        assertEquals("{\"c\":\"d\"}", patched.body().at("/metadata/labels").toString());
        assertEquals(415, Http.send(api, "PATCH", "/api/v1/namespaces/ns1/services/web", "[]",
                "application/json-patch+json").code());
        Http.Reply immutable = Http.send(api, "PATCH", "/api/v1/namespaces/ns1/services/web",
                "{\"spec\":{\"clusterIP\":\"10.0.0.8\",\"clusterIPs\":[\"10.0.0.8\"]}}", "application/merge-patch+json");
        assertEquals(422, immutable.code());
        assertEquals("Invalid", immutable.body().get("reason").asText());

        Http.Reply pod = Http.send(api, "POST", "/api/v1/namespaces/ns1/pods",
                Http.JSON.writeValueAsString(KubeObjects.pod("ns1", "p").ip("10.9.9.9").build()), "application/json");
        assertEquals("Pending", pod.body().at("/status/phase").asText(), "a created pod starts Pending");
        assertTrue(pod.body().at("/status/podIP").isMissingNode());
        assertEquals(1, pod.body().at("/metadata/generation").asInt());

        Http.Reply si = Http.send(api, "POST", "/apis/multicluster.x-k8s.io/v1alpha1/namespaces/ns1/serviceimports",
                Http.JSON.writeValueAsString(KubeObjects.serviceImport("ns1", "web").ips("10.5.0.1").port("http", "TCP", 80).build()),
                "application/json");
        assertEquals(201, si.code(), si.raw().body());
        JsonNode siList = Http.get(api, "/apis/multicluster.x-k8s.io/v1alpha1/serviceimports").body();
        assertEquals("ServiceImportList", siList.get("kind").asText());
        assertEquals("ServiceImport", siList.at("/items/0/kind").asText(), "custom resources keep kind in lists");

        Http.Reply del = Http.send(api, "DELETE", "/api/v1/namespaces/ns1/services/web", null, null);
        assertEquals(200, del.code());
        assertEquals("web", del.body().at("/metadata/name").asText());
        assertEquals(404, Http.send(api, "DELETE", "/api/v1/namespaces/ns1/services/web", null, null).code());
        Http.Reply bad = Http.send(api, "POST", "/api/v1/namespaces/ns1/services", "{not json", "application/json");
        assertEquals(400, bad.code());
    }

    @Test
    void injectedFailures() throws Exception {
        api.failNextRequests(2, 500);
        Http.Reply a = Http.get(api, "/api/v1/services");
        assertEquals(500, a.code());
        assertEquals("InternalError", a.body().get("reason").asText());
        assertEquals(500, Http.get(api, "/version").code());
        assertEquals(200, Http.get(api, "/api/v1/services").code());
        api.failNextRequests(1, 429);
        assertEquals("TooManyRequests", Http.get(api, "/api").body().get("reason").asText());
        assertThrows(IllegalArgumentException.class, () -> api.failNextRequests(1, 200));
        api.failNextRequests(1, 503, "/apis/discovery.k8s.io/v1/endpointslices");
        assertEquals(200, Http.get(api, "/api/v1/services").code(), "another path is served");
        assertEquals(503, Http.get(api, "/apis/discovery.k8s.io/v1/endpointslices").code());
        assertEquals(200, Http.get(api, "/apis/discovery.k8s.io/v1/endpointslices").code());
        assertTrue(api.requests().contains("GET /api/v1/services"));
    }

    @Test
    void stopAndRestartOnTheSamePort() throws Exception {
        api.create(KubeObjects.service("ns1", "a").build());
        int port = api.port();
        api.stop();
        assertThrows(java.net.ConnectException.class, () -> Http.get(api, "/api/v1/services"));
        api.create(KubeObjects.service("ns1", "b").build());
        api.restart();
        assertEquals(port, api.port());
        assertEquals(List.of("a", "b"), names(Http.get(api, "/api/v1/services").body()));
    }

    @Test
    void restartWithANewWatchCacheCutsWatchesAndAnswersOldVersionsWith410() throws Exception {
        api.create(KubeObjects.service("ns1", "a").build());
        long before = api.resourceVersion();
        int port = api.port();
        try (Http.WatchStream w = new Http.WatchStream(api, "/api/v1/services?watch=true&resourceVersion=" + before)) {
            api.stop();
            api.create(KubeObjects.service("ns1", "b").build());
            api.delete("services", "ns1", "a");
            api.restartWithNewWatchCache();
            assertTrue(Http.WatchStream.isBroken(w.next(SECOND)), "the open watch was cut, not ended");
        }
        assertEquals(port, api.port());
        assertEquals(before + 2, api.resourceVersion(), "versions go on from etcd's");
        try (Http.WatchStream w = new Http.WatchStream(api, "/api/v1/services?watch=true&resourceVersion=" + before)) {
            assertEquals(410, w.next(SECOND).at("/object/code").asInt(), "a watch from before the restart");
        }
        assertEquals(410, Http.get(api, "/api/v1/services?limit=10&resourceVersion=" + before).code(),
                "an exact list from before the restart");
        assertEquals(List.of("b"), names(Http.get(api, "/api/v1/services").body()), "a fresh list has the changes");
        try (Http.WatchStream w = new Http.WatchStream(api,
                "/api/v1/services?watch=true&resourceVersion=" + api.resourceVersion())) {
            api.create(KubeObjects.service("ns1", "c").build());
            assertEquals("c", w.next(SECOND).at("/object/metadata/name").asText(), "watches from now on work");
        }
    }

    @Test
    void javaApiErrorsAndApply() {
        KubeApiException e = assertThrows(KubeApiException.class,
                () -> api.create(KubeObjects.service("missing", "a").build()));
        assertEquals(404, e.code());
        assertThrows(IllegalArgumentException.class, () -> api.create("deployments", KubeObjects.service("ns1", "a").build()));
        ObjectNode first = api.apply(KubeObjects.service("ns1", "a").clusterIP("10.0.0.1").build());
        ObjectNode second = api.apply(KubeObjects.service("ns1", "a").clusterIP("10.0.0.1").label("x", "y").build());
        assertEquals(first.at("/metadata/uid"), second.at("/metadata/uid"));
        assertEquals("y", api.get("svc", "ns1", "a").orElseThrow().at("/metadata/labels/x").asText());
        assertEquals(1, api.list("Service").size());
        assertEquals("a", api.delete("services", "ns1", "a").at("/metadata/name").asText());
        assertTrue(api.get("services", "ns1", "a").isEmpty());
        assertEquals(404, assertThrows(KubeApiException.class, () -> api.delete("services", "ns1", "a")).code());
    }

    @Test
    void kubeconfigPointsAtTheServer(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path kc = api.kubeconfig(dir);
        String text = Files.readString(kc);
        assertTrue(text.contains("server: " + api.url()), text);
        assertTrue(text.contains("current-context: fake"));
    }

    private static final String MULTICLUSTER_SAMPLE = """
            [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "testns"}},
             {"apiVersion": "multicluster.x-k8s.io/v1alpha1", "kind": "ServiceImport",
              "metadata": {"name": "svc1", "namespace": "testns"},
              "spec": {"type": "ClusterSetIP", "ports": [{"name": "http", "protocol": "TCP", "port": 80}], "ips": ["10.0.0.20"]},
              "status": {"clusters": [{"cluster": "c1"}]}},
             {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
              "metadata": {"name": "svc1-c1-1", "namespace": "testns",
                           "labels": {"multicluster.kubernetes.io/service-name": "svc1",
                                      "multicluster.kubernetes.io/source-cluster": "c1"}},
              "addressType": "IPv4",
              "endpoints": [{"addresses": ["172.0.0.1"], "conditions": {"ready": true}}],
              "ports": [{"name": "http", "protocol": "TCP", "port": 80}]}]""";

    @Test
    void loadsApiShapedObjectArrays() throws Exception {
        api.loadObjects(Http.JSON.readTree(MULTICLUSTER_SAMPLE));
        ObjectNode si = api.get("serviceimports", "testns", "svc1").orElseThrow();
        assertEquals("c1", si.at("/status/clusters/0/cluster").asText(), "the Java API stores status as given");
        assertEquals(1, api.list("endpointslices").size());
        api.loadObjects(Http.JSON.readTree(MULTICLUSTER_SAMPLE));
        assertEquals(1, api.list("serviceimports").size(), "loading again replaces");
    }

    /** The acceptance case files (cases/*.json, on the test class path) load as they are. */
    @Test
    void loadsTheAcceptanceCaseFiles() throws Exception {
        for (String p : List.of("/cases/kubernetes.json", "/cases/multicluster.json")) {
            JsonNode root0;
            try (InputStream in = FakeApiServerHttpTest.class.getResourceAsStream(p)) {
                assertNotNull(in, p + " is on the test class path");
                root0 = Http.JSON.readTree(in);
            }
            List<JsonNode> sets = new ArrayList<>();
            sets.add(root0.get("objects"));
            for (JsonNode suite : root0.path("suites")) {
                if (suite.has("objects")) {
                    sets.add(suite.get("objects"));
                }
            }
            for (JsonNode set : sets) {
                try (FakeApiServer fresh = FakeApiServer.start()) {
                    fresh.loadObjects(set);
                    int n = 0;
                    for (String r : List.of("namespaces", "services", "pods", "endpointslices", "serviceimports")) {
                        n += fresh.list(r).size();
                    }
                    assertEquals(set.size(), n, p + ": every object loads");
                    for (JsonNode o : set) {
                        String kind = o.get("kind").asText();
                        String ns = o.at("/metadata/namespace").asText(null);
                        ObjectNode stored = fresh.get(kind, ns, o.at("/metadata/name").asText()).orElseThrow();
                        assertNotNull(stored.at("/metadata/resourceVersion").textValue());
                        if (o.has("spec") && o.get("spec").has("clusterIP")) {
                            assertEquals(o.at("/spec/clusterIP"), stored.at("/spec/clusterIP"));
                        }
                        if (o.has("endpoints")) {
                            assertEquals(o.get("endpoints"), stored.get("endpoints"));
                        }
                    }
                }
            }
        }
    }
}
