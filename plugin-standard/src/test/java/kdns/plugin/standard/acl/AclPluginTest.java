package kdns.plugin.standard.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.Transport;
import kdns.plugin.standard.prometheus.Scrape;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** Cases from CoreDNS's acl_test.go. */
class AclPluginTest {

    private static final String COREFILE = """
            acl example.org {
                block type A net 192.168.0.0/16
                filter type AAAA net 192.168.0.0/16
                drop type MX net 192.168.1.1
                allow net 192.168.1.0/24
                block
            }
            acl other.org {
                allow type A
                block
            }
            """;

    private TestController controller;

    private Message ask(String name, int type, String client) throws Exception {
        controller = TestController.of(COREFILE, java.util.List.of("example.org.", "other.org.", "open.org."));
        new AclPlugin().setup(controller);
        Handler h = controller.handler(TestHandlers.answering(Rcodes.NOERROR));
        RecordingWriter w = new RecordingWriter();
        h.serve(TestRequests.from(TestRequests.message(name, type, DClass.IN), Transport.UDP,
                new InetSocketAddress(client, 5353)), w);
        return w.msg();
    }

    private static int ede(Message m) {
        return ((ExtendedErrorCodeOption) m.getOPT().getOptions().get(0)).getErrorCode();
    }

    @Test
    void blockFilterDropAllow() throws Exception {
        Message blocked = ask("www.example.org.", Type.A, "192.168.2.3");
        assertEquals(Rcode.REFUSED, blocked.getRcode());
        assertEquals(ExtendedErrorCodeOption.BLOCKED, ede(blocked));
        Message filtered = ask("www.example.org.", Type.AAAA, "192.168.2.3");
        assertEquals(Rcode.NOERROR, filtered.getRcode());
        assertTrue(filtered.getSection(org.xbill.DNS.Section.ANSWER).isEmpty());
        assertEquals(ExtendedErrorCodeOption.FILTERED, ede(filtered));
        assertNull(ask("www.example.org.", Type.MX, "192.168.1.1"), "dropped: no reply at all");
        assertEquals(Rcode.NOERROR, ask("www.example.org.", Type.MX, "192.168.1.2").getRcode(), "allowed: next plugin");
        assertEquals(Rcode.REFUSED, ask("www.example.org.", Type.TXT, "10.0.0.1").getRcode(), "the catch-all block");
        assertEquals(Rcode.NOERROR, ask("www.other.org.", Type.A, "10.0.0.1").getRcode());
        assertEquals(Rcode.REFUSED, ask("www.other.org.", Type.TXT, "10.0.0.1").getRcode());
        assertEquals(Rcode.NOERROR, ask("www.open.org.", Type.TXT, "10.0.0.1").getRcode(), "no rule covers it");
    }

    @Test
    void ipv6Sources() throws Exception {
        controller = TestController.of("acl {\n block net 2001:db8::/32\n}");
        new AclPlugin().setup(controller);
        Handler h = controller.handler(TestHandlers.answering(Rcodes.NOERROR));
        RecordingWriter w = new RecordingWriter();
        h.serve(TestRequests.from(TestRequests.message("x.example.", Type.A, DClass.IN), Transport.UDP,
                new InetSocketAddress("2001:db8::1", 5353)), w);
        assertEquals(Rcode.REFUSED, w.msg().getRcode());
        RecordingWriter v4 = new RecordingWriter();
        h.serve(TestRequests.from(TestRequests.message("x.example.", Type.A, DClass.IN), Transport.UDP,
                new InetSocketAddress("192.0.2.1", 5353)), v4);
        assertEquals(Rcode.NOERROR, v4.msg().getRcode());
    }

    @Test
    void countedWithCoreDnsNames() throws Exception {
        ask("www.example.org.", Type.A, "192.168.2.3");
        String text = Scrape.text(controller.instance().metrics());
        assertTrue(text.contains("coredns_acl_blocked_requests_total{server=\"dns://:53\",view=\"\",zone=\"example.org.\"} 1.0"),
                text);
    }

    @Test
    void setupErrors() {
        for (String[] b : new String[][] {{"acl {\n permit\n}", "expect 'allow', 'block', 'filter' or 'drop'"},
            {"acl {\n block type\n}", "no token specified in \"type\" section"},
            {"acl {\n block type NOPE\n}", "expect legal QTYPE"},
            {"acl {\n block net 10.0.0.0/99\n}", "illegal CIDR notation"},
            {"acl {\n block zone x\n}", "expect 'type | net'"}}) {
            PluginException e = assertThrows(PluginException.class, () -> new AclPlugin().setup(TestController.of(b[0])),
                    b[0]);
            assertTrue(e.getMessage().contains(b[1]), b[0] + ": " + e.getMessage());
        }
    }
}
