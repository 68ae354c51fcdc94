package kdns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import kdns.testing.Directives;
import kdns.testing.InProcessServer;
import kdns.testing.cases.CaseCheck;
import kdns.testing.cases.ServerReplies;
import kdns.testing.kubernetes.FakeApiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * Every case of cases/kubernetes.json end to end: a real kdns server on 127.0.0.1 whose Corefile is
 * the case's kubernetes block plus {@code kubeconfig FILE} pointing at the fake API server, which
 * serves the case's objects; the official client's informers list and watch them. One API server
 * and one DNS server per group of cases sharing a configuration and a data set.
 */
class ApiServerAcceptanceTest {

    private static final Map<String, Group> GROUPS = new LinkedHashMap<>();

    /** A running API server and DNS server. */
    private record Group(FakeApiServer api, InProcessServer dns, Path dir) {
    }

    @AfterAll
    static void stopAll() {
        for (Group g : GROUPS.values()) {
            try {
                g.dns().close();
            } finally {
                if (g.api() != null) {
                    g.api().close();
                }
            }
        }
        GROUPS.clear();
    }

    @TestFactory
    Stream<DynamicTest> cases() throws Exception {
        return AcceptanceCases.all().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> run(c)));
    }

    private static synchronized Group group(AcceptanceCases.Case c, boolean synced) throws Exception {
        String key = c.suite() + "|" + c.config() + "|" + c.objects().hashCode() + "|" + synced;
        Group g = GROUPS.get(key);
        if (g != null) {
            return g;
        }
        Path dir = Files.createTempDirectory("kdns-k8s-acceptance");
        FakeApiServer api = FakeApiServer.start();
        String directive;
        if (synced) {
            api.loadObjects(c.objects());
            directive = Directives.withLines(AcceptanceCases.kubernetesDirective(c.config()),
                    "kubeconfig " + api.kubeconfig(dir));
        } else {
            // An API port where nothing listens.
            Path kc = api.kubeconfig(dir);
            api.close();
            api = null;
            directive = Directives.withLines(AcceptanceCases.kubernetesDirective(c.config()), "kubeconfig " + kc,
                    "startup_timeout 200ms");
        }
        InProcessServer dns;
        try {
            // k8s_external (when the case has it) goes into the same block; plugin.cfg order puts it first
            String external = AcceptanceCases.directive(c.config(), "k8s_external");
            dns = InProcessServer.start(".:0 {\n" + directive + "\n" + external + "\n}\n");
        } catch (Exception | Error e) {
            if (api != null) {
                api.close();
            }
            throw e;
        }
        g = new Group(api, dns, dir);
        GROUPS.put(key, g);
        return g;
    }

    /** Runs {@code c} against a real server and the fake API server (also for CoreDnsCornersTest). */
    static void run(AcceptanceCases.Case c) throws Exception {
        String skip = IndexAcceptanceTest.skipReason(c);
        assumeTrue(skip == null, skip);
        assumeTrue(!c.rcode().equals("NEXT") && c.upstream().isEmpty(),
                "needs a next plugin after kubernetes (covered by IndexAcceptanceTest with a stub next handler)");
        boolean synced = !c.precondition().has("api_synced") || c.precondition().get("api_synced").asBoolean();
        Group g = group(c, synced);
        CaseCheck.Expected want = new CaseCheck.Expected(c.rcode(), c.answer(), c.ns(), c.extra());
        Message reply = ServerReplies.ask(g.dns().address(), c.qname(), Type.value(c.qtype()), c.transport(), want);
        CaseCheck.assertAuthoritativeReply(c.toString(), reply, want);
        assertTrue(reply.getQuestion().getDClass() == DClass.IN);
    }
}
