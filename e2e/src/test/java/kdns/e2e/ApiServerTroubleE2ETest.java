package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import kdns.testing.DnsClient;
import kdns.testing.kubernetes.FakeApiServer;
import kdns.testing.kubernetes.KubeObjects;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Every plugin that watches the API server (kubernetes with {@code pods verified}, k8s_external,
 * multicluster) in one bin/kdns, against an API server that sends BOOKMARKs ten times a second and
 * meanwhile drops every watch, ends every watch, and answers resuming watches with 410 Gone: after
 * each fault a change made during it is answered, dropped and ended watches resume without listing
 * again, and 410 costs exactly one more list (streamed, or a LIST where streaming is refused) of each
 * list-watch of that kind.
 */
class ApiServerTroubleE2ETest {

    /** The collections the plugins list and watch. */
    private static final List<String> KINDS = List.of("/api/v1/namespaces", "/api/v1/services",
            "/apis/discovery.k8s.io/v1/endpointslices", "/api/v1/pods",
            "/apis/multicluster.x-k8s.io/v1alpha1/serviceimports");

    private static Set<String> answers(Message m) {
        Set<String> out = new TreeSet<>();
        for (Record r : m.getSection(Section.ANSWER)) {
            out.add(r.rdataToString());
        }
        return out;
    }

    /** Asks until the answer is {@code ips}, for at most 10 s (a bound, not a timing assertion). */
    private static void answered(InetSocketAddress server, String name, String... ips) throws Exception {
        Set<String> want = new TreeSet<>(List.of(ips));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Message m;
        do {
            m = DnsClient.udp(server, name, Type.A);
            if (m.getRcode() == Rcode.NOERROR && answers(m).equals(want)) {
                return;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(name + " is not " + want + ":\n" + m);
    }

    /** The full lists of each kind so far: paged LISTs and streaming lists (watches with initial events). */
    private static Map<String, Integer> lists(FakeApiServer api) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String k : KINDS) {
            out.put(k, api.countRequests(k, false) + api.countStreamingLists(k));
        }
        return out;
    }

    private static void service(FakeApiServer api, String name, String clusterIp, String externalIp) {
        api.apply(KubeObjects.service("shop", name).clusterIP(clusterIp).externalIPs(externalIp)
                .port("http", "TCP", 80).build());
    }

    private static void serviceImport(FakeApiServer api, String name, String ip) {
        api.apply(KubeObjects.serviceImport("shop", name).ips(ip).port("http", "TCP", 80).build());
    }

    private static void pod(FakeApiServer api, String name, String ip) {
        api.apply(KubeObjects.pod("shop", name).ip(ip).build());
    }

    /** A change to each kind, then each of its names answered. */
    private static void changeAndCheck(FakeApiServer api, InetSocketAddress server, int round) throws Exception {
        String n = "svc" + round;
        service(api, n, "10.96.1." + round, "192.0.2." + round);
        serviceImport(api, n, "10.99.1." + round);
        pod(api, "pod" + round, "10.244.1." + round);
        api.apply(KubeObjects.endpointSlice("shop", "web-" + round).service("web")
                .endpoint(KubeObjects.endpoint("10.244.2." + round)).port("http", "TCP", 80).build());
        answered(server, n + ".shop.svc.cluster.local.", "10.96.1." + round);
        answered(server, n + ".shop.example.com.", "192.0.2." + round);
        answered(server, n + ".shop.svc.clusterset.local.", "10.99.1." + round);
        answered(server, "10-244-1-" + round + ".shop.pod.cluster.local.", "10.244.1." + round);
        String[] web = new String[round + 1];
        for (int i = 0; i <= round; i++) {
            web[i] = "10.244.2." + i;
        }
        answered(server, "web.shop.svc.cluster.local.", web);
    }

    /** With streaming lists (today's API servers) and with paged LISTs (servers that refuse them). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = FakeApiServer.WatchListSupport.class, names = {"SUPPORTED", "REJECTED"})
    void watchesSurviveBookmarksDropsEndsAndGone(FakeApiServer.WatchListSupport watchList, @TempDir Path dir)
            throws Exception {
        try (FakeApiServer api = FakeApiServer.start()) {
            api.setBookmarkInterval(Duration.ofMillis(100));
            api.setWatchList(watchList);
            api.create(KubeObjects.namespace("shop").build());
            api.create(KubeObjects.service("shop", "web").headless().port("http", "TCP", 80).build());
            Path kc = api.kubeconfig(dir);
            int port = KdnsProcess.freePort();
            String corefile = ".:" + port + " {\n"
                    + "    k8s_external example.com\n"
                    + "    kubernetes cluster.local {\n        kubeconfig " + kc + "\n        pods verified\n    }\n"
                    + "    multicluster clusterset.local {\n        kubeconfig " + kc + "\n    }\n"
                    + "}\n";
            try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
                InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
                changeAndCheck(api, server, 0);
                Map<String, Integer> atStart = lists(api);
                for (String k : KINDS) {
                    assertTrue(atStart.get(k) >= 1, k + " listed at start: " + atStart);
                    if (watchList == FakeApiServer.WatchListSupport.SUPPORTED) {
                        assertEquals(0, api.countRequests(k, false), k + ": streamed, no LIST");
                    }
                }

                api.dropAllWatches();
                changeAndCheck(api, server, 1);
                api.endAllWatches();
                changeAndCheck(api, server, 2);
                api.dropAllWatches();
                changeAndCheck(api, server, 3);
                assertEquals(atStart, lists(api), "dropped and ended watches resume without a LIST");
                assertTrue(api.bookmarksSent() > 0, "bookmarks were sent meanwhile");

                // 410 Gone on resuming, kind by kind (the fake answers the next watches of one path with
                // it): each list-watch of that kind lists again, once, and no other kind does.
                Map<String, Integer> expected = new LinkedHashMap<>(atStart);
                for (String k : KINDS) {
                    api.failNextRequests(atStart.get(k), 410, k);
                    api.endAllWatches();
                    expected.put(k, 2 * atStart.get(k));
                    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    while (!lists(api).equals(expected) && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    assertEquals(expected, lists(api), k + ": one more LIST for each of its list-watches after 410 Gone");
                }
                changeAndCheck(api, server, 4);
                Map<String, Integer> after = lists(api);
                api.dropAllWatches();
                changeAndCheck(api, server, 5);
                assertEquals(after, lists(api), "and then no more");
                assertFalse(kdns.output().contains("Exception in thread"), kdns.output());
            }
        }
    }
}
