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
import kdns.testing.kubernetes.FakeApiServer.WatchListSupport;
import kdns.testing.kubernetes.KubeObjects;
import org.junit.jupiter.api.AfterEach;
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
 * Streaming lists (KEP-3157) through the whole plugin, against each of the fake API server's
 * behaviours, counted on both sides (the fake's request log and kdns's {@code kdns_kubernetes_api_*}
 * metrics): where the server streams lists, start-up is one WATCH per kind (the streaming list,
 * which goes on as the watch) and no LIST, and 410 Gone streams the list again; where it refuses
 * them (422, 400) or ignores them, each kind is listed once and watched once after one streaming
 * list, and 410 Gone lists again without trying to stream. Answers are the same in every case.
 * Waits are bounded polls.
 */
@Timeout(120)
class StreamingListTest {

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

    private Handler start(WatchListSupport support) throws Exception {
        api = FakeApiServer.start();
        api.setWatchList(support);
        if (support == WatchListSupport.IGNORED) {
            // the plain watch's first regular bookmark shows that the parameters were ignored (a
            // server without bookmarks is taken for one after 10 s of silence: StreamingListerWatcherTest)
            api.setBookmarkInterval(Duration.ofMillis(200));
        }
        api.loadObjects(AcceptanceCases.root().get("objects"));
        api.create(KubeObjects.parse(pod("streamed-pod", "10.240.9.1")));
        controller = TestController.of("kubernetes cluster.local {\n kubeconfig " + api.kubeconfig(dir)
                + "\n pods verified\n}");
        new KubernetesPlugin().setup(controller);
        Handler h = controller.handler(TestHandlers.answering(Rcode.NOERROR));
        controller.runStartup();
        return h;
    }

    private static String pod(String name, String ip) {
        return """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","namespace":"podns"},
                 "spec":{"containers":[{"name":"c","image":"x"}]},
                 "status":{"phase":"Running","podIP":"%s","podIPs":[{"ip":"%s"}]}}""".formatted(name, ip, ip);
    }

    private static String service(String name, String ip) {
        return """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"%s","namespace":"testns"},
                 "spec":{"type":"ClusterIP","clusterIP":"%s","clusterIPs":["%s"],
                         "ports":[{"name":"http","protocol":"TCP","port":80}]}}""".formatted(name, ip, ip);
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

    /** Whether the scrape has a data point of {@code name} for {@code resource}, whatever its value. */
    private boolean exported(String name, String resource) {
        for (MetricSnapshot s : controller.instance().metrics().prometheus().scrape()) {
            if (s.getMetadata().getName().equals(name) && s instanceof CounterSnapshot cs
                    && cs.getDataPoints().stream().anyMatch(d -> resource.equals(d.getLabels().get("resource")))) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest
    @EnumSource(WatchListSupport.class)
    void startUpAndRelistAfter410InEachOfTheServersBehaviours(WatchListSupport support) throws Exception {
        boolean streamed = support == WatchListSupport.SUPPORTED;
        Handler h = start(support);
        assertTrue(answers(h, "svc1.testns.svc.cluster.local.", "10.0.0.1"), "synced: " + support);
        assertTrue(answers(h, "10-240-9-1.podns.pod.cluster.local.", "10.240.9.1"));
        eventually("one watch per kind open", () -> api.activeWatches() == PATHS.size());
        for (Map.Entry<String, String> e : PATHS.entrySet()) {
            String r = e.getKey();
            String path = e.getValue();
            assertEquals(1, api.countStreamingLists(path), "streaming lists of " + r + " (" + support + ")");
            assertEquals(streamed ? 0 : 1, api.countRequests(path, false), "LISTs of " + r);
            assertEquals(streamed ? 1 : 2, api.countRequests(path, true), "WATCHes of " + r + " (the streaming list's too)");
            assertEquals(streamed ? 0.0 : 1.0, counter("kdns_kubernetes_api_list", "resource", r));
            assertTrue(exported("kdns_kubernetes_api_list", r), "the LIST counter of " + r + " is exported, at 0 too");
            assertEquals(streamed ? 1.0 : 2.0, counter("kdns_kubernetes_api_watch", "resource", r));
            assertEquals(streamed ? 0.0 : 1.0, counter("kdns_kubernetes_api_watch_ends", "resource", r,
                    "reason", "unsupported"));
            assertEquals(streamed ? 0.0 : 1.0, counter("kdns_kubernetes_api_watch_ends", "resource", r));
        }
        // a streaming list's objects are ADDED events (so are those of a plain watch that ignored
        // the parameters, read until that showed); a LIST's are not events
        boolean refused = support == WatchListSupport.REJECTED || support == WatchListSupport.BAD_REQUEST;
        assertEquals(refused, counter("kdns_kubernetes_api_watch_events", "resource", "pods", "type", "ADDED") == 0);

        api.create(KubeObjects.parse(service("live", "10.0.9.1")));
        eventually("a live change", () -> answers(h, "live.testns.svc.cluster.local.", "10.0.9.1"));

        // 410 Gone on resume: the list again, streamed where the server streams (the result of
        // the first try is remembered: no streaming list where it failed)
        api.create(KubeObjects.parse("""
                {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"x","namespace":"testns"}}"""));
        api.compact();
        api.endAllWatches();
        api.create(KubeObjects.parse(service("after-410", "10.0.9.2")));
        eventually("after 410 the list brings the change", () -> answers(h, "after-410.testns.svc.cluster.local.", "10.0.9.2"));
        for (Map.Entry<String, String> e : PATHS.entrySet()) {
            String r = e.getKey();
            String path = e.getValue();
            eventually("the " + r + " informer " + (streamed ? "streamed" : "listed") + " again",
                    () -> streamed ? api.countStreamingLists(path) == 2 : api.countRequests(path, false) == 2);
            assertEquals(streamed ? 2 : 1, api.countStreamingLists(path), "streaming lists of " + r);
            assertEquals(streamed ? 0 : 2, api.countRequests(path, false), "LISTs of " + r);
            assertEquals(1.0, counter("kdns_kubernetes_api_watch_ends", "resource", r, "reason", "expired"));
        }
        eventually("watching again", () -> api.activeWatches() == PATHS.size());
        assertTrue(answers(h, "svc1.testns.svc.cluster.local.", "10.0.0.1"));
        assertTrue(answers(h, "10-240-9-1.podns.pod.cluster.local.", "10.240.9.1"));
    }
}
