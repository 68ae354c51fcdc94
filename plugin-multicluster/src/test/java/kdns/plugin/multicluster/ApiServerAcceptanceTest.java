package kdns.plugin.multicluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kdns.api.Handler;
import kdns.api.Plugin;
import kdns.plugin.kubernetes.KubernetesPlugin;
import kdns.testing.DnsClient;
import kdns.testing.InProcessServer;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import kdns.testing.cases.CaseCheck;
import kdns.testing.kubernetes.FakeApiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Every case of cases/multicluster.json against the fake API server with the official client: per
 * suite, one API server holding the suite's objects and one multicluster plugin whose block gets
 * {@code kubeconfig FILE}, as the acceptance harness does. Each case is asked twice: through the
 * plugin's handler with a marker next handler (so NEXT cases are checked), and, for the other
 * cases, over UDP from a real kdns server on 127.0.0.1 with the same Corefile.
 */
class ApiServerAcceptanceTest {

    /** What the next handler answers: a reply no multicluster answer can be. */
    private static final int NEXT_MARKER = Rcode.NOTAUTH;

    private static final List<AutoCloseable> OPEN = new ArrayList<>();

    @AfterAll
    static void stopAll() throws Exception {
        for (int i = OPEN.size() - 1; i >= 0; i--) {
            try {
                OPEN.get(i).close();
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        OPEN.clear();
    }

    @TestFactory
    Stream<DynamicNode> suites() throws Exception {
        List<DynamicNode> out = new ArrayList<>();
        for (McsCases.Suite s : McsCases.suites()) {
            if (s.cases().isEmpty()) {
                continue;
            }
            Env env = start(s, new MulticlusterPlugin());
            out.add(DynamicContainer.dynamicContainer(s.name(), s.cases().stream().map(c ->
                    DynamicTest.dynamicTest(c.toString(), () -> run(env, c)))));
        }
        assertFalse(out.isEmpty());
        return out.stream();
    }

    /**
     * The suites of cases/kubernetes.json for the kubernetes block's {@code multicluster} option:
     * the kubernetes plugin finds this module's {@link KubernetesClusterSetOption} and answers the
     * cluster-set zone through it (plugin-kubernetes alone refuses these Corefiles).
     */
    @TestFactory
    Stream<DynamicNode> kubernetesOptionSuites() throws Exception {
        List<DynamicNode> out = new ArrayList<>();
        for (McsCases.Suite s : McsCases.kubernetesOptionSuites()) {
            Env env = start(s, new KubernetesPlugin());
            out.add(DynamicContainer.dynamicContainer(s.name(), s.cases().stream().map(c ->
                    DynamicTest.dynamicTest(c.toString(), () -> run(env, c)))));
        }
        assertFalse(out.isEmpty());
        return out.stream();
    }

    /** A suite's running API server, plugin handler and DNS server. */
    private record Env(Handler handler, InProcessServer dns) {
    }

    private static Env start(McsCases.Suite s, Plugin plugin) throws Exception {
        Path dir = Files.createTempDirectory("kdns-mc-acceptance");
        FakeApiServer api = FakeApiServer.start();
        OPEN.add(api);
        Path kc = api.kubeconfig(dir);
        if (s.synced()) {
            api.loadObjects(s.objects());
        } else {
            api.close(); // nothing listens on the API port
        }
        String directive = McsCases.withLines(s.corefile(), "kubeconfig " + kc);
        TestController tc = TestController.of(directive, List.of("."));
        plugin.setup(tc);
        tc.runStartup();
        OPEN.add(tc::runShutdown);
        Handler h = tc.handler(TestHandlers.answering(NEXT_MARKER));
        InProcessServer dns = InProcessServer.start(".:0 {\n" + directive + "\n}\n");
        OPEN.add(dns);
        return new Env(h, dns);
    }

    private static void run(Env env, McsCases.Case c) throws Exception {
        int type = Type.value(c.qtype());
        RecordingWriter w = new RecordingWriter();
        env.handler().serve(TestRequests.query(c.qname(), type), w);
        Message reply = w.await(5, TimeUnit.SECONDS);
        if (c.rcode().equals("NEXT")) {
            assertEquals(NEXT_MARKER, reply.getRcode(), c + ": expected the next plugin's reply\n" + reply);
            return;
        }
        check(c, reply);
        Message wire = DnsClient.udp(env.dns().address(), c.qname(), type);
        if (wire.getHeader().getFlag(Flags.TC)) {
            wire = DnsClient.tcp(env.dns().address(), c.qname(), type);
        }
        List<String> diffs = differences(c, wire);
        if (!diffs.isEmpty() && wire.toWire().length > 400
                && diffs.stream().allMatch(d -> d.startsWith("additional: missing"))) {
            // The server's UDP writer trims glue to fit 512 bytes without setting TC (like CoreDNS's
            // scrub); the full additional section is what the plugin answered: check it over TCP.
            wire = DnsClient.tcp(env.dns().address(), c.qname(), type);
        }
        check(c, wire);
    }

    private static List<String> differences(McsCases.Case c, Message reply) {
        return CaseCheck.differences(reply, new CaseCheck.Expected(c.rcode(), c.answer(), c.ns(), c.extra()));
    }

    private static void check(McsCases.Case c, Message reply) {
        List<String> diffs = differences(c, reply);
        assertTrue(diffs.isEmpty(), c + ": " + diffs + "\n" + reply);
        int rcode = reply.getRcode();
        if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN || reply.getSection(org.xbill.DNS.Section.AUTHORITY).isEmpty() == false) {
            assertTrue(reply.getHeader().getFlag(Flags.AA), c + ": AA must be set\n" + reply);
        }
    }
}
