package kdns.testing.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
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

    @Test
    void namesCompareCaseInsensitivelyUnlessTheQueryIs0x20ButTxtAlwaysExactly() {
        Message m = reply(Rcode.NOERROR, List.of("Host.Example. 5 IN CNAME Target.Example.",
                "target.example. 5 IN TXT \"Mixed Case\""), List.of());
        CaseCheck.Expected want = new CaseCheck.Expected("NOERROR",
                List.of("host.example. 5 IN CNAME target.example.", "target.example. 5 IN TXT \"Mixed Case\""),
                List.of(), List.of());
        assertEquals(List.of(), CaseCheck.differences(m, want, CaseCheck.Options.forQuery("host.example.", false)));
        assertEquals(2, CaseCheck.differences(m, want, CaseCheck.Options.forQuery("Host.example.", false)).size());
        CaseCheck.Expected txt = new CaseCheck.Expected("NOERROR",
                List.of("host.example. 5 IN CNAME target.example.", "target.example. 5 IN TXT \"mixed case\""),
                List.of(), List.of());
        assertEquals(2, CaseCheck.differences(m, txt, CaseCheck.Options.forQuery("host.example.", false)).size());
    }

    @Test
    void classIsComparedOnlyWhenAsked() {
        Message m = reply(Rcode.NOERROR, List.of("a.example. 5 CH TXT \"x\""), List.of());
        CaseCheck.Expected want = new CaseCheck.Expected("NOERROR", List.of("a.example. 5 IN TXT \"x\""),
                List.of(), List.of());
        assertEquals(List.of(), CaseCheck.differences(m, want, new CaseCheck.Options(false, false)));
        assertEquals(2, CaseCheck.differences(m, want, new CaseCheck.Options(false, true)).size());
    }

    @Test
    void flagsAndTheDefaultAaRule() {
        Message m = reply(Rcode.NOERROR, List.of(), List.of());
        m.getHeader().setFlag(Flags.RA);
        assertEquals(1, CaseCheck.aaDifferences(m).size());
        assertEquals(List.of(), CaseCheck.flagDifferences(m, Map.of("ra", true, "aa", false)));
        assertEquals(1, CaseCheck.flagDifferences(m, Map.of("rd", true)).size());
        m.getHeader().setFlag(Flags.AA);
        assertEquals(List.of(), CaseCheck.aaDifferences(m));
        Message refused = reply(Rcode.REFUSED, List.of(), List.of());
        assertEquals(List.of(), CaseCheck.aaDifferences(refused));
    }

    @Test
    void ednsOptionsCompareAsHexOfTheirData() {
        Message m = reply(Rcode.NXDOMAIN, List.of(), List.of());
        m.addRecord(new OPTRecord(1232, 0, 0, 0, new ExtendedErrorCodeOption(21, "Blocked")), Section.ADDITIONAL);
        Map<Integer, String> absent = new HashMap<>();
        absent.put(3, null);
        assertEquals(List.of(), CaseCheck.ednsDifferences(m,
                new CaseCheck.EdnsExpectation(true, 1232, Map.of(15, "0015426c6f636b6564"))));
        assertEquals(List.of(), CaseCheck.ednsDifferences(m, new CaseCheck.EdnsExpectation(null, null, absent)));
        assertEquals(1, CaseCheck.ednsDifferences(m, new CaseCheck.EdnsExpectation(false, null, null)).size());
        assertEquals(1, CaseCheck.ednsDifferences(m,
                new CaseCheck.EdnsExpectation(null, null, Map.of(15, "0016"))).size());
    }
}
