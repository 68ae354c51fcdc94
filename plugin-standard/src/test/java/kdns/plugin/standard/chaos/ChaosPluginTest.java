package kdns.plugin.standard.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import kdns.api.Handler;
import kdns.api.Rcodes;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class ChaosPluginTest {

    private static ChaosPlugin.Config parse(String text) {
        return ChaosPlugin.parse(TestController.of(text), "kdns-test");
    }

    @Test
    void defaults() {
        ChaosPlugin.Config c = parse("chaos");
        assertTrue(c.version().startsWith("kdns-"), c.version());
        assertEquals(ChaosPlugin.DEFAULT_AUTHORS, c.authors());
    }

    @Test
    void versionAndAuthors() {
        assertEquals("v2", parse("chaos v2").version());
        assertEquals(ChaosPlugin.DEFAULT_AUTHORS, parse("chaos v2").authors());
        ChaosPlugin.Config c = parse("chaos v3 \"Miek Gieben\"");
        assertEquals("v3", c.version());
        assertEquals(List.of("Miek Gieben"), c.authors());
        assertEquals(List.of("a", "b"), parse("chaos v1 b a a").authors(), "de-duplicated and sorted");
    }

    @Test
    void textsAreCutTo255() {
        String longText = "x".repeat(300);
        assertEquals(255, parse("chaos " + longText).version().length());
        assertEquals(255, parse("chaos v1 " + longText).authors().get(0).length());
        assertEquals(255, parse("chaos " + longText + " a").version().length());
    }

    @Test
    void onlyTheFirstOccurrenceCounts() {
        assertEquals("v1", parse("chaos v1\nchaos v2").version());
    }

    @Test
    void allowsAnyClass() throws Exception {
        TestController c = TestController.of("chaos");
        assertFalse(c.anyClassAllowed());
        new ChaosPlugin().setup(c);
        assertTrue(c.anyClassAllowed());
    }

    private static Handler handler(String text) throws Exception {
        TestController c = TestController.of(text);
        new ChaosPlugin().setup(c);
        return c.handler(TestHandlers.answering(Rcodes.NXDOMAIN));
    }

    private static List<String> txt(Message m) {
        return m.getSection(Section.ANSWER).stream()
                .map(r -> String.join("", ((TXTRecord) r).getStrings())).toList();
    }

    @Test
    void versionQueries() throws Exception {
        Handler h = handler("chaos CoreDNS-001 info@coredns.io");
        for (String name : new String[] {"version.bind", "version.server", "VERSION.Bind"}) {
            RecordingWriter w = new RecordingWriter();
            assertEquals(Rcodes.NOERROR, h.serve(TestRequests.query(name, Type.TXT, DClass.CH), w));
            Message m = w.msg();
            assertEquals(List.of("CoreDNS-001"), txt(m));
            Record r = m.getSection(Section.ANSWER).get(0);
            assertEquals(name + ".", r.getName().toString(), "owner as asked");
            assertEquals(DClass.CH, r.getDClass());
            assertEquals(0, r.getTTL());
            assertTrue(m.getHeader().getFlag(Flags.QR));
            assertFalse(m.getHeader().getFlag(Flags.AA));
        }
    }

    /** Corefile text that dnsjava's TXT constructors refuse: a trailing backslash, 255 characters of 2 octets. */
    @Test
    void anyVersionTextIsServed() throws Exception {
        for (String version : new String[] {"\"v1\\\\\"", "\"" + "\u00e9".repeat(300) + "\""}) {
            Handler h = handler("chaos " + version + " a\\ b");
            for (String name : new String[] {"version.bind", "authors.bind"}) {
                RecordingWriter w = new RecordingWriter();
                assertEquals(Rcodes.NOERROR, h.serve(TestRequests.query(name, Type.TXT, DClass.CH), w), version);
                w.msg().toWire(65535);
                assertFalse(txt(w.msg()).isEmpty());
            }
        }
    }

    @Test
    void authorsInRandomOrder() throws Exception {
        Handler h = handler("chaos v1 a b c d e f");
        Set<List<String>> orders = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            RecordingWriter w = new RecordingWriter();
            h.serve(TestRequests.query("authors.bind", Type.TXT, DClass.CH), w);
            List<String> got = txt(w.msg());
            assertEquals(Set.of("a", "b", "c", "d", "e", "f"), new HashSet<>(got));
            orders.add(got);
        }
        assertTrue(orders.size() > 1, "order varies");

        RecordingWriter w = new RecordingWriter();
        handler("chaos").serve(TestRequests.query("authors.bind", Type.TXT, DClass.CH), w);
        assertEquals(Rcodes.NOERROR, w.rcode());
        assertTrue(txt(w.msg()).isEmpty(), "no default authors");
    }

    @Test
    void hostnameQueries() throws Exception {
        Handler h = handler("chaos");
        for (String name : new String[] {"hostname.bind", "id.server"}) {
            RecordingWriter w = new RecordingWriter();
            h.serve(TestRequests.query(name, Type.TXT, DClass.CH), w);
            assertEquals(List.of(ChaosPlugin.trim(kdns.plugin.standard.process.HostName.get())), txt(w.msg()));
        }
    }

    @Test
    void otherQueriesGoToTheNextPlugin() throws Exception {
        Handler h = handler("chaos v1");
        RecordingWriter w = new RecordingWriter();
        assertEquals(Rcodes.NXDOMAIN, h.serve(TestRequests.query("version.bind", Type.TXT, DClass.IN), w));
        assertEquals(Rcodes.NXDOMAIN, h.serve(TestRequests.query("version.bind", Type.A, DClass.CH), w));
        assertEquals(Rcodes.NXDOMAIN, h.serve(TestRequests.query("other.bind", Type.TXT, DClass.CH), w));
        assertEquals(Rcodes.NXDOMAIN, h.serve(TestRequests.query("version.bind.example", Type.TXT, DClass.CH), w));
        assertEquals("chaos", h.name());
    }

    @Test
    void pluginIdentity() {
        assertEquals("chaos", new ChaosPlugin().name());
        assertFalse(new ChaosPlugin().description().isBlank());
        assertFalse(kdns.plugin.standard.process.HostName.get().isBlank());
    }
}
