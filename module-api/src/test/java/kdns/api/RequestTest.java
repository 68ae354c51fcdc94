package kdns.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class RequestTest {

    private static final InetSocketAddress V4 = new InetSocketAddress("10.0.0.1", 4000);
    private static final InetSocketAddress V6 = new InetSocketAddress("::1", 4000);

    private static Message q(String name) {
        return Message.newQuery(Record.newRecord(Name.fromConstantString(name), Type.AAAA, DClass.IN));
    }

    @Test
    void nameIsLowerCaseQnameKeepsSpelling() {
        Request r = new Request(q("WwW.Example.ORG."), Transport.UDP, V4, V4, ".");
        assertEquals("www.example.org.", r.name());
        assertEquals("WwW.Example.ORG.", r.qname().toString());
        assertEquals(Type.AAAA, r.qtype());
        assertEquals(DClass.IN, r.qclass());
        assertEquals("10.0.0.1", r.ip());
        assertEquals(1, r.family());
        assertEquals("udp", r.proto());
        assertEquals(2, new Request(q("a."), Transport.TCP, V6, V6, ".").family());
    }

    @Test
    void sizeFollowsTransportAndEdns() {
        Message m = q("a.");
        assertEquals(512, new Request(m, Transport.UDP, V4, V4, ".").size());
        assertEquals(65535, new Request(m, Transport.TCP, V4, V4, ".").size());
        m.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        Request r = new Request(m, Transport.UDP, V4, V4, ".");
        assertEquals(4096, r.size());
        assertTrue(r.dnssecOk());
        Message small = q("a.");
        small.addRecord(new OPTRecord(100, 0, 0, 0), Section.ADDITIONAL);
        Request s = new Request(small, Transport.UDP, V4, V4, ".");
        assertEquals(512, s.size());
        assertFalse(s.dnssecOk());
    }

    @Test
    void withQuestionAsksAnotherName() {
        Request r = new Request(q("a.example."), Transport.UDP, V4, V4, "example.");
        Request other = r.withQuestion(Name.fromConstantString("b.example."), Type.A);
        assertEquals("b.example.", other.name());
        assertEquals(Type.A, other.qtype());
        assertEquals("a.example.", r.name());
        assertEquals("example.", other.serverZone());
    }

    @Test
    void clientWrote() {
        assertFalse(Rcodes.clientWrote(Rcodes.SERVFAIL));
        assertFalse(Rcodes.clientWrote(Rcodes.REFUSED));
        assertFalse(Rcodes.clientWrote(Rcodes.FORMERR));
        assertFalse(Rcodes.clientWrote(Rcodes.NOTIMP));
        assertTrue(Rcodes.clientWrote(Rcodes.NOERROR));
        assertTrue(Rcodes.clientWrote(Rcodes.NXDOMAIN));
        assertTrue(Rcodes.clientWrote(Handler.DEFERRED));
    }
}
