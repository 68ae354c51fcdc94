package kdns.plugin.standard.template;

import static kdns.plugin.standard.template.TemplatePluginTest.ask;
import static kdns.plugin.standard.template.TemplatePluginTest.handler;
import static kdns.plugin.standard.template.TemplatePluginTest.section;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.Transport;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * template's {@code var} and {@code expr} options (cases from CoreDNS's expr_test.go, var_test.go and
 * setup_test.go). The next plugin answers NXDOMAIN; queries come from 10.240.0.1.
 */
class TemplateExpressionsTest {

    /** What the next plugin answers: the query fell through. */
    private static final int NEXT = Rcodes.NXDOMAIN;

    private static int rcode(String corefile, String name) throws Exception {
        return ask(handler(corefile), name, Type.A).getRcode();
    }

    private static List<String> answer(String corefile, String name, int type) throws Exception {
        Message m = ask(handler(corefile), name, type);
        assertEquals(Rcodes.NOERROR, m.getRcode(), corefile);
        return section(m, Section.ANSWER);
    }

    private static Request withMetadata(String name, String label, String value) {
        Request r = TestRequests.query(name, Type.A);
        r.setMetadata(label, () -> value);
        return r;
    }

    /** The acceptance case: CoreDNS README's LAN device addresses. */
    @Test
    void lanDeviceAddressesOnlyForPrivateRanges() throws Exception {
        Handler h = handler("""
                template IN A example.com {
                    match ^(?P<ip>[0-9]{1,3}(-[0-9]{1,3}){3})[.](?P<id>[a-z2-7]{26})[.]example[.]com[.]$
                    var ip replace(group('ip'), '-', '.')
                    expr "any(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'], incidr(ip, #))"
                    answer "{{ .Name }} 60 IN A {{ .Var.ip }}"
                    fallthrough
                }
                """);
        String id = "abcdefghijklmnopqrstuvwxyz";
        assertEquals(NEXT, ask(h, "8-8-8-8." + id + ".example.com.", Type.A).getRcode(), "a public address: next plugin");
        Message m = ask(h, "10-1-2-3." + id + ".example.com.", Type.A);
        assertEquals(Rcodes.NOERROR, m.getRcode());
        assertEquals(List.of("10-1-2-3." + id + ".example.com. 60 IN A 10.1.2.3"), section(m, Section.ANSWER));
        assertEquals(List.of("192-168-0-1." + id + ".example.com. 60 IN A 192.168.0.1"),
                section(ask(h, "192-168-0-1." + id + ".example.com.", Type.A), Section.ANSWER));
        assertEquals(NEXT, ask(h, "172-32-0-1." + id + ".example.com.", Type.A).getRcode());
        assertEquals(NEXT, ask(h, "10-1-2-3.tooshort.example.com.", Type.A).getRcode(), "no regex match");
        assertEquals(Rcodes.SERVFAIL, ask(h, "10-1-2-300." + id + ".example.com.", Type.A).getRcode(),
                "10.1.2.300 is no address: incidr fails, SERVFAIL whatever fallthrough says");
    }

    @Test
    void conditions() throws Exception {
        String tmpl = "template IN A example. {\n expr %s\n answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n %s\n}\n";
        assertEquals(List.of("a.example. 60 IN A 10.0.0.1"),
                answer(tmpl.formatted("name() == 'a.example.'", ""), "a.example.", Type.A));
        assertEquals(Rcodes.SERVFAIL, rcode(tmpl.formatted("name() == 'b.example.'", ""), "a.example."),
                "false without fallthrough");
        assertEquals(NEXT, rcode(tmpl.formatted("name() == 'b.example.'", "fallthrough"), "a.example."));
        assertEquals(Rcodes.SERVFAIL, rcode(tmpl.formatted("name() == 'b.example.'", "fallthrough other.example."),
                "a.example."), "fallthrough for other zones only");
        assertEquals(NEXT, rcode(tmpl.formatted("1", "fallthrough"), "a.example."), "not a boolean: false");
        assertEquals(NEXT, rcode(tmpl.formatted("nil", "fallthrough"), "a.example."));
        assertEquals(Rcodes.SERVFAIL, rcode(tmpl.formatted("incidr('notanip', '10.0.0.0/8')", "fallthrough"),
                "a.example."), "an error: SERVFAIL, even with fallthrough");
        assertEquals(List.of("a.example. 60 IN A 10.0.0.2"), answer("""
                template IN A example. {
                    expr name() == 'b.example.'
                    answer "{{ .Name }} 60 IN A 10.0.0.1"
                    fallthrough
                }
                template IN A example. {
                    answer "{{ .Name }} 60 IN A 10.0.0.2"
                }
                """, "a.example.", Type.A), "a false condition goes on to the next template");
    }

    @Test
    void allConditionsMustHold() throws Exception {
        String all = """
                template IN A example. {
                    expr name() == 'a.example.'
                    expr type() == 'A'
                    expr incidr(client_ip(), '%s')
                    answer "{{ .Name }} 60 IN A 10.0.0.1"
                    fallthrough
                }
                """;
        assertEquals(List.of("a.example. 60 IN A 10.0.0.1"), answer(all.formatted("10.0.0.0/8"), "a.example.", Type.A));
        assertEquals(NEXT, rcode(all.formatted("192.0.2.0/24"), "a.example."));
        assertEquals(NEXT, rcode("template IN A example. {\n expr false\n expr incidr('notanip', '10.0.0.0/8')\n"
                + " fallthrough\n}", "a.example."), "the first false condition ends it: the second is not run");
    }

    @Test
    void groupsVariablesAndMetadata() throws Exception {
        String uses = """
                template IN A example. {
                    match ^(?P<n>[0-9]+)[.]example[.]$
                    var num int(group('n'))
                    expr num > 1
                    answer "{{ .Name }} 60 IN A 10.0.0.{{ .Var.num }}"
                    fallthrough
                }
                """;
        assertEquals(List.of("2.example. 60 IN A 10.0.0.2"), answer(uses, "2.example.", Type.A));
        assertEquals(NEXT, rcode(uses, "1.example."));
        assertEquals(List.of("2.example. 60 IN A 10.0.0.2"), answer("""
                template IN A example. {
                    match ^(?P<n>[0-9]+)[.]example[.]$
                    expr group('n') == '2' && group(0) == '2.example.' && group(1) == '2' && group('x') == ''
                    answer "{{ .Name }} 60 IN A 10.0.0.{{ .Group.n }}"
                    fallthrough
                }
                """, "2.example.", Type.A));
        String md = """
                template IN A example. {
                    var region metadata('test/region')
                    expr region != 'us'
                    answer "{{ .Var.region }}.{{ .Name }} 60 IN A 10.0.0.1"
                    fallthrough
                }
                """;
        assertEquals(List.of("eu.a.example. 60 IN A 10.0.0.1"),
                section(ask(handler(md), withMetadata("a.example.", "test/region", "eu")), Section.ANSWER));
        assertEquals(NEXT, ask(handler(md), withMetadata("a.example.", "test/region", "us")).getRcode());
    }

    @Test
    void variables() throws Exception {
        assertEquals(List.of("a.example. 60 IN A 10.0.0.1"),
                answer("template IN A example. {\n var ttl 60\n answer \"{{ .Name }} {{ .Var.ttl }} IN A 10.0.0.1\"\n}",
                        "a.example.", Type.A));
        assertEquals(List.of("a.example. 60 IN A 10.1.2.20"), answer("""
                template IN A example. {
                    var a 1
                    var b a + 1
                    var c b * 10
                    answer "{{ .Name }} 60 IN A 10.{{ .Var.a }}.{{ .Var.b }}.{{ .Var.c }}"
                }
                """, "a.example.", Type.A));
        assertEquals(List.of("12-34.example. 60 IN A 10.0.12.34"), answer("""
                template IN A example. {
                    match ^(?P<a>[0-9]+)-(?P<b>[0-9]+)[.]example[.]$
                    var a group('a')
                    var b group(2)
                    var whole group(0)
                    answer "{{ .Var.whole }} 60 IN A 10.0.{{ .Var.a }}.{{ .Var.b }}"
                }
                """, "12-34.example.", Type.A));
        assertEquals(List.of("a.example. 60 IN TXT \"empty=true\""), answer("""
                template IN TXT example. {
                    match ^(?P<a>[a-z]+)[.]example[.]$
                    var missing group('nosuchgroup') + group(9)
                    answer "{{ .Name }} 60 IN TXT \\"empty={{ eq .Var.missing \\"\\" }}\\""
                }
                """, "a.example.", Type.TXT));
        Message m = ask(handler("""
                template IN A example. {
                    var n name()
                    var t type()
                    var ip client_ip()
                    answer "{{ .Var.n }} 60 IN A {{ .Var.ip }}"
                    additional "{{ .Var.n }} 60 IN TXT \\"{{ .Var.t }}\\""
                }
                """), "a.example.", Type.A);
        assertEquals(List.of("a.example. 60 IN A 10.240.0.1"), section(m, Section.ANSWER));
        assertEquals(List.of("a.example. 60 IN TXT \"A\""), section(m, Section.ADDITIONAL));
        m = ask(handler("""
                template IN A example. {
                    var target 'ns0.example.'
                    answer "{{ .Name }} 60 IN A 10.0.0.1"
                    additional "{{ .Var.target }} 60 IN A 10.0.0.2"
                    authority "example. 60 IN NS {{ .Var.target }}"
                }
                """), "a.example.", Type.A);
        assertEquals(List.of("ns0.example. 60 IN A 10.0.0.2"), section(m, Section.ADDITIONAL));
        assertEquals(List.of("example. 60 IN NS ns0.example."), section(m, Section.AUTHORITY));
        assertEquals(List.of("a.example. 60 IN TXT \"0\""),
                answer("template IN TXT example. {\n answer \"{{ .Name }} 60 IN TXT \\\"{{ len .Var }}\\\"\"\n}",
                        "a.example.", Type.TXT), "no variables: an empty .Var");
        assertEquals(List.of("b.example. 60 IN TXT \"0\""), answer("""
                template IN TXT example. {
                    match ^a[.]example[.]$
                    var v '1'
                    answer "{{ .Name }} 60 IN TXT \\"{{ .Var.v }}\\""
                    fallthrough
                }
                template IN TXT example. {
                    match ^b[.]example[.]$
                    answer "{{ .Name }} 60 IN TXT \\"{{ len .Var }}\\""
                }
                """, "b.example.", Type.TXT), "each template has its own variables");
    }

    @Test
    void aVariableThatFailsIsServfailEvenWithFallthrough() throws Exception {
        String bad = "template IN A example. {\n match ^a[.]example[.]$\n var bad incidr('notanip', '10.0.0.0/8')\n"
                + " answer \"{{ .Name }} 60 IN A 10.0.0.1\"\n %s\n}";
        assertEquals(Rcodes.SERVFAIL, rcode(bad.formatted(""), "a.example."));
        assertEquals(Rcodes.SERVFAIL, rcode(bad.formatted("fallthrough"), "a.example."));
        assertEquals(NEXT, rcode(bad.formatted("fallthrough"), "b.example."), "no regex match: nothing is evaluated");
        assertEquals(Rcodes.SERVFAIL, rcode("template IN A example. {\n var x name() + 1\n fallthrough\n}", "a.example."),
                "a type error shows when the query runs");
    }

    @Test
    void theValuesOfTheVariables() throws Exception {
        List<TemplateRule> rules = TemplatePlugin.parse(TestController.of("""
                template IN A example. {
                    match ^(?P<n>[0-9]+)[.]example[.]$
                    var num int(group('n'))
                    var double num * 2
                    var label 'x' + group('n')
                    var flag num > 1
                    var half num / 4
                    var parts split(name(), '.')
                }
                """));
        TemplateRule.Match match = rules.get(0).match(TestRequests.query("2.example.", Type.A));
        TemplateData data = assertInstanceOf(TemplateRule.Matched.class, match).data();
        assertEquals(Map.of("num", 2L, "double", 4L, "label", "x2", "flag", true, "half", 0.5,
                "parts", List.of("2", "example", "")), data.vars());
        assertEquals(List.of("num", "double", "label", "flag", "half", "parts"), List.copyOf(data.vars().keySet()),
                "in the order declared");
        assertInstanceOf(TemplateRule.Fail.class, TemplatePlugin.parse(TestController.of(
                "template IN A example. {\n var bad incidr('notanip', '10.0.0.0/8')\n fallthrough\n}")).get(0)
                .match(TestRequests.query("a.example.", Type.A)));
    }

    @Test
    void clientAndServerFunctions() throws Exception {
        Request r = TestRequests.from(TestRequests.message("a.example.", Type.A, DClass.IN), Transport.TCP,
                new InetSocketAddress("2001:db8::9", 5300));
        Handler h = handler("""
                template IN A example. {
                    var cip client_ip()
                    var cport port()
                    var transport proto()
                    var sip server_ip()
                    var sport server_port()
                    var cls class()
                    answer "{{ .Name }} 60 IN TXT {{ .Var.cip }} {{ .Var.cport }} {{ .Var.transport }} {{ .Var.sip }} {{ .Var.sport }} {{ .Var.cls }}"
                }
                """);
        assertEquals(List.of("a.example. 60 IN TXT \"2001:db8::9\" \"5300\" \"tcp\" \"127.0.0.1\" \"53\" \"IN\""),
                section(ask(h, r), Section.ANSWER));
    }

    @Test
    void setupErrors() {
        String[][] bad = {
            {"var a", "Wrong argument count"},
            {"var 1a 1", "invalid variable name \"1a\": a letter or _, then letters, digits or _"},
            {"var a-b 1", "invalid variable name \"a-b\""},
            {"var name 1", "variable name \"name\" is reserved: a function of every expression"},
            {"var group 1", "variable name \"group\" is reserved: a function of every expression"},
            {"var len 1", "variable name \"len\" is reserved: a keyword or builtin function of the expression language"},
            {"var now 1", "variable name \"now\" is reserved"},
            {"var true 1", "variable name \"true\" is reserved"},
            {"var let 1", "variable name \"let\" is reserved"},
            {"var a 1\n var a 2", "variable name \"a\" is reserved: an earlier variable"},
            {"var a 1 +", "could not compile expression: a, unexpected end of the expression: a value is missing at "
                    + "column 4 of \"1 +\""},
            {"var a invalid expression", "could not compile expression: a, unknown name 'invalid'"},
            {"var a 1 2", "could not compile expression: a, unexpected number 2 after a complete expression"},
            {"var a b + 1\n var b 1", "could not compile expression: a, unknown name 'b': the names bound here are "
                    + "bufsize, class, client_ip, do, group, id, incidr, metadata, name, opcode, port, proto, "
                    + "server_ip, server_port, size, type at column 1 of \"b + 1\""},
            {"var a undefined", "unknown name 'undefined'"},
            {"expr", "Wrong argument count"},
            {"expr name() ==", "could not compile expression: unexpected end of the expression"},
            {"expr invalid expression", "could not compile expression: unknown name 'invalid'"},
            {"expr undefined == 1", "unknown name 'undefined'"},
            {"expr a == 1\n var a 1", "unknown name 'a'"},
            {"expr name() matches '('", "invalid regular expression"},
            {"expr \"any(['10.0.0.0/8'], incidr(client_ip(), #)\"", "expected ')' to close the '(' at column 4"},
        };
        for (String[] b : bad) {
            String corefile = "template ANY ANY example. {\n " + b[0] + "\n}";
            PluginException e = assertThrows(PluginException.class,
                    () -> new TemplatePlugin().setup(TestController.of(corefile)), corefile);
            assertTrue(e.getMessage().contains(b[1]), b[0] + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith("Corefile:"), e.getMessage());
        }
    }

    @Test
    void setupAccepts() throws Exception {
        String[] good = {
            "var a 1",
            "var a 1\n var b a + 1\n var c 'x' + name()",
            "match ^(?P<a>[a-z]+)[.]example[.]$\n var a group(\"a\") + group(1) + group(0)",
            "var _x1 'y'",
            "expr name() == 'a.example.'",
            "expr name() == 'a.example.'\n expr incidr(client_ip(), '10.0.0.0/8')",
            "var a 1\n expr a == 1",
            "expr 1",
            "expr type() in ['A', 'AAAA'] && not do() && bufsize() >= 512 && size() > 0 && id() >= 0 && opcode() == 0",
        };
        for (String g : good) {
            List<TemplateRule> rules = TemplatePlugin.parse(TestController.of("template ANY ANY example. {\n " + g
                    + "\n}"));
            assertEquals(1, rules.size(), g);
        }
    }
}
