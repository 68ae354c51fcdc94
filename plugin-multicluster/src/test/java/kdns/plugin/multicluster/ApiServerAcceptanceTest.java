package kdns.plugin.multicluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import kdns.api.Handler;
import kdns.api.Plugin;
import kdns.plugin.kubernetes.KubernetesPlugin;
import kdns.testing.Directives;
import kdns.testing.InProcessServer;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import kdns.testing.cases.CaseCheck;
import kdns.testing.cases.CaseRunner;
import kdns.testing.cases.ServerReplies;
import kdns.testing.kubernetes.FakeApiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
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

    /** The suites of cases/multicluster.json, answered by the multicluster plugin. */
    private static final CaseRunner<McsCases.Suite, McsCases.Case, Env> MULTICLUSTER = runner(MulticlusterPlugin::new);

    /** The kubernetes.json suites of the kubernetes block's multicluster option, answered by the kubernetes plugin. */
    private static final CaseRunner<McsCases.Suite, McsCases.Case, Env> KUBERNETES_OPTION = runner(KubernetesPlugin::new);

    private static CaseRunner<McsCases.Suite, McsCases.Case, Env> runner(Supplier<Plugin> plugin) {
        return new CaseRunner<>(McsCases.Suite::name, McsCases.Suite::cases, McsCases.Case::toString,
                s -> start(s, plugin.get()), ApiServerAcceptanceTest::run);
    }

    @AfterAll
    static void stopAll() throws Exception {
        try {
            MULTICLUSTER.close();
        } finally {
            KUBERNETES_OPTION.close();
        }
    }

    @TestFactory
    Stream<DynamicNode> suites() throws Exception {
        List<DynamicNode> out = MULTICLUSTER.tests(McsCases.suites()).toList();
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
        List<DynamicNode> out = KUBERNETES_OPTION.tests(McsCases.kubernetesOptionSuites()).toList();
        assertFalse(out.isEmpty());
        return out.stream();
    }

    /** A suite's running API server, plugin handler and DNS server, closed in reverse order of start. */
    private record Env(Handler handler, InProcessServer dns, List<AutoCloseable> open) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            Exception first = null;
            for (int i = open.size() - 1; i >= 0; i--) {
                try {
                    open.get(i).close();
                } catch (Exception e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    private static Env start(McsCases.Suite s, Plugin plugin) throws Exception {
        List<AutoCloseable> open = new ArrayList<>();
        try {
            Path dir = Files.createTempDirectory("kdns-mc-acceptance");
            FakeApiServer api = FakeApiServer.start();
            open.add(api);
            Path kc = api.kubeconfig(dir);
            if (s.synced()) {
                api.loadObjects(s.objects());
            } else {
                api.close(); // nothing listens on the API port
            }
            String directive = Directives.withLines(s.corefile(), "kubeconfig " + kc);
            TestController tc = TestController.of(directive, List.of("."));
            plugin.setup(tc);
            tc.runStartup();
            open.add(tc::runShutdown);
            Handler h = tc.handler(TestHandlers.answering(NEXT_MARKER));
            InProcessServer dns = InProcessServer.start(".:0 {\n" + directive + "\n}\n");
            open.add(dns);
            Env env = new Env(h, dns, open);
            if (s.synced()) {
                awaitSlices(env, s.cases());
            }
            return env;
        } catch (Exception | Error e) {
            try {
                new Env(null, null, open).close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * Waits (bounded) until every case with answers gets them from the handler and the server. The
     * start-up waits for the ServiceImports' first list but, like CoreDNS's multicluster controller,
     * not for the EndpointSlices', so a query right after it can come before the slices are
     * indexed; the cases are then checked once each against the synced state. A case that never
     * gets its answers is left to fail in its own test with its differences.
     */
    private static void awaitSlices(Env env, List<McsCases.Case> cases) throws Exception {
        for (int i = 0; i < 500; i++) {
            boolean all = true;
            for (McsCases.Case c : cases) {
                if (!c.answer().isEmpty() && !matches(env, c)) {
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

    private static boolean matches(Env env, McsCases.Case c) throws Exception {
        int type = Type.value(c.qtype());
        CaseCheck.Expected want = new CaseCheck.Expected(c.rcode(), c.answer(), c.ns(), c.extra());
        RecordingWriter w = new RecordingWriter();
        env.handler().serve(TestRequests.query(c.qname(), type), w);
        return CaseCheck.differences(w.await(5, TimeUnit.SECONDS), want).isEmpty()
                && CaseCheck.differences(ServerReplies.ask(env.dns().address(), c.qname(), type, "", want), want).isEmpty();
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
        CaseCheck.Expected want = new CaseCheck.Expected(c.rcode(), c.answer(), c.ns(), c.extra());
        CaseCheck.assertAuthoritativeReply(c.toString(), reply, want);
        CaseCheck.assertAuthoritativeReply(c.toString(), ServerReplies.ask(env.dns().address(), c.qname(), type, "", want), want);
    }
}
