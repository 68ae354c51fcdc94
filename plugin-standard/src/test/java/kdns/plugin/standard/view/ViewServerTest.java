package kdns.plugin.standard.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import kdns.host.corefile.CorefileException;
import kdns.testing.DnsClient;
import kdns.testing.InProcessServer;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Split DNS through a real server: CoreDNS's test/view_test.go cases. */
class ViewServerTest {

    private static int freeTcpPort() throws Exception {
        return kdns.testing.LoopbackPorts.free();
    }

    // DNS port 0: the blocks of one port are one server, which picks a free UDP port and binds TCP on
    // it (trying again when TCP's is taken); a UDP port picked in advance can have its TCP twin taken.
    private static String corefile(int metricsPort) {
        String p = ":0";
        return "split-type" + p + " {\n bind 127.0.0.1\n prometheus 127.0.0.1:" + metricsPort + "\n view test-view-a {\n  expr type() == 'A'\n }\n"
                + " hosts {\n  1.2.3.4 test.split-type\n }\n}\n"
                + "split-type" + p + " {\n bind 127.0.0.1\n prometheus 127.0.0.1:" + metricsPort + "\n view test-view-aaaa {\n  expr type() == 'AAAA'\n }\n"
                + " hosts {\n  1:2:3::4 test.split-type\n }\n}\n"
                + "split-name" + p + " {\n bind 127.0.0.1\n view test-view-1 {\n  expr name() matches '^one\\\\..*\\\\.split-name\\\\.$'\n }\n"
                + " hosts {\n  1.1.1.1 one.test.split-name one.test.test.test.split-name\n }\n}\n"
                + "split-name" + p + " {\n bind 127.0.0.1\n view test-view-2 {\n  expr name() matches '^two\\\\..*\\\\.split-name\\\\.$'\n }\n"
                + " hosts {\n  2.2.2.2 two.test.split-name two.test.test.test.split-name\n }\n}\n"
                + "split-name" + p + " {\n bind 127.0.0.1\n hosts {\n  3.3.3.3 default.test.split-name\n }\n}\n"
                + "metadata" + p + " {\n bind 127.0.0.1\n metadata\n view test-view-meta1 {\n"
                + "  expr metadata('view/name') == 'not-the-view-name'\n }\n hosts {\n  1.1.1.1 test.metadata\n }\n}\n"
                + "metadata" + p + " {\n bind 127.0.0.1\n view test-view-meta2 {\n"
                + "  expr metadata('view/name') == 'test-view-meta2'\n }\n hosts {\n  2.2.2.2 test.metadata\n }\n}\n"
                + "metadata" + p + " {\n bind 127.0.0.1\n metadata\n view test-view-meta3 {\n"
                + "  expr metadata('view/name') == 'test-view-meta3'\n }\n hosts {\n  2.2.2.2 test.metadata\n }\n}\n"
                + "metadata" + p + " {\n bind 127.0.0.1\n hosts {\n  3.3.3.3 test.metadata\n }\n}\n"
                + "order" + p + " {\n bind 127.0.0.1\n view v-a {\n  expr type() == 'A'\n }\n hosts {\n  1.2.3.4 test.order\n }\n}\n"
                + "order" + p + " {\n bind 127.0.0.1\n view v-aaaa {\n  expr type() == 'AAAA'\n }\n"
                + " hosts {\n  1:2:3::4 test.order\n }\n}\n";
    }

    private static List<String> answers(InProcessServer s, String name, int type) throws Exception {
        Message r = DnsClient.udp(s.address(), name, type);
        assertEquals(Rcode.NOERROR, r.getRcode(), name + " " + Type.string(type));
        List<String> out = new ArrayList<>();
        for (Record rr : r.getSection(Section.ANSWER)) {
            out.add(rr.rdataToString());
        }
        return out;
    }

    @Test
    void theFirstBlockWhoseViewMatchesServesTheQuery() throws Exception {
        try (InProcessServer s = InProcessServer.start(corefile(freeTcpPort()))) {
            assertEquals(List.of("1.2.3.4"), answers(s, "test.split-type.", Type.A));
            assertEquals(List.of("1:2:3:0:0:0:0:4"), answers(s, "test.split-type.", Type.AAAA));
            assertEquals(List.of("1.1.1.1"), answers(s, "one.test.split-name.", Type.A));
            assertEquals(List.of("1.1.1.1"), answers(s, "one.test.test.test.split-name.", Type.A));
            assertEquals(List.of("2.2.2.2"), answers(s, "two.test.split-name.", Type.A));
            assertEquals(List.of("2.2.2.2"), answers(s, "two.test.test.test.split-name.", Type.A));
            assertEquals(List.of("3.3.3.3"), answers(s, "default.test.split-name.", Type.A));
            assertEquals(List.of("2.2.2.2"), answers(s, "test.metadata.", Type.A),
                    "the third block: only it has metadata and a view that names itself");
            assertEquals(List.of("1.2.3.4"), answers(s, "test.order.", Type.A));
            assertEquals(Rcode.REFUSED, DnsClient.udp(s.address(), "test.order.", Type.MX).getRcode(),
                    "no view matches and no catch-all");

            assertEquals(1.0, requests(s, "test-view-a"), "the view label of the view's block");
            assertEquals(1.0, requests(s, "test-view-aaaa"));
        }
    }

    private static double requests(InProcessServer s, String view) {
        double sum = 0;
        for (MetricSnapshot m : s.metrics().prometheus().scrape()) {
            if (m instanceof CounterSnapshot c && c.getMetadata().getName().equals("coredns_dns_requests")) {
                for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
                    if (view.equals(p.getLabels().get("view"))) {
                        sum += p.getValue();
                    }
                }
            }
        }
        return sum;
    }

    @Test
    void twoBlocksWithoutAViewStillCannotShareAZone() throws Exception {
        int port = 0;
        String twice = "example" + ":" + port + " {\n whoami\n}\nexample:" + port + " {\n whoami\n}\n";
        CorefileException e = assertThrows(CorefileException.class, () -> InProcessServer.start(twice));
        assertEquals("cannot serve dns://example.:" + port + " - it is already defined", e.getMessage());
        String viewFirst = "example:" + port + " {\n bind 127.0.0.1\n view v {\n  expr type() == 'TXT'\n }\n whoami\n}\n"
                + "example:" + port + " {\n bind 127.0.0.1\n whoami\n}\n";
        try (InProcessServer s = InProcessServer.start(viewFirst)) {
            assertTrue(DnsClient.udp(s.address(), "a.example.", Type.A).getRcode() == Rcode.NOERROR);
        }
    }
}
