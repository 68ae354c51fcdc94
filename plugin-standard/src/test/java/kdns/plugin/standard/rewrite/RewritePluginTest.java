package kdns.plugin.standard.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Every rule type of rewrite and its setup errors (cases from CoreDNS's rewrite tests). */
class RewritePluginTest {

    /** The next plugin: answers from a table of "name TYPE" to records, SERVFAIL (written) for anything else. */
    static final class Upstream implements Handler {
        final Map<String, List<String>> table;
        final List<Request> seen = new ArrayList<>();

        Upstream(Map<String, List<String>> table) {
            this.table = table;
        }

        @Override
        public String name() {
            return "upstream";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) throws HandlerException {
            seen.add(request);
            Message m = new Message(request.id());
            m.addRecord(request.message().getQuestion(), Section.QUESTION);
            List<String> rrs = table.get(request.name() + " " + Type.string(request.qtype()));
            if (rrs == null) {
                m.getHeader().setRcode(Rcode.SERVFAIL);
            } else {
                for (String rr : rrs) {
                    try {
                        m.addRecord(record(rr), Section.ANSWER);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            writer.write(m);
            return Rcodes.NOERROR;
        }
    }

    static Record record(String text) throws IOException {
        try (org.xbill.DNS.Master m = new org.xbill.DNS.Master(
                new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), Name.root)) {
            return m.nextRecord();
        }
    }

    private static Handler handler(String corefile, Handler next) throws Exception {
        TestController c = TestController.of(corefile);
        new RewritePlugin().setup(c);
        return c.handler(next);
    }

    private static Message ask(Handler h, String name, int type) throws Exception {
        return ask(h, name, type, DClass.IN);
    }

    private static Message ask(Handler h, String name, int type, int dclass) throws Exception {
        RecordingWriter w = new RecordingWriter();
        int rc = h.serve(TestRequests.query(name, type, dclass), w);
        assertTrue(Rcodes.clientWrote(rc), "rcode " + rc);
        return w.msg();
    }

    private static List<String> answer(Message m) {
        return m.getSection(Section.ANSWER).stream().map(Record::toString).map(s -> s.replaceAll("\\s+", " ")).toList();
    }

    @Test
    void exactNamesAreMappedBackInTheReply() throws Exception {
        Upstream up = new Upstream(Map.of("to.nl. A", List.of("to.nl. 5 IN A 10.0.0.1"), "other.nl. A",
                List.of("other.nl. 5 IN A 10.0.0.9")));
        Handler h = handler("rewrite name exact from.exact.nl. to.nl.", up);
        Message m = ask(h, "from.exact.nl.", Type.A);
        assertEquals(List.of("from.exact.nl. 5 IN A 10.0.0.1"), answer(m));
        assertEquals("from.exact.nl.", m.getQuestion().getName().toString(), "the client's own question");
        assertEquals("to.nl.", up.seen.get(0).name(), "the chain saw the rewritten name");
        assertEquals(List.of("other.nl. 5 IN A 10.0.0.9"), answer(ask(h, "other.nl.", Type.A)));
    }

    @Test
    void prefixSuffixSubstringAndRegex() throws Exception {
        Upstream up = new Upstream(Map.of("to.nl. A", List.of("to.nl. 5 IN A 10.0.0.1")));
        Handler h = handler("rewrite name prefix prefix to\nrewrite name suffix .suffix. .nl.\n"
                + "rewrite name substring from.substring to\nrewrite name regex (f.*m)\\.regex\\.(nl) to.{2}", up);
        for (String q : List.of("prefix.nl.", "to.suffix.", "from.substring.nl.", "from.regex.nl.")) {
            assertEquals(List.of("to.nl. 5 IN A 10.0.0.1"), answer(ask(h, q, Type.A)), q);
        }
    }

    @Test
    void suffixAutoAndAnswerNameAndValue() throws Exception {
        Upstream up = new Upstream(Map.of(
                "www.internal.local. A", List.of("www.internal.local. 5 IN CNAME web.internal.local.",
                        "web.internal.local. 5 IN A 10.0.0.2"),
                "ftp.service.us-west-1.consul. A", List.of("ftp.service.us-west-1.consul. 0 IN A 10.10.10.10")));
        Handler auto = handler("rewrite name suffix .example.com. .internal.local. answer auto", up);
        assertEquals(List.of("www.example.com. 5 IN CNAME web.example.com.", "web.example.com. 5 IN A 10.0.0.2"),
                answer(ask(auto, "www.example.com.", Type.A)));
        Handler regex = handler("rewrite stop {\n name regex (.*)-(us-west-1)\\.coredns\\.rocks {1}.service.{2}.consul\n"
                + " answer name (.*)\\.service\\.(us-west-1)\\.consul {1}-{2}.coredns.rocks\n}", up);
        assertEquals(List.of("ftp-us-west-1.coredns.rocks. 0 IN A 10.10.10.10"),
                answer(ask(regex, "ftp-us-west-1.coredns.rocks.", Type.A)));
        Handler value = handler("rewrite name regex (.*)\\.example\\.com {1}.internal.local answer value "
                + "(.*)\\.internal\\.local {1}.example.com", up);
        assertEquals(List.of("www.internal.local. 5 IN CNAME web.example.com.", "web.internal.local. 5 IN A 10.0.0.2"),
                answer(ask(value, "www.example.com.", Type.A)));
    }

    @Test
    void continueRulesSeeTheNameTheRulesBeforeThemLeft() throws Exception {
        Upstream up = new Upstream(Map.of("to.nl. A", List.of("to.nl. 5 IN A 10.0.0.1")));
        Handler h = handler("rewrite continue name regex consul\\.(rocks) core.dns.{1}\nrewrite name core.dns.rocks to.nl.",
                up);
        assertEquals(List.of("core.dns.rocks. 5 IN A 10.0.0.1"), answer(ask(h, "consul.rocks.", Type.A)));
    }

    @Test
    void classAndType() throws Exception {
        Upstream up = new Upstream(Map.of("class.example. A", List.of("class.example. 5 IN A 10.0.0.3"),
                "type.example. AAAA", List.of("type.example. 5 IN AAAA ::1")));
        Handler h = handler("rewrite continue class HS CH\nrewrite continue class CH IN\nrewrite type A AAAA", up);
        Message m = ask(h, "class.example.", Type.A, DClass.HS);
        assertEquals(DClass.IN, up.seen.get(0).qclass(), "HS became CH, then IN");
        assertEquals(DClass.HS, m.getQuestion().getDClass(), "the client's class in the reply");
        Message t = ask(h, "type.example.", Type.A);
        assertEquals(List.of("type.example. 5 IN AAAA 0:0:0:0:0:0:0:1"), answer(t));
        assertEquals(Type.A, t.getQuestion().getType());
    }

    @Test
    void ttlRanges() throws Exception {
        Upstream up = new Upstream(Map.of("low.example. A", List.of("low.example. 10 IN A 10.0.1.1"),
                "high.example. A", List.of("high.example. 1000 IN A 10.0.1.2"),
                "cap.example. A", List.of("cap.example. 100 IN A 10.0.1.3"),
                "set.example. A", List.of("set.example. 5 IN A 10.0.1.4"),
                "www.coredns.rocks. A", List.of("www.coredns.rocks. 300 IN A 10.0.1.5")));
        Handler h = handler("rewrite ttl low.example. 30-300\nrewrite ttl high.example. 30-300\n"
                + "rewrite ttl cap.example. -30\nrewrite ttl set.example. 30\nrewrite continue {\n ttl regex (.*)\\.coredns\\.rocks 15\n}",
                up);
        assertEquals(List.of("low.example. 30 IN A 10.0.1.1"), answer(ask(h, "low.example.", Type.A)));
        assertEquals(List.of("high.example. 300 IN A 10.0.1.2"), answer(ask(h, "high.example.", Type.A)));
        assertEquals(List.of("cap.example. 30 IN A 10.0.1.3"), answer(ask(h, "cap.example.", Type.A)));
        assertEquals(List.of("set.example. 30 IN A 10.0.1.4"), answer(ask(h, "set.example.", Type.A)));
        assertEquals(List.of("www.coredns.rocks. 15 IN A 10.0.1.5"), answer(ask(h, "www.coredns.rocks.", Type.A)));
    }

    @Test
    void rcodeOfARecordlessReply() throws Exception {
        Handler h = handler("rewrite rcode regex (.*)\\.coredns\\.rocks SERVFAIL NOERROR", new Upstream(Map.of()));
        assertEquals(Rcode.NOERROR, ask(h, "broken.coredns.rocks.", Type.A).getRcode());
        assertEquals(Rcode.SERVFAIL, ask(h, "other.example.", Type.A).getRcode());
    }

    @Test
    void withoutANextPluginTheErrorReplyCarriesTheClientsQuestion() throws Exception {
        Handler h = handler("rewrite name regex (.*)\\.test\\.$ {1}. answer auto", null);
        Message m = ask(h, "example.test.", Type.MX);
        assertEquals(Rcode.SERVFAIL, m.getRcode());
        assertEquals(Name.fromString("example.test."), m.getQuestion().getName());
    }

    @Test
    void aRewrittenNameThatIsNoNameIsServfail() throws Exception {
        Handler h = handler("rewrite name regex (.*) {1}." + "x".repeat(70), new Upstream(Map.of()));
        HandlerException e = assertThrows(HandlerException.class,
                () -> h.serve(TestRequests.query("a.example.", Type.A), new RecordingWriter()));
        assertEquals(Rcodes.SERVFAIL, e.rcode());
        assertTrue(e.getMessage().contains("invalid name after rewrite"), e.getMessage());
    }

    /** Rules CoreDNS's TestNewRule accepts. */
    @Test
    void edns0AndCnameRulesThatParse() throws Exception {
        String[] good = {
            "rewrite edns0 local set 65518 abcdefg",
            "rewrite edns0 local set 0xffee abcdefg revert",
            "rewrite edns0 local append 0xffee abcdefg",
            "rewrite edns0 local replace 0xffee 0xabcdef revert",
            "rewrite edns0 local unset 0xffee",
            "rewrite edns0 LOCAL SET 0o177776 x",
            "rewrite edns0 local set 0xff_ee x",
            "rewrite edns0 nsid set",
            "rewrite edns0 nsid append revert",
            "rewrite edns0 nsid replace",
            "rewrite edns0 nsid unset",
            "rewrite edns0 local set 0xffee {qname}",
            "rewrite edns0 local append 0xffee {qtype}",
            "rewrite edns0 local replace 0xffee {client_ip}",
            "rewrite edns0 local set 0xffee {client_port} revert",
            "rewrite edns0 local set 0xffee {protocol}",
            "rewrite edns0 local set 0xffee {server_ip}",
            "rewrite edns0 local set 0xffee {server_port}",
            "rewrite edns0 local set 0xffee {kubernetes/client-namespace}",
            "rewrite edns0 subnet set 24 56",
            "rewrite edns0 subnet append 0 128 revert",
            "rewrite edns0 subnet replace 32 0",
            "rewrite edns0 subnet unset",
            "rewrite stop edns0 subnet set 24 56",
            "rewrite continue edns0 nsid set",
            "rewrite cname a.example b.example",
            "rewrite continue cname exact def.example.com xyz.example.com",
            "rewrite stop cname prefix chat.openai.com bard.google.com",
            "rewrite cname suffix uvw. xyz.",
            "rewrite cname substring efgh zzzz.www",
            "rewrite cname regex (.*)\\.web\\.(.*)\\.site\\. {1}.webapp.{2}.org.",
            "rewrite stop {\n edns0 local set 0xffee abcd revert\n}",
        };
        for (String g : good) {
            TestController c = TestController.of(g);
            new RewritePlugin().setup(c);
            assertTrue(c.handler(new Upstream(Map.of())) != null, g);
        }
    }

    @Test
    void localRulesHaveTheirBlockEchoTheirCode() throws Exception {
        TestController c = TestController.of("rewrite continue edns0 local set 0xffee abcd\n"
                + "rewrite continue edns0 local set 0177776 {qname}\n"
                + "rewrite continue edns0 local unset 65000\n"
                + "rewrite continue edns0 nsid set\n"
                + "rewrite edns0 subnet set 24 56");
        new RewritePlugin().setup(c);
        java.util.BitSet echoed = c.echoedOptions();
        assertEquals(java.util.List.of(65000, 0xffee, 0xfffe), echoed.stream().boxed().toList(),
                "local codes (0177776 is octal 0xfffe); nsid and subnet are echoed anyway or never");
        TestController none = TestController.of("rewrite name a.example b.example");
        new RewritePlugin().setup(none);
        assertEquals(null, none.echoedOptions());
    }

    @Test
    void setupErrors() {
        String[][] bad = {
            {"rewrite", "no rule type specified"},
            {"rewrite stop", "stop rule must begin with a rule type"},
            {"rewrite answer name a b", "response rewrites must begin with a name rule"},
            {"rewrite nonsense a b", "invalid rule type"},
            {"rewrite name a", "too few arguments for a name rule"},
            {"rewrite name fuzzy a b", "supports only exact, prefix, suffix, substring, and regex"},
            {"rewrite name regex (a b{1}", "invalid regex matching pattern"},
            {"rewrite name regex a b{1}", "uses more subexpressions"},
            {"rewrite name suffix a b answer", "invalid arguments"},
            {"rewrite name suffix a b extra args", "exceeded the number of arguments"},
            {"rewrite name prefix a b answer auto answer name x y", "cannot be combined"},
            {"rewrite class XX IN", "invalid class \"XX\""},
            {"rewrite type A", "exactly two arguments"},
            {"rewrite ttl a.example. 30-10", "invalid TTL '30-10'"},
            {"rewrite ttl a.example. -", "invalid TTL '-'"},
            {"rewrite ttl fuzzy a 10", "supports only exact"},
            {"rewrite rcode a.example. NOPE NOERROR", "invalid matching RCODE 'NOPE'"},
            {"rewrite rcode a.example. SERVFAIL 99", "invalid replacement RCODE '99'"},
            {"rewrite edns0", "too few arguments for an EDNS0 rule"},
            {"rewrite edns0 local", "too few arguments for an EDNS0 rule"},
            {"rewrite edns0 local foo 0xffee abc", "invalid action: \"foo\""},
            {"rewrite edns0 unknown-rule-type set", "invalid rule type \"unknown-rule-type\""},
            {"rewrite edns0 unknown-rule-type unset", "invalid rule type \"unknown-rule-type\""},
            {"rewrite edns0 local set", "EDNS0 local rules require three or four args"},
            {"rewrite edns0 local set 0xffee", "EDNS0 local rules require three or four args"},
            {"rewrite edns0 local set 0xffee a b", "EDNS0 local rules require three or four args"},
            {"rewrite edns0 local set invalid-uint abc", "strconv.ParseUint: parsing \"invalid-uint\": invalid syntax"},
            {"rewrite edns0 local set invalid-uint {qname}", "strconv.ParseUint: parsing \"invalid-uint\": invalid syntax"},
            {"rewrite edns0 local set 0x10000 abc", "strconv.ParseUint: parsing \"0x10000\": value out of range"},
            {"rewrite edns0 local set 65536 abc", "value out of range"},
            {"rewrite edns0 local set 0xffee 0xabcdefg", "encoding/hex: invalid byte: U+0067 'g'"},
            {"rewrite edns0 local set 0xffee 0xabc", "encoding/hex: odd length hex string"},
            {"rewrite edns0 local set 0xffee 0xzz", "encoding/hex: invalid byte: U+007A 'z'"},
            {"rewrite edns0 local set 0xffee {dummy}", "unsupported variable name \"{dummy}\""},
            {"rewrite edns0 local append 0xffee {/label}", "unsupported variable name"},
            {"rewrite edns0 local append 0xffee {plugin/}", "unsupported variable name"},
            {"rewrite edns0 local unset 0xffee abcdefg", "local unset action requires exactly two arguments"},
            {"rewrite edns0 local unset 0xffee revert", "local unset action requires exactly two arguments"},
            {"rewrite edns0 nsid set junk", "EDNS0 NSID rules can accept no more than one arg"},
            {"rewrite edns0 nsid unset revert", "nsid unset action requires exactly one argument"},
            {"rewrite edns0 nsid foo", "invalid action: \"foo\""},
            {"rewrite edns0 subnet set -1 56", "strconv.ParseUint: parsing \"-1\": invalid syntax"},
            {"rewrite edns0 subnet set 24 -56", "strconv.ParseUint: parsing \"-56\": invalid syntax"},
            {"rewrite edns0 subnet set 33 56", "invalid IPv4 bit mask length 33"},
            {"rewrite edns0 subnet set 24 129", "invalid IPv6 bit mask length 129"},
            {"rewrite edns0 subnet append 24 56 72", "EDNS0 subnet rules require three or four args"},
            {"rewrite edns0 subnet unset 24 56", "subnet unset action requires exactly one argument"},
            {"rewrite edns0 subnet unset revert", "subnet unset action requires exactly one argument"},
            {"rewrite unknown-action edns0 local set 0xffee abc", "invalid rule type \"unknown-action\""},
            {"rewrite cname a.example.", "too few (1) arguments for a cname rule"},
            {"rewrite cname exact a. b. c.", "too few (4) arguments for a cname rule"},
            {"rewrite continue cname", "too few (0) arguments for a cname rule"},
            {"rewrite cname fuzzy a. b.", "unknown cname rewrite type: fuzzy"},
            {"rewrite cname regex (a b.", "invalid cname rewrite regex pattern"},
            {"rewrite cname regex " + "a".repeat(10_001) + " b.", "regex pattern too long in a cname rule: 10001 > 10000"},
        };
        for (String[] b : bad) {
            PluginException e = assertThrows(PluginException.class, () -> new RewritePlugin().setup(TestController.of(b[0])),
                    b[0]);
            assertTrue(e.getMessage().contains(b[1]), b[0] + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith("Corefile:"), e.getMessage());
        }
    }
}
