package kdns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import kdns.testing.Directives;
import kdns.testing.DnsClient;
import kdns.testing.InProcessServer;
import kdns.testing.cases.CaseCheck;
import kdns.testing.kubernetes.FakeApiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * The autopath cases of cases/kubernetes.json with their whole server block ({@code autopath
 * @kubernetes} and {@code kubernetes}) on a real server, the client pod and the services served by
 * the fake API server to the official client's informers. The test queries from 127.0.0.1, the
 * client pod's IP in those cases.
 */
class AutopathAcceptanceTest {

    private static final Map<String, Running> SERVERS = new LinkedHashMap<>();

    private record Running(FakeApiServer api, InProcessServer dns) {
    }

    @AfterAll
    static void stopAll() {
        for (Running r : SERVERS.values()) {
            r.dns().close();
            r.api().close();
        }
        SERVERS.clear();
    }

    @TestFactory
    Stream<DynamicTest> autopathCases() throws Exception {
        List<AcceptanceCases.Case> cases = new ArrayList<>();
        for (AcceptanceCases.Case c : AcceptanceCases.all()) {
            if (AcceptanceCases.otherDirectives(c.config()).contains("autopath")) {
                cases.add(c);
            }
        }
        assertFalse(cases.isEmpty(), "cases/kubernetes.json has autopath cases");
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> run(c)));
    }

    /** The case's server block: its lines other than kubernetes, then kubernetes with a kubeconfig. */
    static String block(String config, Path kubeconfig) {
        String k = AcceptanceCases.kubernetesDirective(config);
        String rest = config.replace(k.strip(), "");
        return ".:0 {\n" + rest.strip() + "\n" + Directives.withLines(k, "kubeconfig " + kubeconfig)
                + "\n}\n";
    }

    private static synchronized Running server(AcceptanceCases.Case c) throws Exception {
        String key = c.config() + "|" + c.objects().hashCode();
        Running r = SERVERS.get(key);
        if (r != null) {
            return r;
        }
        Path dir = Files.createTempDirectory("kdns-autopath");
        FakeApiServer api = FakeApiServer.start();
        try {
            api.loadObjects(c.objects());
            r = new Running(api, InProcessServer.start(block(c.config(), api.kubeconfig(dir))));
        } catch (Exception | Error e) {
            api.close();
            throw e;
        }
        SERVERS.put(key, r);
        return r;
    }

    private void run(AcceptanceCases.Case c) throws Exception {
        Running r = server(c);
        Message reply = DnsClient.udp(r.dns().address(), c.qname(), Type.value(c.qtype()));
        List<String> diffs = CaseCheck.differences(reply, new CaseCheck.Expected(c.rcode(), c.answer(), c.ns(),
                c.extra()));
        assertTrue(diffs.isEmpty(), c + ": " + diffs + "\n" + reply);
        assertTrue(reply.getQuestion().getName().toString().equalsIgnoreCase(c.qname()), "the question is the one asked");
        assertTrue(reply.getHeader().getFlag(Flags.AA), "AA\n" + reply);
    }
}
