package kdns.plugin.kubernetes;

import static kdns.testing.Polling.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import kdns.api.Handler;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import kdns.testing.kubernetes.FakeApiServer;
import kdns.testing.kubernetes.KubeObjects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The watch protocol against the fake API server, counted on both sides (the fake's request log
 * and kdns's {@code kdns_kubernetes_api_*} metrics): BOOKMARKs in both of the real server's shapes
 * (a bare object holding only metadata.resourceVersion, and Go's encoding of an empty object with
 * {@code "endpoints":null,"addressType":""}, {@code "spec":{"containers":null}}, ...) never break a
 * watch; a watch that ends, breaks or is refused resumes from the last resource version without a
 * LIST; only 410 Gone lists again. The fake streams lists by default (one WATCH per kind and no
 * LIST at start-up; see StreamingListTest); the resume and 410 cases run against a server that
 * refuses streaming lists too, where each kind is listed once (after one refused streaming list).
 * Assertions are on counts; waits are bounded polls.
 */
@Timeout(120)
class WatchProtocolTest {

    /** The watched collections with {@code pods verified}, by their metrics label. */
    private static final Map<String, String> PATHS = Map.of(
            "services", "/api/v1/services",
            "endpointslices", "/apis/discovery.k8s.io/v1/endpointslices",
            "namespaces", "/api/v1/namespaces",
            "pods", "/api/v1/pods");

    @TempDir
    Path dir;

    private FakeApiServer api;
    private TestController controller;

    @AfterEach
    void tearDown() {
        if (controller != null) {
            controller.runShutdown();
        }
        if (api != null) {
            api.close();
        }
    }

    private Handler start(String options) throws Exception {
        api.loadObjects(AcceptanceCases.root().get("objects"));
        controller = TestController.of("kubernetes cluster.local {\n kubeconfig " + api.kubeconfig(dir)
                + "\n" + options + "\n}");
        new KubernetesPlugin().setup(controller);
        Handler h = controller.handler(TestHandlers.answering(Rcode.NOERROR));
        controller.runStartup();
        return h;
    }

    private static boolean answers(Handler h, String name, String... ips) {
        try {
            RecordingWriter w = new RecordingWriter();
            h.serve(TestRequests.query(name, Type.A), w);
            Message m = w.msg();
            if (m == null) {
                return ips.length == 0;
            }
            return m.getSection(Section.ANSWER).stream().filter(r -> r instanceof ARecord)
                    .map(r -> ((ARecord) r).getAddress().getHostAddress()).sorted().toList().equals(List.of(ips));
        } catch (Exception e) {
            return false;
        }
    }

    /** The sum of a counter's data points whose labels include {@code labels} (name without _total). */
    private double counter(String name, String... labels) {
        double sum = 0;
        for (MetricSnapshot s : controller.instance().metrics().prometheus().scrape()) {
            if (!s.getMetadata().getName().equals(name) || !(s instanceof CounterSnapshot cs)) {
                continue;
            }
            points:
            for (CounterSnapshot.CounterDataPointSnapshot d : cs.getDataPoints()) {
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

    private static String service(String name, String ip) {
        return """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"%s","namespace":"testns"},
                 "spec":{"type":"ClusterIP","clusterIP":"%s","clusterIPs":["%s"],
                         "ports":[{"name":"http","protocol":"TCP","port":80}]}}""".formatted(name, ip, ip);
    }

    private static String headless(String name) {
        return """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"%s","namespace":"testns"},
                 "spec":{"type":"ClusterIP","clusterIP":"None","clusterIPs":["None"],
                         "ports":[{"name":"http","protocol":"TCP","port":80}]}}""".formatted(name);
    }

    private static String slice(String name, String svc, String ip) {
        return """
                {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","addressType":"IPv4",
                 "metadata":{"name":"%s","namespace":"testns","labels":{"kubernetes.io/service-name":"%s"}},
                 "endpoints":[{"addresses":["%s"],"conditions":{"ready":true}}],
                 "ports":[{"name":"http","protocol":"TCP","port":8080}]}""".formatted(name, svc, ip);
    }

    private static String pod(String name, String ip) {
        return """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"podns"},
                 "spec":{"containers":[{"name":"c","image":"x"}]},
                 "status":{"phase":"Running","podIP":"%s","podIPs":[{"ip":"%s"}]}}""".formatted(name, ip, ip);
    }

    @Test
    void bookmarksOfEveryKindInBothShapesNeverBreakAWatch() throws Exception {
        api = FakeApiServer.start();
        api.setBookmarkInterval(Duration.ofMillis(500));
        api.setBookmarkShape(FakeApiServer.BookmarkShape.ALTERNATE);
        Handler h = start("pods verified");
        assertTrue(answers(h, "svc1.testns.svc.cluster.local.", "10.0.0.1"));
        api.create(KubeObjects.parse(headless("bm-hl")));
        int rounds = 8;
        for (int i = 1; i <= rounds; i++) {
            String ip = "10.0.8." + i;
            api.create(KubeObjects.parse(service("bm" + i, ip)));
            api.apply(KubeObjects.parse(slice("bm-hl-1", "bm-hl", "172.8.0." + i)));
            api.apply(KubeObjects.parse(pod("bm-pod", "10.240.8." + i)));
            if (i > 1) {
                api.delete("services", "testns", "bm" + (i - 1));
            }
            int round = i;
            eventually("round " + i + " answers", () -> answers(h, "bm" + round + ".testns.svc.cluster.local.", ip)
                    && answers(h, "bm-hl.testns.svc.cluster.local.", "172.8.0." + round)
                    && answers(h, "10-240-8-" + round + ".podns.pod.cluster.local.", "10.240.8." + round)
                    && answers(h, "bm" + (round - 1) + ".testns.svc.cluster.local."));
            // at least two more bookmarks (one of each shape) on every watch in every round, after
            // the streaming list's initial-events-end bookmark
            for (String resource : PATHS.keySet()) {
                eventually("round " + i + ": bookmarks on the " + resource + " watch",
                        () -> counter("kdns_kubernetes_api_watch_events", "resource", resource, "type", "BOOKMARK")
                                >= 2 * round + 1);
            }
        }
        assertTrue(api.bookmarksSent() >= 2 * rounds * PATHS.size(), "bookmarks sent: " + api.bookmarksSent());
        for (Map.Entry<String, String> e : PATHS.entrySet()) {
            String r = e.getKey();
            assertEquals(0, api.countRequests(e.getValue(), false), "LISTs of " + r + " seen by the API server");
            assertEquals(1, api.countRequests(e.getValue(), true), "WATCHes of " + r + " seen by the API server");
            assertEquals(1, api.countStreamingLists(e.getValue()), "the WATCH of " + r + " is a streaming list");
            assertEquals(0.0, counter("kdns_kubernetes_api_list", "resource", r), "LISTs of " + r + " counted");
            assertEquals(1.0, counter("kdns_kubernetes_api_watch", "resource", r), "WATCHes of " + r + " counted");
            assertEquals(0.0, counter("kdns_kubernetes_api_watch_ends", "resource", r), "ended watches of " + r);
            assertEquals(0.0, counter("kdns_kubernetes_api_watch_events", "resource", r, "type", "ERROR"));
        }
        assertTrue(counter("kdns_kubernetes_api_watch_events", "resource", "services", "type", "ADDED") >= rounds);
        assertTrue(counter("kdns_kubernetes_api_watch_events", "resource", "services", "type", "DELETED")
                >= rounds - 1);
    }

    @Test
    void bareAndGoShapedBookmarksEachKeepTheWatch() throws Exception {
        api = FakeApiServer.start();
        api.setBookmarkInterval(Duration.ofMillis(300));
        Handler h = start("pods verified");
        for (FakeApiServer.BookmarkShape shape : List.of(FakeApiServer.BookmarkShape.GO_EMPTY_OBJECT,
                FakeApiServer.BookmarkShape.BARE)) {
            api.setBookmarkShape(shape);
            for (String resource : PATHS.keySet()) {
                double seen = counter("kdns_kubernetes_api_watch_events", "resource", resource, "type", "BOOKMARK");
                eventually("three " + shape + " bookmarks on the " + resource + " watch",
                        () -> counter("kdns_kubernetes_api_watch_events", "resource", resource, "type", "BOOKMARK")
                                >= seen + 3);
            }
            String name = "shape-" + shape.name().toLowerCase().replace('_', '-');
            api.create(KubeObjects.parse(service(name, "10.0.7." + (shape.ordinal() + 1))));
            eventually(name + " answers", () -> answers(h, name + ".testns.svc.cluster.local.",
                    "10.0.7." + (shape.ordinal() + 1)));
        }
        for (Map.Entry<String, String> e : PATHS.entrySet()) {
            assertEquals(0, api.countRequests(e.getValue(), false), "LISTs of " + e.getKey());
            assertEquals(1, api.countRequests(e.getValue(), true), "WATCHes (the streaming list) of " + e.getKey());
        }
    }

    @ParameterizedTest
    @EnumSource(value = FakeApiServer.WatchListSupport.class, names = {"SUPPORTED", "REJECTED"})
    void endedBrokenAndRefusedWatchesResumeWithoutAList(FakeApiServer.WatchListSupport support) throws Exception {
        api = FakeApiServer.start();
        api.setWatchList(support);
        boolean streamed = support == FakeApiServer.WatchListSupport.SUPPORTED;
        Handler h = start("");
        List<String> kinds = List.of("services", "endpointslices", "namespaces");
        Map<String, Integer> watches = new java.util.HashMap<>();
        for (String r : kinds) {
            // streamed: the streaming list, which goes on as the watch; else the refused streaming
            // list, then the LIST and the watch
            eventually("the " + r + " watch open", () -> api.activeWatches() == kinds.size());
            assertEquals(streamed ? 1 : 2, api.countRequests(PATHS.get(r), true), "WATCHes of " + r + " at start-up");
            assertEquals(1, api.countStreamingLists(PATHS.get(r)), "streaming lists of " + r);
            watches.put(r, api.countRequests(PATHS.get(r), true));
        }

        api.endAllWatches();
        for (String r : kinds) {
            eventually("the " + r + " watch resumed after its clean end",
                    () -> api.countRequests(PATHS.get(r), true) >= watches.get(r) + 1
                            && api.activeWatches() == kinds.size());
        }
        api.create(KubeObjects.parse(service("after-end", "10.0.6.1")));
        eventually("a change after the clean end", () -> answers(h, "after-end.testns.svc.cluster.local.", "10.0.6.1"));

        api.dropAllWatches();
        api.create(KubeObjects.parse(service("after-drop", "10.0.6.2")));
        eventually("a change made while the watches were broken",
                () -> answers(h, "after-drop.testns.svc.cluster.local.", "10.0.6.2"));
        for (String r : kinds) {
            eventually("the " + r + " watch resumed after the drop",
                    () -> api.countRequests(PATHS.get(r), true) >= watches.get(r) + 2);
        }

        // API priority and fairness turning requests away (429), twice in a row
        api.failNextRequests(2, 429, "/api/v1/services");
        api.dropAllWatches();
        api.create(KubeObjects.parse(service("after-429", "10.0.6.3")));
        eventually("a change made while the watches were refused",
                () -> answers(h, "after-429.testns.svc.cluster.local.", "10.0.6.3"));
        eventually("the refused watch resumed",
                () -> api.countRequests(PATHS.get("services"), true) >= watches.get("services") + 5);
        for (String r : kinds) {
            assertEquals(streamed ? 0 : 1, api.countRequests(PATHS.get(r), false), "LISTs of " + r + " before any 410");
            assertEquals(streamed ? 0.0 : 1.0, counter("kdns_kubernetes_api_list", "resource", r));
            assertEquals(1, api.countStreamingLists(PATHS.get(r)), "watches resume without a streaming list");
            assertEquals(streamed ? 0.0 : 1.0, counter("kdns_kubernetes_api_watch_ends", "resource", r,
                    "reason", "unsupported"), "the refused streaming list of " + r);
        }
        assertTrue(counter("kdns_kubernetes_api_watch_ends", "resource", "services", "reason", "closed") >= 1);
        assertTrue(counter("kdns_kubernetes_api_watch_ends", "resource", "services", "reason", "lost") >= 2);
        assertTrue(counter("kdns_kubernetes_api_watch_ends", "resource", "services", "reason", "error") >= 2);

        // 410 Gone: a change of a kind kdns does not watch moves the version on, the history is
        // forgotten, and every watch resumes from a version now too old: one more streaming list
        // each, or (where the server does not stream lists: remembered, not tried again) one LIST.
        api.create(KubeObjects.parse("""
                {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"x","namespace":"testns"}}"""));
        api.compact();
        api.endAllWatches();
        api.create(KubeObjects.parse(service("after-410", "10.0.6.4")));
        eventually("after 410 the relist brings the change",
                () -> answers(h, "after-410.testns.svc.cluster.local.", "10.0.6.4"));
        for (String r : kinds) {
            if (streamed) {
                eventually("the " + r + " informer streamed its list again after 410",
                        () -> api.countStreamingLists(PATHS.get(r)) == 2);
            } else {
                eventually("the " + r + " informer listed again after 410",
                        () -> api.countRequests(PATHS.get(r), false) == 2);
            }
            eventually("and watches again", () -> api.activeWatches() == kinds.size());
            assertEquals(streamed ? 0 : 2, api.countRequests(PATHS.get(r), false), "exactly one more LIST of " + r);
            assertEquals(streamed ? 2 : 1, api.countStreamingLists(PATHS.get(r)),
                    "exactly one more streaming list of " + r);
            assertEquals(1.0, counter("kdns_kubernetes_api_watch_ends", "resource", r, "reason", "expired"));
        }
    }

    @Test
    void endpointSlicesWithoutEndpointsAsGoWritesThemAreListedAndWatched() throws Exception {
        api = FakeApiServer.start();
        api.loadObjects(AcceptanceCases.root().get("objects"));
        api.create(KubeObjects.parse(headless("empty-hl")));
        String nullEndpoints = """
                {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","addressType":"IPv4",
                 "metadata":{"name":"%s","namespace":"testns","labels":{"kubernetes.io/service-name":"%s"}},
                 "endpoints":null,"ports":null}""";
        api.create(KubeObjects.parse(nullEndpoints.formatted("empty-hl-1", "empty-hl")));
        Handler h = start("");
        assertTrue(answers(h, "svc1.testns.svc.cluster.local.", "10.0.0.1"), "synced despite endpoints:null");
        api.create(KubeObjects.parse(headless("later-hl")));
        api.create(KubeObjects.parse(slice("later-hl-1", "later-hl", "172.7.0.1")));
        eventually("endpoints arrive", () -> answers(h, "later-hl.testns.svc.cluster.local.", "172.7.0.1"));
        api.apply(KubeObjects.parse(nullEndpoints.formatted("later-hl-1", "later-hl")));
        eventually("and go again with endpoints:null", () -> answers(h, "later-hl.testns.svc.cluster.local."));
        assertEquals(0, api.countRequests(PATHS.get("endpointslices"), false));
        assertEquals(1, api.countRequests(PATHS.get("endpointslices"), true), "the streaming list, then its watch");
    }

    @Test
    void everyRequestNamesKdnsAsItsUserAgent() throws Exception {
        api = FakeApiServer.start();
        Handler h = start("");
        assertTrue(answers(h, "svc1.testns.svc.cluster.local.", "10.0.0.1"));
        List<String> agents = api.userAgents();
        assertTrue(agents.size() >= 3, "a streaming list per kind at least: " + agents);
        for (String ua : agents) {
            assertTrue(ua.matches("kdns/[^ ]+ \\([a-z0-9]+/[a-z0-9_]+\\) kubernetes"), "User-Agent: " + ua);
        }
        String arch = System.getProperty("os.arch").equals("amd64") || System.getProperty("os.arch").equals("x86_64")
                ? "amd64" : System.getProperty("os.arch");
        assertTrue(agents.get(0).contains("(linux/" + arch + ")") || !System.getProperty("os.name").equals("Linux"),
                agents.get(0));
    }
}
