package kdns.plugin.kubernetes;

import static kdns.testing.Polling.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import kdns.api.Handler;
import kdns.api.MetadataProvider;
import kdns.api.Readiness;
import kdns.api.Request;
import kdns.api.Transport;
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
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The informers against the fake API server: incremental updates reach the answers, lost watches,
 * 410 Gone and API outages keep the last known state and resync, start-up without an API server,
 * readiness and the metrics.
 */
@Timeout(120)
class LiveUpdatesTest {

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
        api = FakeApiServer.start();
        api.loadObjects(AcceptanceCases.root().get("objects"));
        controller = TestController.of("kubernetes cluster.local in-addr.arpa {\n kubeconfig " + api.kubeconfig(dir)
                + "\n" + options + "\n}");
        new KubernetesPlugin().setup(controller);
        Handler h = controller.handler(TestHandlers.answering(Rcode.NOERROR));
        controller.runStartup();
        return h;
    }

    private static Message ask(Handler h, String name, int type) throws Exception {
        RecordingWriter w = new RecordingWriter();
        int rc = h.serve(TestRequests.query(name, type), w);
        if (!w.written()) {
            Message m = new Message();
            m.getHeader().setRcode(rc);
            return m;
        }
        return w.msg();
    }

    private static List<String> addresses(Message m) {
        return m.getSection(Section.ANSWER).stream().filter(r -> r instanceof ARecord)
                .map(r -> ((ARecord) r).getAddress().getHostAddress()).sorted().toList();
    }

    private static boolean answers(Handler h, String name, String... ips) {
        try {
            return addresses(ask(h, name, Type.A)).equals(List.of(ips));
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean rcode(Handler h, String name, int rcode) {
        try {
            return ask(h, name, Type.A).getRcode() == rcode;
        } catch (Exception e) {
            return false;
        }
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

    private static String slice(String name, String svc, String trigger, String... ips) {
        StringBuilder eps = new StringBuilder();
        for (String ip : ips) {
            eps.append(eps.isEmpty() ? "" : ",").append("{\"addresses\":[\"").append(ip)
                    .append("\"],\"conditions\":{\"ready\":true}}");
        }
        String ann = trigger == null ? "" : ",\"annotations\":{\"endpoints.kubernetes.io/last-change-trigger-time\":\""
                + trigger + "\"}";
        return """
                {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","addressType":"IPv4",
                 "metadata":{"name":"%s","namespace":"testns","labels":{"kubernetes.io/service-name":"%s"}%s},
                 "endpoints":[%s],"ports":[{"name":"http","protocol":"TCP","port":8080}]}"""
                .formatted(name, svc, ann, eps);
    }

    @Test
    void incrementalUpdatesReachTheAnswers() throws Exception {
        Handler h = start("");
        assertTrue(((Readiness) controller.instance().handlers().get(0)).ready());
        assertTrue(answers(h, "svc1.testns.svc.cluster.local.", "10.0.0.1"));
        assertEquals(Rcode.NXDOMAIN, ask(h, "live.testns.svc.cluster.local.", Type.A).getRcode());

        api.create(KubeObjects.parse(service("live", "10.0.9.1")));
        eventually("the new service answers", () -> answers(h, "live.testns.svc.cluster.local.", "10.0.9.1"));

        api.create(KubeObjects.parse(headless("hl")));
        api.create(KubeObjects.parse(slice("hl-1", "hl", null, "172.9.0.1", "172.9.0.2")));
        eventually("the headless service answers its endpoints",
                () -> answers(h, "hl.testns.svc.cluster.local.", "172.9.0.1", "172.9.0.2"));
        api.update(KubeObjects.parse(slice("hl-1", "hl", null, "172.9.0.3")));
        eventually("an endpoint change is seen", () -> answers(h, "hl.testns.svc.cluster.local.", "172.9.0.3"));
        eventually("the endpoint PTR follows", () -> {
            try {
                Message m = ask(h, "3.0.9.172.in-addr.arpa.", Type.PTR);
                return m.getSection(Section.ANSWER).size() == 1;
            } catch (Exception e) {
                return false;
            }
        });
        assertEquals(0, ptrAnswers(h, "1.0.9.172.in-addr.arpa."), "the old address's PTR is gone");
        api.delete("endpointslices", "testns", "hl-1");
        eventually("a headless service without endpoints is NXDOMAIN",
                () -> rcode(h, "hl.testns.svc.cluster.local.", Rcode.NXDOMAIN));

        api.delete("services", "testns", "live");
        eventually("the deleted service is gone", () -> rcode(h, "live.testns.svc.cluster.local.", Rcode.NXDOMAIN));

        api.delete("namespaces", null, "unexposedns");
        eventually("a deleted namespace hides its services",
                () -> rcode(h, "svc1.unexposedns.svc.cluster.local.", Rcode.NXDOMAIN));
    }

    @Test
    void lostWatchesAndGoneVersionsResync() throws Exception {
        Handler h = start("");
        api.dropAllWatches();
        api.create(KubeObjects.parse(service("after-drop", "10.0.9.2")));
        eventually("a change made while the watches were broken arrives",
                () -> answers(h, "after-drop.testns.svc.cluster.local.", "10.0.9.2"));

        api.compact();
        api.endAllWatches();
        api.delete("services", "testns", "after-drop");
        api.create(KubeObjects.parse(service("after-410", "10.0.9.3")));
        eventually("after 410 Gone the relist brings additions",
                () -> answers(h, "after-410.testns.svc.cluster.local.", "10.0.9.3"));
        eventually("and deletions", () -> rcode(h, "after-drop.testns.svc.cluster.local.", Rcode.NXDOMAIN));
    }

    private static int ptrAnswers(Handler h, String name) {
        try {
            return ask(h, name, Type.PTR).getSection(Section.ANSWER).size();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void endpointChangesMadeWhileTheWatchWasAwayArriveByTheRelist() throws Exception {
        Handler h = start("");
        api.create(KubeObjects.parse(headless("hl")));
        api.create(KubeObjects.parse(slice("hl-1", "hl", null, "172.9.0.1", "172.9.0.2")));
        api.create(KubeObjects.parse(slice("hl-2", "hl", null, "172.9.0.5")));
        eventually("both slices answer", () -> answers(h, "hl.testns.svc.cluster.local.", "172.9.0.1", "172.9.0.2",
                "172.9.0.5"));
        api.compact();
        api.endAllWatches();
        api.update(KubeObjects.parse(slice("hl-1", "hl", null, "172.9.0.3", "172.9.0.2")));
        api.delete("endpointslices", "testns", "hl-2");
        eventually("the moved endpoint and the deletion arrive",
                () -> answers(h, "hl.testns.svc.cluster.local.", "172.9.0.2", "172.9.0.3"));
        assertEquals(1, ptrAnswers(h, "3.0.9.172.in-addr.arpa."), "the new address's PTR");
        assertEquals(1, ptrAnswers(h, "2.0.9.172.in-addr.arpa."), "the address that stayed");
        assertEquals(0, ptrAnswers(h, "1.0.9.172.in-addr.arpa."), "no PTR left for the address that moved");
        assertEquals(0, ptrAnswers(h, "5.0.9.172.in-addr.arpa."), "nor for the deleted slice's");
        assertTrue(rcode(h, "172-9-0-1.hl.testns.svc.cluster.local.", Rcode.NXDOMAIN));
    }

    @Test
    void anApiOutageKeepsTheLastKnownState() throws Exception {
        Handler h = start("");
        api.stop();
        Thread.sleep(300);
        assertTrue(answers(h, "svc1.testns.svc.cluster.local.", "10.0.0.1"), "still served during the outage");
        assertEquals(Rcode.NXDOMAIN, ask(h, "nope.testns.svc.cluster.local.", Type.A).getRcode(),
                "still synced: a known-missing name stays NXDOMAIN");
        api.restart();
        api.create(KubeObjects.parse(service("after-outage", "10.0.9.4")));
        eventually("changes after the outage arrive",
                () -> answers(h, "after-outage.testns.svc.cluster.local.", "10.0.9.4"));
    }

    @Test
    void withoutAnApiServerStartUpGivesUpAndNameErrorsAreServfail() throws Exception {
        api = FakeApiServer.start();
        Path kc = api.kubeconfig(dir);
        api.close();
        controller = TestController.of("kubernetes cluster.local in-addr.arpa {\n kubeconfig " + kc
                + "\n startup_timeout 300ms\n fallthrough in-addr.arpa\n}");
        new KubernetesPlugin().setup(controller);
        Handler h = controller.handler(TestHandlers.answering(Rcode.NOERROR));
        long t0 = System.nanoTime();
        controller.runStartup();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 250 && ms < 5000, "start-up waited " + ms + " ms");
        assertFalse(((Readiness) controller.instance().handlers().get(0)).ready());
        Message m = ask(h, "svc1.testns.svc.cluster.local.", Type.A);
        assertEquals(Rcode.SERVFAIL, m.getRcode());
        assertEquals(1, m.getSection(Section.AUTHORITY).size(), "SERVFAIL with the SOA");
        assertEquals(Rcode.NOERROR, ask(h, "cluster.local.", Type.SOA).getRcode());
        RecordingWriter w = new RecordingWriter();
        h.serve(TestRequests.query("1.2.3.4.in-addr.arpa.", Type.PTR), w);
        assertEquals(Rcode.NOERROR, w.msg().getRcode(), "fallthrough comes before the unsynced SERVFAIL");
        assertTrue(w.msg().getSection(Section.AUTHORITY).isEmpty(), "answered by the next handler");
    }

    @Test
    void metrics() throws Exception {
        Handler h = start("");
        api.create(KubeObjects.parse(service("m", "10.0.9.5")));
        String trigger = OffsetDateTime.now().minusSeconds(1).toString();
        api.create(KubeObjects.parse(slice("m-1", "m", trigger, "172.9.1.1")));
        eventually("the endpoint is served", () -> answers(h, "172-9-1-1.m.testns.svc.cluster.local.", "172.9.1.1"));
        long programmed = 0;
        long requests = 0;
        for (MetricSnapshot s : controller.instance().metrics().prometheus().scrape()) {
            String n = s.getMetadata().getName();
            if (n.equals("coredns_kubernetes_dns_programming_duration_seconds") && s instanceof HistogramSnapshot hs) {
                for (HistogramSnapshot.HistogramDataPointSnapshot d : hs.getDataPoints()) {
                    assertEquals("cluster_ip", d.getLabels().get("service_kind"));
                    programmed += d.getCount();
                    assertTrue(d.getSum() >= 0.9, "measured from the trigger time: " + d.getSum());
                }
            }
            if (n.startsWith("coredns_kubernetes_rest_client_requests") && s instanceof CounterSnapshot cs) {
                for (CounterSnapshot.CounterDataPointSnapshot d : cs.getDataPoints()) {
                    requests += (long) d.getValue();
                    assertTrue(d.getLabels().get("host").startsWith("127.0.0.1:"), d.getLabels().toString());
                }
            }
        }
        assertEquals(1, programmed);
        assertTrue(requests >= 3, "list requests counted: " + requests);
    }

    @Test
    void podsVerifiedWatchesPods() throws Exception {
        Handler h = start("pods verified");
        assertTrue(answers(h, "10-240-0-1.podns.pod.cluster.local.", "10.240.0.1"));
        api.create(KubeObjects.parse("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p2","namespace":"podns"},
                 "spec":{"containers":[{"name":"c","image":"x"}]},
                 "status":{"phase":"Running","podIP":"10.240.0.2","podIPs":[{"ip":"10.240.0.2"}]}}"""));
        eventually("a new pod answers", () -> answers(h, "10-240-0-2.podns.pod.cluster.local.", "10.240.0.2"));
        api.delete("pods", "podns", "p2");
        eventually("a deleted pod is gone", () -> rcode(h, "10-240-0-2.podns.pod.cluster.local.", Rcode.NXDOMAIN));
        for (Record r : ask(h, "10-240-0-1.podns.pod.cluster.local.", Type.A).getSection(Section.ANSWER)) {
            assertEquals(5, r.getTTL());
        }
    }

    /** The client-* metadata of a query from {@code ip}, as the handler the plugin added provides it. */
    private static Map<String, String> clientMetadata(Handler h, String ip) {
        Request r = TestRequests.from(TestRequests.message("example.com.", Type.A, org.xbill.DNS.DClass.IN),
                Transport.UDP, new java.net.InetSocketAddress(ip, 40000));
        ((MetadataProvider) h).provideMetadata(r);
        Map<String, String> md = new TreeMap<>();
        for (String label : r.metadataLabels()) {
            md.put(label, r.metadata(label));
        }
        return md;
    }

    private static String labelledPod(String labels) {
        return """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"client","namespace":"podns","labels":%s},
                 "spec":{"containers":[{"name":"c","image":"x"}]},
                 "status":{"phase":"Running","podIP":"10.240.0.9","podIPs":[{"ip":"10.240.0.9"}]}}""".formatted(labels);
    }

    @Test
    void clientPodMetadataFollowsTheWatch() throws Exception {
        Handler h = start("pods verified");
        assertTrue(h instanceof MetadataProvider, "the plugin's handler provides metadata");
        api.create(KubeObjects.parse(labelledPod("{\"app\":\"web\"}")));
        Map<String, String> first = Map.of("kubernetes/client-namespace", "podns",
                "kubernetes/client-pod-name", "client", "kubernetes/client-label/app", "web");
        eventually("the new pod labels its queries", () -> clientMetadata(h, "10.240.0.9").equals(first));
        api.update(KubeObjects.parse(labelledPod("{\"app\":\"api\",\"tier\":\"b\"}")));
        Map<String, String> relabelled = Map.of("kubernetes/client-namespace", "podns",
                "kubernetes/client-pod-name", "client", "kubernetes/client-label/app", "api",
                "kubernetes/client-label/tier", "b");
        eventually("new labels are provided", () -> clientMetadata(h, "10.240.0.9").equals(relabelled));
        api.delete("pods", "podns", "client");
        eventually("a deleted pod labels nothing", () -> clientMetadata(h, "10.240.0.9").isEmpty());
    }
}
