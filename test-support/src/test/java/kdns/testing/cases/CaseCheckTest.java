package kdns.testing.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

class CaseCheckTest {

    private static Message reply(int rcode, List<String> answer, List<String> ns) {
        Message m = new Message();
        m.getHeader().setRcode(rcode);
        answer.forEach(a -> m.addRecord(CaseCheck.parse(a), Section.ANSWER));
        ns.forEach(a -> m.addRecord(CaseCheck.parse(a), Section.AUTHORITY));
        return m;
    }

    @Test
    void sectionsAreUnorderedAndSoaSerialIgnored() {
        Message m = reply(Rcode.NOERROR,
                List.of("b.example. 5 IN A 10.0.0.2", "a.example. 5 IN A 10.0.0.1"),
                List.of("example. 5 IN SOA ns.dns.example. hostmaster.example. 1700000000 7200 1800 86400 5"));
        List<String> d = CaseCheck.differences(m, new CaseCheck.Expected("NOERROR",
                List.of("a.example. 5 IN A 10.0.0.1", "b.example. 5 IN A 10.0.0.2"),
                List.of("example. 5 IN SOA ns.dns.example. hostmaster.example. 0 7200 1800 86400 5"), List.of()));
        assertEquals(List.of(), d);
    }

    @Test
    void ttlRcodeAndCaseAreCompared() {
        Message m = reply(Rcode.NXDOMAIN, List.of("A.example. 6 IN A 10.0.0.1"), List.of());
        List<String> d = CaseCheck.differences(m, new CaseCheck.Expected("NOERROR",
                List.of("a.example. 5 IN A 10.0.0.1"), List.of(), List.of()));
        assertTrue(d.contains("rcode: got NXDOMAIN, want NOERROR"), d.toString());
        assertTrue(d.contains("answer: missing a.example. 5 IN A 10.0.0.1"), d.toString());
        assertTrue(d.contains("answer: unexpected A.example. 6 IN A 10.0.0.1"), d.toString());
    }

    @Test
    void cnameMustComeBeforeItsTarget() {
        Message m = reply(Rcode.NOERROR,
                List.of("t.example. 5 IN A 10.0.0.1", "c.example. 5 IN CNAME t.example."), List.of());
        List<String> d = CaseCheck.differences(m, new CaseCheck.Expected("NOERROR",
                List.of("c.example. 5 IN CNAME t.example.", "t.example. 5 IN A 10.0.0.1"), List.of(), List.of()));
        assertEquals(1, d.size(), d.toString());
        assertTrue(d.get(0).contains("comes before the CNAME"), d.toString());
    }
}
