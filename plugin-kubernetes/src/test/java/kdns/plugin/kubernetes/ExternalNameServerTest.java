package kdns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import kdns.testing.DnsClient;
import kdns.testing.InProcessServer;
import kdns.testing.cases.CaseCheck;
import kdns.testing.kubernetes.FakeApiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * In a real server, an out-of-zone ExternalName target is looked up through the whole server: here
 * another server block on the same port answers it (CoreDNS's upstream lookup), also later.
 */
@Timeout(60)
class ExternalNameServerTest {

    @TempDir
    Path dir;

    @Test
    void anotherServerBlockAnswersTheTarget() throws Exception {
        try (FakeApiServer api = FakeApiServer.start()) {
            api.loadObjects(AcceptanceCases.root().get("objects"));
            for (String mode : List.of("", "deferred ")) {
                String corefile = "cluster.local:0 {\n    kubernetes cluster.local {\n        kubeconfig "
                        + api.kubeconfig(dir) + "\n    }\n}\n"
                        + "interwebs.test:0 {\n    stubanswer " + mode + "192.0.2.77\n}\n";
                try (InProcessServer s = InProcessServer.start(corefile)) {
                    check(DnsClient.udp(s.address(), "external.testns.svc.cluster.local.", Type.A), "NOERROR",
                            List.of("external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test.",
                                    "ext.interwebs.test. 60 IN A 192.0.2.77"));
                    // the block answers NODATA for AAAA: the CNAME alone
                    check(DnsClient.udp(s.address(), "external.testns.svc.cluster.local.", Type.AAAA), "NOERROR",
                            List.of("external.testns.svc.cluster.local. 5 IN CNAME ext.interwebs.test."));
                }
            }
        }
    }

    private static void check(Message reply, String rcode, List<String> answer) {
        List<String> diffs = CaseCheck.differences(reply, new CaseCheck.Expected(rcode, answer, List.of(), List.of()));
        assertTrue(diffs.isEmpty(), diffs + "\n" + reply);
    }
}
