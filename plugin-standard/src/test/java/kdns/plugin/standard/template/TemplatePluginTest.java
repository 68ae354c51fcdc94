package kdns.plugin.standard.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Every option of template, its setup errors and its answers (cases from CoreDNS's template_test.go). */
class TemplatePluginTest {

    private static final String IP_TEMPLATES = """
            template IN A example {
                match (^|[.])ip-(?P<a>[0-9]*)-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$
                answer "{{ .Name }} 60 IN A {{ .Group.a }}.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"
                fallthrough
            }
            template IN PTR in-addr.arpa {
                match ^(?P<d>[0-9]*)[.](?P<c>[0-9]*)[.](?P<b>[0-9]*)[.](?P<a>[0-9]*)[.]in-addr[.]arpa[.]$
                answer "{{ .Name }} 60 IN PTR ip-{{ .Group.a }}-{{ .Group.b }}-{{ .Group.c }}-{{ .Group.d }}.example."
            }
            template IN A example {
                match "^ip0a(?P<b>[a-f0-9]{2})(?P<c>[a-f0-9]{2})(?P<d>[a-f0-9]{2})[.]example[.]$"
                answer "{{ .Name }} 60 IN A 10.{{ parseInt .Group.b 16 8 }}.{{ parseInt .Group.c 16 8 }}.{{ parseInt .Group.d 16 8 }}"
                fallthrough
            }
            template IN MX example {
                match ^ip-10-(?P<b>[0-9]*)-(?P<c>[0-9]*)-(?P<d>[0-9]*)[.]example[.]$
                answer "{{ .Name }} 60 IN MX 10 {{ .Name }}"
                additional "{{ .Name }} 60 IN A 10.{{ .Group.b }}.{{ .Group.c }}.{{ .Group.d }}"
                fallthrough
            }
            """;

    private static TestController controller;

    static Handler handler(String corefile) throws Exception {
        return handler(corefile, TestHandlers.answering(Rcodes.NXDOMAIN));
    }

    static Handler handler(String corefile, Handler next) throws Exception {
        TestController c = TestController.of(corefile);
        new TemplatePlugin().setup(c);
        Handler h = c.handler(next);
        c.instance().handlers(List.of(h));
        controller = c;
        return h;
    }

    static Message ask(Handler h, String name, int type) throws Exception {
        return ask(h, TestRequests.query(name, type));
    }

    static Message ask(Handler h, Request r) throws Exception {
        RecordingWriter w = new RecordingWriter();
        int rc = h.serve(r, w);
        if (!Rcodes.clientWrote(rc)) {
            assertNull(w.msg(), "nothing written for " + Rcodes.name(rc));
            Message m = new Message();
            m.getHeader().setRcode(rc);
            return m;
        }
        return w.msg();
    }

    static List<String> section(Message m, int section) {
        return m.getSection(section).stream().map(Record::toString).map(s -> s.replaceAll("\\s+", " ")).sorted().toList();
    }

    @Test
    void answersFromNamedGroups() throws Exception {
        Handler h = handler(IP_TEMPLATES);
        Message m = ask(h, "ip-10-95-12-8.example.", Type.A);
        assertEquals(Rcodes.NOERROR, m.getRcode());
        assertTrue(m.getHeader().getFlag(Flags.AA));
        assertEquals(List.of("ip-10-95-12-8.example. 60 IN A 10.95.12.8"), section(m, Section.ANSWER));
        assertEquals(List.of("host.ip-10-95-12-8.example. 60 IN A 10.95.12.8"),
                section(ask(h, "host.ip-10-95-12-8.example.", Type.A), Section.ANSWER));
        assertEquals(List.of("ip0a5f0c09.example. 60 IN A 10.95.12.9"),
                section(ask(h, "ip0a5f0c09.example.", Type.A), Section.ANSWER), "parseInt of hex groups");
        assertEquals(List.of("8.12.95.10.in-addr.arpa. 60 IN PTR ip-10-95-12-8.example."),
                section(ask(h, "8.12.95.10.in-addr.arpa.", Type.PTR), Section.ANSWER));
        Message mx = ask(h, "ip-10-95-12-8.example.", Type.MX);
        assertEquals(List.of("ip-10-95-12-8.example. 60 IN MX 10 ip-10-95-12-8.example."), section(mx, Section.ANSWER));
        assertEquals(List.of("ip-10-95-12-8.example. 60 IN A 10.95.12.8"), section(mx, Section.ADDITIONAL));
    }

    @Test
    void noMatchFallsThroughOrFails() throws Exception {
        Handler h = handler(IP_TEMPLATES);
        assertEquals(Rcodes.NXDOMAIN, ask(h, "nomatch.example.", Type.A).getRcode(), "fallthrough: the next plugin");
        assertEquals(Rcodes.SERVFAIL, ask(h, "nomatch.10.in-addr.arpa.", Type.PTR).getRcode(),
                "no fallthrough on the PTR template: SERVFAIL");
        assertEquals(Rcodes.NXDOMAIN, ask(h, "www.example.org.", Type.A).getRcode(), "outside every zone: next");
        Handler specific = handler("""
                template IN A test {
                    rcode REFUSED
                }
                template IN TXT test {
                    match "$^"
                    rcode SERVFAIL
                    fallthrough
                }
                """);
        assertEquals(Rcodes.NXDOMAIN, ask(specific, "some.test.", Type.TXT).getRcode());
        Message refused = ask(specific, "some.test.", Type.A);
        assertEquals(Rcodes.REFUSED, refused.getRcode(), "the template's own REFUSED reply");
        assertTrue(refused.getHeader().getFlag(Flags.AA));
    }

    @Test
    void rcodesAuthorityAndExtendedErrors() throws Exception {
        Handler h = handler("""
                template ANY ANY invalid {
                    rcode NXDOMAIN
                    authority "invalid. 60 {{ .Class }} SOA ns.invalid. hostmaster.invalid. (1 60 60 60 60)"
                    ederror 21 "Blocked according to RFC2606"
                }
                template ANY ANY servfail.example {
                    rcode SERVFAIL
                }
                """);
        Message m = ask(h, "test.invalid.", Type.A);
        assertEquals(Rcodes.NXDOMAIN, m.getRcode());
        assertEquals(List.of("invalid. 60 IN SOA ns.invalid. hostmaster.invalid. 1 60 60 60 60"),
                section(m, Section.AUTHORITY));
        OPTRecord opt = m.getOPT();
        ExtendedErrorCodeOption ede = (ExtendedErrorCodeOption) opt.getOptions().get(0);
        assertEquals(21, ede.getErrorCode());
        assertEquals("Blocked according to RFC2606", ede.getText());
        assertEquals(Rcodes.SERVFAIL, ask(h, "x.servfail.example.", Type.A).getRcode());
    }

    @Test
    void serverZonesAndTheOpenShiftAaaaFilter() throws Exception {
        Handler h = handler("template ANY AAAA {\n rcode NOERROR\n}");
        Message m = ask(h, "svc1.testns.svc.cluster.local.", Type.AAAA);
        assertEquals(Rcodes.NOERROR, m.getRcode());
        assertTrue(m.getSection(Section.ANSWER).isEmpty());
        assertTrue(m.getSection(Section.AUTHORITY).isEmpty(), "no SOA");
        assertEquals(Rcodes.NXDOMAIN, ask(h, "svc1.testns.svc.cluster.local.", Type.A).getRcode(), "A goes on");
        Message any = ask(h, "x.example.", Type.ANY);
        assertEquals(Rcodes.NOERROR, any.getRcode(), "an ANY question matches a typed template");
    }

    @Test
    void dataFieldsAndLowerCaseNames() throws Exception {
        Handler h = handler("template IN TXT info.example {\n answer \"{{ .Name }} 60 IN TXT \\\"zone={{ .Zone }}\\\" "
                + "\\\"class={{ .Class }}\\\" \\\"type={{ .Type }}\\\" \\\"rd={{ .Message.RecursionDesired }}\\\"\"\n}");
        Message m = ask(h, "Info.Example.", Type.TXT);
        assertEquals(List.of("info.example. 60 IN TXT \"zone=info.example.\" \"class=IN\" \"type=TXT\" \"rd=true\""),
                section(m, Section.ANSWER));
        Handler remote = handler("template IN A remote.example {\n answer \"{{ .Name }} 60 IN A {{ .Remote }}\"\n}");
        Request r = TestRequests.from(TestRequests.message("remote.example.", Type.A, DClass.IN), kdns.api.Transport.UDP,
                new java.net.InetSocketAddress("192.0.2.77", 5353));
        assertEquals(List.of("remote.example. 60 IN A 192.0.2.77"), section(ask(remote, r), Section.ANSWER));
    }

    @Test
    void cnameTargetsAreFollowedThroughTheServerForAddressQuestions() throws Exception {
        Handler upstream = new Handler() {
            @Override
            public String name() {
                return "upstream";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                Message m = new Message(request.id());
                m.addRecord(request.message().getQuestion(), Section.QUESTION);
                if (request.name().equals("google.com.") && request.qtype() == Type.A) {
                    m.addRecord(new ARecord(request.qname(), DClass.IN, 300, new byte[] {(byte) 192, 0, 2, 10}),
                            Section.ANSWER);
                }
                writer.write(m);
                return Rcodes.NOERROR;
            }
        };
        Handler h = handler("""
                template IN ANY foogle.com {
                    match "^foogle\\.com\\.$"
                    answer "foogle.com 60 IN CNAME google.com"
                }
                template IN ANY cname.example.net. {
                    answer "cname.example.net. 60 IN CNAME target.example.net."
                    upstream
                }
                template IN A target.example.net. {
                    answer "target.example.net. 60 IN A 1.2.3.4"
                }
                """, upstream);
        assertEquals(List.of("foogle.com. 60 IN CNAME google.com.", "google.com. 300 IN A 192.0.2.10"),
                section(ask(h, "foogle.com.", Type.A), Section.ANSWER));
        assertEquals(List.of("foogle.com. 60 IN CNAME google.com."), section(ask(h, "foogle.com.", Type.CNAME), Section.ANSWER));
        assertEquals(List.of("cname.example.net. 60 IN CNAME target.example.net.", "target.example.net. 60 IN A 1.2.3.4"),
                section(ask(h, "cname.example.net.", Type.A), Section.ANSWER));
    }

    @Test
    void aTemplateThatRendersNoRecordIsServfailAndCounted() throws Exception {
        Handler h = handler("template IN A example {\n answer \"{{ .Name }} 60 IN A not-an-address\"\n}\n"
                + "template IN TXT example {\n answer \"{{ .Name }} 60 IN TXT {{ parseInt .Name 10 8 }}\"\n}");
        assertThrows(kdns.api.HandlerException.class, () -> h.serve(TestRequests.query("x.example.", Type.A),
                new RecordingWriter()));
        assertThrows(kdns.api.HandlerException.class, () -> h.serve(TestRequests.query("x.example.", Type.TXT),
                new RecordingWriter()));
        String metrics = kdns.plugin.standard.prometheus.Scrape.text(controller.instance().metrics());
        assertTrue(metrics.contains("coredns_template_rr_failures_total{"), metrics);
        assertTrue(metrics.contains("coredns_template_template_failures_total{"), metrics);
    }

    @Test
    void matchesAreCounted() throws Exception {
        Handler h = handler(IP_TEMPLATES);
        ask(h, "ip-10-95-12-8.example.", Type.A);
        String metrics = kdns.plugin.standard.prometheus.Scrape.text(controller.instance().metrics());
        assertTrue(metrics.contains("coredns_template_matches_total{class=\"IN\",server=\"dns://:53\",type=\"A\","
                + "view=\"\",zone=\"example.\"} 1.0"), metrics);
    }

    @Test
    void setupErrors() {
        String[][] bad = {
            {"template", "Wrong argument count"},
            {"template IN", "Wrong argument count"},
            {"template XX A", "invalid query class XX"},
            {"template IN XX", "invalid RR class XX"},
            {"template IN A {\n match\n}", "Wrong argument count"},
            {"template IN A {\n match (\n}", "could not parse regex"},
            {"template IN A {\n answer \"{{ .Name\"\n}", "could not compile template"},
            {"template IN A {\n answer \"{{ if .Name }}x{{ end }}\"\n}", "not supported"},
            {"template IN A {\n rcode NOPE\n}", "unknown rcode NOPE"},
            {"template IN A {\n ederror x\n}", "extended DNS error code"},
            {"template IN A {\n ederror 1 2 3\n}", "Wrong argument count"},
            {"template IN A {\n var x\n}", "Wrong argument count"},
            {"template IN A {\n expr\n}", "Wrong argument count"},
            {"template IN A {\n expr nme() == 'a.'\n}", "could not compile expression: unknown function 'nme'"},
            {"template IN A {\n nonsense\n}", "Wrong argument count"},
        };
        for (String[] b : bad) {
            PluginException e = assertThrows(PluginException.class, () -> new TemplatePlugin().setup(TestController.of(b[0])),
                    b[0]);
            assertTrue(e.getMessage().contains(b[1]), b[0] + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith("Corefile:"), e.getMessage());
        }
        assertFalse(List.of().contains("x"));
    }
}
