package kdns.plugin.multicluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.plugin.kubernetes.KubernetesConfig;
import kdns.plugin.kubernetes.KubernetesDirective;
import kdns.plugin.kubernetes.KubernetesPlugin;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import kdns.testing.cases.CaseCheck;
import kdns.testing.kubernetes.FakeApiServer;
import kdns.testing.kubernetes.KubeObjects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The kubernetes plugin's {@code multicluster ZONES} option: the cases of cases/multicluster.json
 * answered by {@code kubernetes cluster.local clusterset.local { multicluster clusterset.local }}
 * against the fake API server (the same shared code as the multicluster plugin; TTL is the kubernetes
 * {@code ttl}, 5 by default), while cluster.local names keep working.
 */
class KubernetesMulticlusterOptionTest {

    private static final int NEXT_MARKER = Rcode.NOTAUTH;
    private static final List<TestController> STARTED = new ArrayList<>();
    private static final List<FakeApiServer> APIS = new ArrayList<>();

    @AfterAll
    static void stopAll() {
        STARTED.forEach(TestController::runShutdown);
        APIS.forEach(FakeApiServer::close);
    }

    private static KubernetesConfig parse(String text) throws PluginException {
        return KubernetesDirective.parse(TestController.of(text, List.of("cluster.local", "clusterset.local")));
    }

    @Test
    void optionParses() throws Exception {
        KubernetesConfig c = parse("kubernetes cluster.local clusterset.local {\n multicluster clusterset.local\n}");
        assertEquals(List.of("clusterset.local."), c.multiclusterZones());
        assertEquals("cluster.local.", c.primaryZone());
        KubernetesConfig first = parse("kubernetes clusterset.local cluster.local {\n multicluster CLUSTERSET.local.\n}");
        assertEquals(List.of("clusterset.local."), first.multiclusterZones());
        assertEquals("cluster.local.", first.primaryZone(), "PTR targets stay in the cluster zone");
        assertTrue(parse("kubernetes cluster.local").multiclusterZones().isEmpty());
    }

    @Test
    void optionErrors() {
        PluginException none = assertThrows(PluginException.class,
                () -> parse("kubernetes cluster.local clusterset.local {\n multicluster\n}"));
        assertTrue(none.getMessage().contains("Wrong argument count"), none.getMessage());
        PluginException outside = assertThrows(PluginException.class,
                () -> parse("kubernetes cluster.local {\n multicluster clusterset.local\n}"));
        assertTrue(outside.getMessage().contains("multicluster zone 'clusterset.local.' must also be one of"),
                outside.getMessage());
        assertTrue(outside.getMessage().contains(":2"), outside.getMessage());
    }

    private static Handler start(JsonNode objects, String extraLines, Path dir) throws Exception {
        FakeApiServer api = FakeApiServer.start();
        APIS.add(api);
        api.loadObjects(objects);
        String directive = "kubernetes cluster.local clusterset.local {\n    kubeconfig " + api.kubeconfig(dir)
                + "\n    multicluster clusterset.local\n" + extraLines + "}";
        TestController tc = TestController.of(directive, List.of("."));
        new KubernetesPlugin().setup(tc);
        tc.runStartup();
        STARTED.add(tc);
        return tc.handler(TestHandlers.answering(NEXT_MARKER));
    }

    @TestFactory
    Stream<DynamicNode> sharedCases() throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/cases/multicluster.json")) {
            root = new ObjectMapper().readTree(in);
        }
        List<DynamicNode> out = new ArrayList<>();
        for (JsonNode suite : root.get("suites")) {
            if (suite.get("cases").isEmpty() || (suite.has("synced") && !suite.get("synced").asBoolean())) {
                continue;
            }
            String corefile = suite.get("corefile").asText();
            String extra = (corefile.contains("fallthrough") ? "    fallthrough\n" : "")
                    + (corefile.contains("noendpoints") ? "    noendpoints\n" : "");
            Handler h = start(suite.get("objects"), extra, Files.createTempDirectory("kdns-k8s-mc"));
            awaitSlices(h, suite.get("cases"));
            List<DynamicTest> tests = new ArrayList<>();
            for (JsonNode c : suite.get("cases")) {
                tests.add(DynamicTest.dynamicTest(c.get("qname").asText() + " " + c.get("qtype").asText(),
                        () -> run(h, c)));
            }
            out.add(DynamicContainer.dynamicContainer(suite.get("name").asText(), tests));
        }
        assertFalse(out.isEmpty());
        return out.stream();
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n != null) {
            n.forEach(x -> out.add(x.asText()));
        }
        return out;
    }

    /**
     * Waits (bounded) until every case of the suite with answers gets them. The start-up waits for
     * the ServiceImports' first list but, like CoreDNS's multicluster controller, not for the
     * EndpointSlices', so a query right after it can come before the slices are indexed; the
     * cases are then checked once each against the synced state. A case that never gets its
     * answers is left to fail in its own test with its differences.
     */
    private static void awaitSlices(Handler h, JsonNode cases) throws Exception {
        for (int i = 0; i < 500; i++) {
            boolean all = true;
            for (JsonNode c : cases) {
                if (!strings(c.get("answer")).isEmpty() && !CaseCheck.differences(ask(h, c), expected(c)).isEmpty()) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return;
            }
            Thread.sleep(20);
        }
    }

    private static Message ask(Handler h, JsonNode c) throws Exception {
        RecordingWriter w = new RecordingWriter();
        h.serve(TestRequests.query(c.get("qname").asText(), Type.value(c.get("qtype").asText())), w);
        return w.await(5, TimeUnit.SECONDS);
    }

    private static CaseCheck.Expected expected(JsonNode c) {
        return new CaseCheck.Expected(c.get("rcode").asText(), strings(c.get("answer")), strings(c.get("ns")),
                strings(c.get("extra")));
    }

    private static void run(Handler h, JsonNode c) throws Exception {
        Message reply = ask(h, c);
        if (c.get("rcode").asText().equals("NEXT")) {
            assertEquals(NEXT_MARKER, reply.getRcode(), reply.toString());
            return;
        }
        List<String> diffs = CaseCheck.differences(reply, expected(c));
        assertTrue(diffs.isEmpty(), c + ": " + diffs + "\n" + reply);
    }

    @Test
    void clusterNamesStillServedAndTtlApplies(@TempDir Path dir) throws Exception {
        FakeApiServer api = FakeApiServer.start();
        APIS.add(api);
        api.create(KubeObjects.namespace("db").build());
        api.create(KubeObjects.parse("""
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"db"},
                 "spec":{"type":"ClusterIP","clusterIP":"10.96.0.20","clusterIPs":["10.96.0.20"],
                         "ports":[{"name":"http","protocol":"TCP","port":80}]}}"""));
        api.create(KubeObjects.serviceImport("db", "web").ips("10.99.0.1").port("http", "TCP", 80).build());
        TestController tc = TestController.of("kubernetes cluster.local clusterset.local {\n kubeconfig "
                + api.kubeconfig(dir) + "\n ttl 30\n multicluster clusterset.local\n}", List.of("."));
        new KubernetesPlugin().setup(tc);
        tc.runStartup();
        STARTED.add(tc);
        Handler h = tc.handler(TestHandlers.answering(NEXT_MARKER));
        Record cluster = ask(h, "web.db.svc.cluster.local.", Type.A).getSection(Section.ANSWER).get(0);
        assertEquals("10.96.0.20", cluster.rdataToString());
        Record set = ask(h, "web.db.svc.clusterset.local.", Type.A).getSection(Section.ANSWER).get(0);
        assertEquals("10.99.0.1", set.rdataToString());
        assertEquals(30, set.getTTL());
        // Outside both zones: the next plugin.
        assertEquals(NEXT_MARKER, ask(h, "example.org.", Type.A).getRcode());
        // A cluster Service does not exist in the cluster set without a ServiceImport, and vice versa.
        assertEquals(Rcode.NXDOMAIN, ask(h, "other.db.svc.clusterset.local.", Type.A).getRcode());
    }

    private static Message ask(Handler h, String name, int type) throws Exception {
        RecordingWriter w = new RecordingWriter();
        h.serve(TestRequests.query(name, type), w);
        return w.await(5, TimeUnit.SECONDS);
    }
}
