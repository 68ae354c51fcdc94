package kdns.plugin.standard.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import kdns.plugin.standard.golang.GoRegex;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** The Go text/template subset, rendered as Go renders it. */
class GoTemplateTest {

    private static final TemplateData DATA = new TemplateData("example.", "ip-10-1-2-3.example.", "re",
            List.of("ip-10-1-2-3.example.", "1", "0a"), Map.of("0", "ip-10-1-2-3.example.", "1", "1", "b", "0a"), "IN",
            "A", TestRequests.message("Ip-10-1-2-3.Example.", Type.A, 1), "192.0.2.1", vars(),
            label -> label.equals("kubernetes/client-namespace") ? "ns1" : null);

    /** What var options could give. */
    private static Map<String, Object> vars() {
        Map<String, Object> v = new java.util.LinkedHashMap<>();
        v.put("ip", "10.1.2.3");
        v.put("n", 2L);
        v.put("half", 0.5);
        v.put("big", 1e6);
        v.put("whole", 2.0);
        v.put("ok", true);
        v.put("list", List.of("a", 1L));
        v.put("none", null);
        return v;
    }

    private static String render(String text) throws Exception {
        return GoTemplate.parse(text).execute(DATA);
    }

    @Test
    void fieldsOfTheData() throws Exception {
        assertEquals("ip-10-1-2-3.example. 60 IN A 10.1.2.3",
                render("{{ .Name }} 60 {{ .Class }} {{ .Type }} 10.{{ index .Group \"1\" | print }}.2.3"));
        assertEquals("example. re 192.0.2.1", render("{{ .Zone }} {{ .Regex }} {{.Remote}}"));
        assertEquals("0a", render("{{ .Group.b }}"));
        assertEquals("<no value>", render("{{ .Group.missing }}"), "a missing map key, as Go prints it");
        assertEquals("[ip-10-1-2-3.example. 1 0a]", render("{{ .Match }}"));
        assertEquals("true 0 Ip-10-1-2-3.Example. 1 1", render(
                "{{ .Message.RecursionDesired }} {{ .Message.Rcode }} {{ .Question.Name }} {{ .Question.Qtype }} {{ .Question.Qclass }}"));
        assertEquals("ns1", render("{{ .Meta \"kubernetes/client-namespace\" }}"));
        assertEquals("", render("{{ .Meta \"view/name\" }}"), "a label nobody set");
    }

    @Test
    void variablesPrintAsGoPrintsThem() throws Exception {
        assertEquals("10.1.2.3 2 0.5 1e+06 2 true [a 1] <no value> <no value>",
                render("{{ .Var.ip }} {{ .Var.n }} {{ .Var.half }} {{ .Var.big }} {{ .Var.whole }} {{ .Var.ok }} "
                        + "{{ .Var.list }} {{ .Var.none }} {{ .Var.missing }}"));
        assertEquals("8 true", render("{{ len .Var }} {{ and .Var.half .Var.ok }}"));
        assertEquals("x-02", render("{{ printf \"x-%02d\" .Var.n }}"));
    }

    @Test
    void functions() throws Exception {
        assertEquals("10", render("{{ parseInt .Group.b 16 8 }}"));
        assertEquals("1", render("{{ index .Match 1 }}"));
        assertEquals("0a", render("{{ index .Group \"b\" }}"));
        assertEquals("3", render("{{ len .Match }}"));
        assertEquals("x-01-ff", render("{{ printf \"x-%02d-%x\" 1 255 }}"));
        assertEquals("true false", render("{{ eq .Type \"A\" }} {{ ne .Class \"IN\" }}"));
        assertEquals("10", render("{{ parseInt (index .Match 2) 16 0 }}"));
        assertEquals("255", render("{{ parseInt \"0xff\" 0 64 }}"));
    }

    @Test
    void trimMarkersAndComments() throws Exception {
        assertEquals("a1b", render("a  {{- index .Group \"1\" -}}  b"));
        assertEquals("ab", render("a{{/* a comment */}}b"));
        assertEquals("{ not an action }", render("{ not an action }"));
    }

    @Test
    void executionErrorsAreGoMessages() throws Exception {
        assertTrue(assertThrows(GoTemplate.TemplateException.class, () -> render("{{ parseInt .Group.b 10 8 }}"))
                .getMessage().contains("invalid syntax"));
        assertTrue(assertThrows(GoTemplate.TemplateException.class, () -> render("{{ parseInt \"300\" 10 8 }}"))
                .getMessage().contains("value out of range"));
        assertTrue(assertThrows(GoTemplate.TemplateException.class, () -> render("{{ index .Match 7 }}"))
                .getMessage().contains("index out of range: 7"));
        assertTrue(assertThrows(GoTemplate.TemplateException.class, () -> render("{{ .Nope }}"))
                .getMessage().contains("can't evaluate field Nope"));
    }

    @Test
    void whatTheSubsetLeavesOutIsRefusedAtParse() {
        for (String t : new String[] {"{{ if .Name }}x{{ end }}", "{{ range .Match }}{{ . }}{{ end }}", "{{ $x := 1 }}",
            "{{ nosuchfunc 1 }}", "{{ .Group.1 }}", "{{ .Name", "{{ }}", "{{ \"unterminated }}", "{{ .Name ) }}"}) {
            assertThrows(GoTemplate.TemplateException.class, () -> GoTemplate.parse(t), t);
        }
    }

    @Test
    void goRegexNamedGroupsAndPosixClasses() {
        GoRegex r = GoRegex.compile("^ip-(?P<a_1>[0-9]+)-(x)?(?P<b>[[:digit:]]+)[.]$");
        assertEquals(List.of("", "a_1", "", "b"), r.names());
        assertEquals(List.of("ip-10-7.", "10", "", "7"), r.find("ip-10-7."));
        assertEquals(null, r.find("nope"));
        assertEquals(List.of(""), GoRegex.compile("$^").find(""));
        assertThrows(IllegalArgumentException.class, () -> GoRegex.compile("(unclosed"));
        assertThrows(IllegalArgumentException.class, () -> GoRegex.compile("x".repeat(10_001)));
    }
}
