package kdns.plugin.multicluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import kdns.api.Handler;
import kdns.api.zones.Fallthrough;
import kdns.host.metrics.PrometheusMetrics;
import kdns.plugin.kubernetes.KubernetesPlugin;
import kdns.testing.Polling;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import kdns.testing.kubernetes.FakeApiServer;
import kdns.testing.kubernetes.KubeObjects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The cluster-set watches (ServiceImports, exported EndpointSlices, and Namespaces for the
 * standalone plugin) against a fake API server that sends a BOOKMARK every 500 ms, alternating the
 * bare shape and Go's empty-object shape: after many bookmarks and live updates each collection was
 * listed once, by one streaming list that went on as its watch (the fake streams lists), and the
 * answers follow the updates.
 */
@Timeout(120)
class McsWatchProtocolTest {

    private static final String IMPORTS = "/apis/multicluster.x-k8s.io/v1alpha1/serviceimports";
    private static final String SLICES = "/apis/discovery.k8s.io/v1/endpointslices";
    private static final int ROUNDS = 6;

    @TempDir
    Path dir;

    private static JsonNode objects() throws Exception {
        try (InputStream in = McsWatchProtocolTest.class.getResourceAsStream("/cases/multicluster.json")) {
            return new ObjectMapper().readTree(in).get("suites").get(0).get("objects");
        }
    }

    private static String serviceImport(String name, String ip) {
        return """
                {"apiVersion":"multicluster.x-k8s.io/v1alpha1","kind":"ServiceImport",
                 "metadata":{"name":"%s","namespace":"testns"},
                 "spec":{"type":"ClusterSetIP","ports":[{"name":"http","protocol":"TCP","port":80}],"ips":["%s"]},
                 "status":{"clusters":[{"cluster":"clusterid"}]}}""".formatted(name, ip);
    }

    private static String headlessImport(String name) {
        return """
                {"apiVersion":"multicluster.x-k8s.io/v1alpha1","kind":"ServiceImport",
                 "metadata":{"name":"%s","namespace":"testns"},
                 "spec":{"type":"Headless","ports":[{"name":"http","protocol":"TCP","port":80}]},
                 "status":{"clusters":[{"cluster":"clusterid"}]}}""".formatted(name);
    }

    private static String exportedSlice(String name, String svc, String ip) {
        return """
                {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","addressType":"IPv4",
                 "metadata":{"name":"%s","namespace":"testns","labels":{
                   "multicluster.kubernetes.io/service-name":"%s","multicluster.kubernetes.io/source-cluster":"clusterid"}},
                 "endpoints":[{"addresses":["%s"],"conditions":{"ready":true}}],
                 "ports":[{"name":"http","protocol":"TCP","port":80}]}""".formatted(name, svc, ip);
    }

    private static List<String> addresses(Message m) {
        return m == null ? List.of() : m.getSection(Section.ANSWER).stream().filter(r -> r instanceof ARecord)
                .map(r -> ((ARecord) r).getAddress().getHostAddress()).sorted().toList();
    }

    /** LISTs or WATCHes of {@code path} whose query holds {@code must} (null: any). */
    private static int count(FakeApiServer api, String path, boolean watch, String must) {
        int n = 0;
        for (String r : api.requests()) {
            if (!r.startsWith("GET " + path + "?") && !r.equals("GET " + path)) {
                continue;
            }
            boolean isWatch = r.contains("watch=true");
            if (isWatch == watch && (must == null || r.contains(must))) {
                n++;
            }
        }
        return n;
    }

    /** Rounds of live updates through {@code answer}, each waited for, with bookmarks in between. */
    private static void liveUpdates(FakeApiServer api, Function<String, List<String>> answer) throws Exception {
        api.create(KubeObjects.parse(headlessImport("mcs-hl")));
        for (int i = 1; i <= ROUNDS; i++) {
            int round = i;
            int bookmarks = api.bookmarksSent();
            api.create(KubeObjects.parse(serviceImport("mcs" + i, "10.0.5." + i)));
            api.apply(KubeObjects.parse(exportedSlice("mcs-hl-1", "mcs-hl", "172.5.0." + i)));
            if (i > 1) {
                api.delete("serviceimports", "testns", "mcs" + (i - 1));
            }
            Polling.eventually("round " + i + " answers",
                    () -> answer.apply("mcs" + round + ".testns.svc.clusterset.local.").equals(List.of("10.0.5." + round))
                            && answer.apply("mcs-hl.testns.svc.clusterset.local.").equals(List.of("172.5.0." + round))
                            && answer.apply("mcs" + (round - 1) + ".testns.svc.clusterset.local.").isEmpty());
            Polling.eventually("round " + i + ": two bookmarks per watch", () -> api.bookmarksSent() >= bookmarks + 6);
        }
    }

    @Test
    void kubernetesMulticlusterOptionStreamsEachListOnceAcrossBookmarks() throws Exception {
        try (FakeApiServer api = FakeApiServer.start()) {
            api.setBookmarkInterval(Duration.ofMillis(500));
            api.loadObjects(objects());
            TestController tc = TestController.of("kubernetes cluster.local clusterset.local {\n    kubeconfig "
                    + api.kubeconfig(dir) + "\n    multicluster clusterset.local\n}", List.of("."));
            new KubernetesPlugin().setup(tc);
            tc.runStartup();
            try {
                Handler h = tc.handler(TestHandlers.answering(Rcode.NOTAUTH));
                liveUpdates(api, name -> {
                    try {
                        RecordingWriter w = new RecordingWriter();
                        h.serve(TestRequests.query(name, Type.A), w);
                        return addresses(w.msg());
                    } catch (Exception e) {
                        return List.of("error " + e);
                    }
                });
                assertEquals(0, count(api, IMPORTS, false, null), "ServiceImport LISTs");
                assertEquals(1, count(api, IMPORTS, true, null), "ServiceImport WATCHes");
                assertTrue(count(api, IMPORTS, true, "allowWatchBookmarks=true") == 1, "bookmarks asked for");
                assertEquals(1, count(api, IMPORTS, true, "sendInitialEvents=true"), "the WATCH is a streaming list");
                String exported = "multicluster.kubernetes.io";
                assertEquals(0, count(api, SLICES, false, exported), "exported EndpointSlice LISTs");
                assertEquals(1, count(api, SLICES, true, exported), "exported EndpointSlice WATCHes");
                assertEquals(0, count(api, SLICES, false, null), "EndpointSlice LISTs (the cluster's and exported)");
                assertEquals(2, count(api, SLICES, true, null), "EndpointSlice WATCHes");
                assertEquals(2, api.countStreamingLists(SLICES), "EndpointSlice streaming lists");
                assertEquals(0, count(api, "/api/v1/namespaces", false, null));
                assertEquals(1, count(api, "/api/v1/namespaces", true, null));
                assertEquals(1, count(api, "/api/v1/services", true, null));
                for (String ua : api.userAgents()) {
                    assertTrue(ua.startsWith("kdns/") && ua.endsWith(") kubernetes"), ua);
                }
            } finally {
                tc.runShutdown();
            }
        }
    }

    @Test
    void standaloneMulticlusterStreamsEachListOnceAcrossBookmarks() throws Exception {
        try (FakeApiServer api = FakeApiServer.start()) {
            api.setBookmarkInterval(Duration.ofMillis(500));
            api.loadObjects(objects());
            MulticlusterBackend backend = MulticlusterBackend.create(List.of("clusterset.local."), Fallthrough.NONE,
                    false, api.kubeconfig(dir).toString(), null, null, new PrometheusMetrics(), "kdns-9.9.9");
            backend.startAndWait();
            try {
                liveUpdates(api, name -> addresses(backend.answer(TestRequests.query(name, Type.A))));
                for (String path : List.of(IMPORTS, SLICES, "/api/v1/namespaces")) {
                    assertEquals(0, count(api, path, false, null), "LISTs of " + path);
                    assertEquals(1, count(api, path, true, null), "WATCHes of " + path);
                    assertEquals(1, api.countStreamingLists(path), "the WATCH of " + path + " is a streaming list");
                }
                for (String ua : api.userAgents()) {
                    assertTrue(ua.startsWith("kdns/9.9.9 (") && ua.endsWith(") multicluster"), ua);
                }
            } finally {
                backend.stop();
            }
        }
    }
}
