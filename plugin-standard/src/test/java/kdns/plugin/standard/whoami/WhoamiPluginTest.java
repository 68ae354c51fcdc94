package kdns.plugin.standard.whoami;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.Transport;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class WhoamiPluginTest {

    private static Handler handler() throws PluginException {
        TestController c = TestController.of("whoami");
        new WhoamiPlugin().setup(c);
        // A next plugin that would fail: whoami must never call it.
        return c.handler(TestHandlers.failing(Rcodes.SERVFAIL, "next called"));
    }

    @Test
    void answersWithClientAddressAndPortInAdditionalSection() throws Exception {
        Request q = TestRequests.query("example.org", Type.A);
        RecordingWriter w = new RecordingWriter();
        assertEquals(Rcodes.NOERROR, handler().serve(q, w));

        Message m = w.msg();
        assertEquals(1, w.writes());
        assertEquals(Rcodes.NOERROR, m.getRcode());
        assertEquals(q.id(), m.getHeader().getID());
        assertTrue(m.getHeader().getFlag(Flags.QR));
        assertTrue(m.getHeader().getFlag(Flags.AA));
        assertTrue(m.getHeader().getFlag(Flags.RD), "RD is copied from the query");
        assertTrue(m.getSection(Section.ANSWER).isEmpty());
        assertEquals("example.org.", m.getQuestion().getName().toString());

        List<Record> extra = m.getSection(Section.ADDITIONAL);
        assertEquals(2, extra.size());
        ARecord a = (ARecord) extra.get(0);
        assertEquals("example.org.", a.getName().toString());
        assertEquals("10.240.0.1", a.getAddress().getHostAddress());
        assertEquals(0, a.getTTL());
        assertEquals(DClass.IN, a.getDClass());
        SRVRecord srv = (SRVRecord) extra.get(1);
        assertEquals("_udp.example.org.", srv.getName().toString());
        assertEquals(40212, srv.getPort());
        assertEquals(0, srv.getPriority());
        assertEquals(0, srv.getWeight());
        assertEquals(".", srv.getTarget().toString());
        assertEquals(0, srv.getTTL());
    }

    @Test
    void echoesTheNameAsAsked() throws Exception {
        RecordingWriter w = new RecordingWriter();
        handler().serve(TestRequests.query("ExAmPle.ORG", Type.A), w);
        List<Record> extra = w.msg().getSection(Section.ADDITIONAL);
        assertEquals("ExAmPle.ORG.", extra.get(0).getName().toString());
        assertEquals("_udp.ExAmPle.ORG.", extra.get(1).getName().toString());
    }

    @Test
    void answersEveryTypeAndClass() throws Exception {
        RecordingWriter w = new RecordingWriter();
        handler().serve(TestRequests.query("example.org", Type.MX, DClass.CH), w);
        List<Record> extra = w.msg().getSection(Section.ADDITIONAL);
        assertEquals(Type.A, extra.get(0).getType());
        assertEquals(DClass.CH, extra.get(0).getDClass());
        assertEquals(DClass.CH, extra.get(1).getDClass());
    }

    @Test
    void ipv6ClientGetsAaaa() throws Exception {
        InetSocketAddress remote = new InetSocketAddress("2001:db8::53", 5353);
        Request q = TestRequests.from(TestRequests.message("example.org", Type.AAAA, DClass.IN), Transport.UDP, remote);
        RecordingWriter w = new RecordingWriter(remote);
        handler().serve(q, w);
        List<Record> extra = w.msg().getSection(Section.ADDITIONAL);
        AAAARecord aaaa = (AAAARecord) extra.get(0);
        assertEquals(java.net.InetAddress.getByName("2001:db8::53"), aaaa.getAddress());
        assertEquals(5353, ((SRVRecord) extra.get(1)).getPort());
    }

    @Test
    void tcpQueriesGetTcpSrv() throws Exception {
        RecordingWriter w = new RecordingWriter();
        handler().serve(TestRequests.tcp("example.org", Type.A), w);
        assertEquals("_tcp.example.org.", w.msg().getSection(Section.ADDITIONAL).get(1).getName().toString());
    }

    @Test
    void rootQuestion() throws Exception {
        RecordingWriter w = new RecordingWriter();
        handler().serve(TestRequests.query(".", Type.A), w);
        List<Record> extra = w.msg().getSection(Section.ADDITIONAL);
        assertEquals(".", extra.get(0).getName().toString());
        assertEquals("_udp.", extra.get(1).getName().toString());
    }

    @Test
    void argumentsAreRejected() {
        PluginException e = assertThrows(PluginException.class,
                () -> new WhoamiPlugin().setup(TestController.of("whoami extra")));
        assertEquals("Corefile:1 - Error during parsing: Wrong argument count or unexpected line ending after 'extra'",
                e.getMessage());
    }

    @Test
    void blockPropertiesAreRejected() {
        PluginException e = assertThrows(PluginException.class,
                () -> new WhoamiPlugin().setup(TestController.of("whoami {\n    foo\n}")));
        assertEquals("Corefile:1 - Error during parsing: Unexpected token '{', expecting argument", e.getMessage());
    }

    @Test
    void pluginIdentity() {
        WhoamiPlugin p = new WhoamiPlugin();
        assertEquals("whoami", p.name());
        assertFalse(p.description().isBlank());
        assertEquals("whoami", WhoamiHandler.INSTANCE.name());
    }
}
