package kdns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import kdns.testing.DnsClient;
import kdns.testing.InProcessServer;
import kdns.testing.cases.CaseCheck;
import kdns.testing.kubernetes.FakeApiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
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

    /** The directive with {@code kubeconfig FILE} (and extra lines) added to its block. */
    static String withLines(String directive, String... lines) {
        String add = String.join("\n", lines);
        String d = directive.strip();
        int brace = d.indexOf('{');
        if (brace < 0) {
            return d + " {\n" + add + "\n}";
        }
        return d.substring(0, brace + 1) + "\n" + add + "\n" + d.substring(brace + 1);
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
            directive = withLines(AcceptanceCases.kubernetesDirective(c.config()),
                    "kubeconfig " + api.kubeconfig(dir));
        } else {
            // An API port where nothing listens.
            Path kc = api.kubeconfig(dir);
            api.close();
            api = null;
            directive = withLines(AcceptanceCases.kubernetesDirective(c.config()), "kubeconfig " + kc,
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
        int type = Type.value(c.qtype());
        Message reply = "tcp".equals(c.transport()) ? DnsClient.tcp(g.dns().address(), c.qname(), type)
                : DnsClient.udp(g.dns().address(), c.qname(), type);
        if (reply.getHeader().getFlag(Flags.TC)) {
            reply = DnsClient.tcp(g.dns().address(), c.qname(), type);
        }
        CaseCheck.Expected want = new CaseCheck.Expected(c.rcode(), c.answer(), c.ns(), c.extra());
        List<String> diffs = CaseCheck.differences(reply, want);
        if (!"udp".equals(c.transport()) && !diffs.isEmpty() && reply.toWire().length > 400
                && diffs.stream().allMatch(d -> d.startsWith("additional: missing"))) {
            // The server's UDP writer trims glue to fit 512 bytes without setting TC (like CoreDNS's
            // scrub); the full additional section is what the plugin answered: check it over TCP.
            reply = DnsClient.tcp(g.dns().address(), c.qname(), type);
            diffs = CaseCheck.differences(reply, want);
        }
        assertTrue(diffs.isEmpty(), c + ": " + diffs + "\n" + reply);
        int rcode = reply.getRcode();
        if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN || !reply.getSection(Section.AUTHORITY).isEmpty()) {
            assertTrue(reply.getHeader().getFlag(Flags.AA), c + ": AA must be set\n" + reply);
        }
        assertTrue(reply.getQuestion().getDClass() == DClass.IN);
    }
}
