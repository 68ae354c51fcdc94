package kdns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
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
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Lists larger than a page: from a server that does not stream lists, the informers ask for pages
 * of 500 (the server pages a consistent list, not one from its watch cache), follow the continue
 * tokens after a 410 Gone, and every object arrives once, decoded one item at a time; from one that
 * streams them, every object arrives once from one streaming list, and again after 410 Gone.
 */
@Timeout(120)
class LargeListTest {

    static final int SERVICES = 1234;

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

    @Test
    void everyObjectOfAPagedListArrivesOnce() throws Exception {
        api = FakeApiServer.start();
        api.setWatchList(FakeApiServer.WatchListSupport.REJECTED);
        api.create(KubeObjects.namespace("big").build());
        for (int i = 0; i < SERVICES; i++) {
            api.create(KubeObjects.service("big", "s" + i).clusterIP("10.96." + (i >> 8) + "." + (i & 0xff))
                    .port("http", "TCP", 80).build());
        }
        controller = TestController.of("kubernetes cluster.local {\n kubeconfig " + api.kubeconfig(dir) + "\n}");
        new KubernetesPlugin().setup(controller);
        Handler h = controller.handler(TestHandlers.answering(Rcode.NOERROR));
        controller.runStartup();
        for (int i : new int[] {0, 499, 500, 1233}) {
            RecordingWriter w = new RecordingWriter();
            h.serve(TestRequests.query("s" + i + ".big.svc.cluster.local.", Type.A), w);
            assertEquals(Rcode.NOERROR, w.rcode(), "s" + i);
            assertEquals("10.96." + (i >> 8) + "." + (i & 0xff),
                    ((ARecord) w.msg().getSection(org.xbill.DNS.Section.ANSWER).get(0)).getAddress().getHostAddress());
        }
        List<String> lists = api.requests().stream().filter(r -> r.contains("/services") && !r.contains("watch=true"))
                .toList();
        assertTrue(!lists.isEmpty() && lists.stream().allMatch(r -> r.contains("limit=500")), lists.toString());

        // A relist after 410 Gone asks for a consistent list, which the server pages. (A dropped
        // watch resumes from its last version without a LIST; that version must be older than the
        // history the server kept: a change of a kind kdns does not watch moves the version on.)
        api.create(KubeObjects.parse(
                "{\"apiVersion\":\"v1\",\"kind\":\"Endpoints\",\"metadata\":{\"name\":\"moved-on\",\"namespace\":\"big\"}}"));
        api.compact();
        api.dropAllWatches();
        api.create(KubeObjects.service("big", "late").clusterIP("10.97.0.1").port("http", "TCP", 80).build());
        RecordingWriter late = null;
        for (int i = 0; i < 100; i++) {
            late = new RecordingWriter();
            h.serve(TestRequests.query("late.big.svc.cluster.local.", Type.A), late);
            if (late.rcode() == Rcode.NOERROR) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(Rcode.NOERROR, late.rcode());
        RecordingWriter first = new RecordingWriter();
        h.serve(TestRequests.query("s0.big.svc.cluster.local.", Type.A), first);
        assertEquals(Rcode.NOERROR, first.rcode(), "objects listed before the relist are still there");
        List<String> relists = api.requests().stream()
                .filter(r -> r.contains("/services") && !r.contains("watch=true") && r.contains("continue=")).toList();
        assertTrue(!relists.isEmpty(), "the consistent relist went page by page: " + api.requests());
    }

    @Test
    void everyObjectOfAStreamingListArrivesOnce() throws Exception {
        api = FakeApiServer.start();
        api.create(KubeObjects.namespace("big").build());
        for (int i = 0; i < SERVICES; i++) {
            api.create(KubeObjects.service("big", "s" + i).clusterIP("10.96." + (i >> 8) + "." + (i & 0xff))
                    .port("http", "TCP", 80).build());
        }
        controller = TestController.of("kubernetes cluster.local {\n kubeconfig " + api.kubeconfig(dir) + "\n}");
        new KubernetesPlugin().setup(controller);
        Handler h = controller.handler(TestHandlers.answering(Rcode.NOERROR));
        controller.runStartup();
        for (int i : new int[] {0, 499, 500, 1233}) {
            RecordingWriter w = new RecordingWriter();
            h.serve(TestRequests.query("s" + i + ".big.svc.cluster.local.", Type.A), w);
            assertEquals(Rcode.NOERROR, w.rcode(), "s" + i);
            assertEquals("10.96." + (i >> 8) + "." + (i & 0xff),
                    ((ARecord) w.msg().getSection(org.xbill.DNS.Section.ANSWER).get(0)).getAddress().getHostAddress());
        }
        assertEquals(0, api.countRequests("/api/v1/services", false), "no LIST");
        assertEquals(1, api.countStreamingLists("/api/v1/services"));
        assertEquals(SERVICES, addedServices(), "one ADDED event per Service");

        // After 410 Gone the list is streamed again, from the current state.
        api.create(KubeObjects.parse(
                "{\"apiVersion\":\"v1\",\"kind\":\"Endpoints\",\"metadata\":{\"name\":\"moved-on\",\"namespace\":\"big\"}}"));
        api.compact();
        api.dropAllWatches();
        api.create(KubeObjects.service("big", "late").clusterIP("10.97.0.1").port("http", "TCP", 80).build());
        RecordingWriter late = null;
        for (int i = 0; i < 100; i++) {
            late = new RecordingWriter();
            h.serve(TestRequests.query("late.big.svc.cluster.local.", Type.A), late);
            if (late.rcode() == Rcode.NOERROR) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(Rcode.NOERROR, late.rcode());
        RecordingWriter first = new RecordingWriter();
        h.serve(TestRequests.query("s0.big.svc.cluster.local.", Type.A), first);
        assertEquals(Rcode.NOERROR, first.rcode(), "objects streamed before the second streaming list are still there");
        assertEquals(0, api.countRequests("/api/v1/services", false), "still no LIST");
        assertEquals(2, api.countStreamingLists("/api/v1/services"));
        assertEquals(2 * SERVICES + 1, addedServices(), "every Service again, and late");
    }

    private double addedServices() {
        double sum = 0;
        for (var s : controller.instance().metrics().prometheus().scrape()) {
            if (s.getMetadata().getName().equals("kdns_kubernetes_api_watch_events")
                    && s instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot cs) {
                for (var d : cs.getDataPoints()) {
                    if ("services".equals(d.getLabels().get("resource")) && "ADDED".equals(d.getLabels().get("type"))) {
                        sum += d.getValue();
                    }
                }
            }
        }
        return sum;
    }
}
