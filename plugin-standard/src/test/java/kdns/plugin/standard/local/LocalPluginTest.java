package kdns.plugin.standard.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The cases of CoreDNS's local_test.go. */
class LocalPluginTest {

    private static Message ask(String corefile, String name, int type) throws Exception {
        TestController c = TestController.of(corefile);
        new LocalPlugin().setup(c);
        Handler h = c.handler(TestHandlers.answering(Rcodes.REFUSED));
        RecordingWriter w = new RecordingWriter();
        h.serve(TestRequests.query(name, type), w);
        return w.msg();
    }

    private static List<String> section(Message m, int s) {
        return m.getSection(s).stream().map(Record::toString).map(x -> x.replaceAll("\\s+", " ")).toList();
    }

    @Test
    void localhostAndItsSubdomains() throws Exception {
        assertEquals(List.of("localhost. 604800 IN A 127.0.0.1"), section(ask("local", "localhost.", Type.A), Section.ANSWER));
        assertEquals(List.of("localhost. 604800 IN AAAA 0:0:0:0:0:0:0:1"),
                section(ask("local", "localhost.", Type.AAAA), Section.ANSWER));
        assertEquals(List.of("Foo.LocalHost. 604800 IN A 127.0.0.1"),
                section(ask("local", "Foo.LocalHost.", Type.A), Section.ANSWER), "the client's spelling");
        assertEquals(List.of("localhost.example.net. 604800 IN A 127.0.0.1"),
                section(ask("local", "localhost.example.net.", Type.A), Section.ANSWER));
        Message mx = ask("local", "a.localhost.", Type.MX);
        assertEquals(Rcode.NOERROR, mx.getRcode());
        assertEquals(List.of("a.localhost. 604800 IN SOA localhost. root.localhost. 1 0 0 0 604800"),
                section(mx, Section.AUTHORITY));
        assertFalse(mx.getHeader().getFlag(Flags.AA));
    }

    @Test
    void localhostPrefixOff() throws Exception {
        assertEquals(Rcode.REFUSED, ask("local {\n localhost_prefix off\n}", "localhost.example.net.", Type.A).getRcode(),
                "the next plugin");
        assertEquals(List.of("x.localhost. 604800 IN A 127.0.0.1"),
                section(ask("local {\n localhost_prefix off\n}", "x.localhost.", Type.A), Section.ANSWER));
    }

    @Test
    void reverseZones() throws Exception {
        assertEquals(List.of("1.0.0.127.in-addr.arpa. 604800 IN PTR localhost."),
                section(ask("local", "1.0.0.127.in-addr.arpa.", Type.PTR), Section.ANSWER));
        Message nx = ask("local", "2.0.0.127.in-addr.arpa.", Type.PTR);
        assertEquals(Rcode.NXDOMAIN, nx.getRcode());
        assertEquals(List.of("127.in-addr.arpa. 604800 IN SOA localhost. root.localhost. 1 0 0 0 604800"),
                section(nx, Section.AUTHORITY));
        assertEquals(List.of("127.in-addr.arpa. 604800 IN NS localhost."),
                section(ask("local", "127.in-addr.arpa.", Type.NS), Section.ANSWER));
        Message apexA = ask("local", "0.in-addr.arpa.", Type.A);
        assertTrue(apexA.getSection(Section.ANSWER).isEmpty());
        assertEquals(1, apexA.getSection(Section.AUTHORITY).size(), "NODATA with the SOA");
        assertEquals(Rcode.REFUSED, ask("local", "example.org.", Type.A).getRcode(), "anything else: the next plugin");
    }

    @Test
    void setupErrors() {
        for (String[] b : new String[][] {{"local x", "Wrong argument count"},
            {"local {\n localhost_prefix maybe\n}", "localhost_prefix expects 'on' or 'off'"},
            {"local {\n nonsense\n}", "unknown property 'nonsense'"}}) {
            PluginException e = assertThrows(PluginException.class, () -> new LocalPlugin().setup(TestController.of(b[0])));
            assertTrue(e.getMessage().contains(b[1]), e.getMessage());
        }
    }
}
