package kdns.plugin.standard.dns64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transport;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Cases from CoreDNS's dns64_test.go, in process, the A lookups going through the same chain. */
class Dns64PluginTest {

    /** The next plugin and "the rest of the server": answers from a table; NXDOMAIN for nx.*. */
    static final class Upstream implements Handler {
        final Map<String, List<String>> answers = Map.of(
                "v4.example.com. A", List.of("v4.example.com. 60 IN A 192.0.2.42", "v4.example.com. 5000 IN A 192.0.2.43"),
                "v4.example.com. AAAA", List.of(),
                "v6.example.com. AAAA", List.of("v6.example.com. 60 IN AAAA ::1"),
                "v6.example.com. A", List.of("v6.example.com. 60 IN A 192.0.2.42"));

        @Override
        public String name() {
            return "upstream";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) {
            Message m = new Message(request.id());
            m.addRecord(request.message().getQuestion(), Section.QUESTION);
            List<String> rrs = answers.get(request.name() + " " + Type.string(request.qtype()));
            if (rrs == null) {
                m.getHeader().setRcode(Rcode.NXDOMAIN);
                rrs = List.of();
            }
            for (String rr : rrs) {
                m.addRecord(record(rr), Section.ANSWER);
            }
            if (rrs.isEmpty()) {
                m.addRecord(record("example.com. 70 IN SOA foo. bar. 1 1 1 1 1"), Section.AUTHORITY);
            }
            writer.write(m);
            return Rcodes.NOERROR;
        }
    }

    static Record record(String text) {
        try (Master m = new Master(new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                Name.root)) {
            return m.nextRecord();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Message ask(String corefile, String name, int type, String client) throws Exception {
        TestController c = TestController.of(corefile);
        new Dns64Plugin().setup(c);
        Handler h = c.handler(new Upstream());
        c.instance().handlers(List.of(h));
        RecordingWriter w = new RecordingWriter();
        int rc = h.serve(TestRequests.from(TestRequests.message(name, type, DClass.IN), Transport.UDP,
                new InetSocketAddress(client, 5353)), w);
        assertTrue(Rcodes.clientWrote(rc));
        return w.msg();
    }

    private static List<String> answer(Message m) {
        return m.getSection(Section.ANSWER).stream().map(Record::toString).map(s -> s.replaceAll("\\s+", " ")).toList();
    }

    @Test
    void aRecordsBecomeAaaaInThePrefix() throws Exception {
        Message m = ask("dns64", "v4.example.com.", Type.AAAA, "2001:db8::1");
        assertEquals(List.of("v4.example.com. 60 IN AAAA 64:ff9b:0:0:0:0:c000:22a",
                "v4.example.com. 70 IN AAAA 64:ff9b:0:0:0:0:c000:22b"), answer(m), "TTL capped by the first reply's SOA");
        assertFalse(m.getHeader().getFlag(Flags.AA));
        assertEquals(List.of("v4.example.com. 60 IN AAAA 64:1337:0:0:0:0:c000:22a",
                "v4.example.com. 70 IN AAAA 64:1337:0:0:0:0:c000:22b"),
                answer(ask("dns64 {\n prefix 64:1337::/96\n allow_ipv4\n}", "v4.example.com.", Type.AAAA, "127.0.0.1")));
        assertEquals(List.of("v4.example.com. 60 IN AAAA 2001:db8:c000:22a:0:0:0:0",
                "v4.example.com. 70 IN AAAA 2001:db8:c000:22b:0:0:0:0"),
                answer(ask("dns64 2001:db8::/32", "v4.example.com.", Type.AAAA, "2001:db8::1")), "a /32 prefix");
        assertEquals(List.of("v4.example.com. 60 IN AAAA 2001:db8:c0:2:2a:0:0:0",
                "v4.example.com. 70 IN AAAA 2001:db8:c0:2:2b:0:0:0"),
                answer(ask("dns64 2001:db8::/40", "v4.example.com.", Type.AAAA, "2001:db8::1")),
                "a /40 prefix: the last IPv4 byte skips byte 8 (RFC 6052)");
    }

    @Test
    void whatPassesUntouched() throws Exception {
        assertEquals(List.of("v6.example.com. 60 IN AAAA 0:0:0:0:0:0:0:1"),
                answer(ask("dns64", "v6.example.com.", Type.AAAA, "2001:db8::1")), "AAAA records exist");
        assertEquals(List.of("v6.example.com. 60 IN AAAA 64:ff9b:0:0:0:0:c000:22a"),
                answer(ask("dns64 {\n translate_all\n}", "v6.example.com.", Type.AAAA, "2001:db8::1")), "translate_all");
        assertEquals(Rcode.NXDOMAIN, ask("dns64", "nx.example.com.", Type.AAAA, "2001:db8::1").getRcode());
        assertTrue(answer(ask("dns64", "v4.example.com.", Type.AAAA, "127.0.0.1")).isEmpty(), "an IPv4 client");
        assertEquals(2, answer(ask("dns64", "v4.example.com.", Type.A, "2001:db8::1")).size(), "not AAAA");
    }

    @Test
    void setupErrors() {
        for (String[] b : new String[][] {{"dns64 a b", "Wrong argument count"},
            {"dns64 10.0.0.0/8", "invalid netmask 32 IPv6 address"},
            {"dns64 64:ff9b::/100", "invalid prefix length"},
            {"dns64 64:ff9b::/33", "invalid prefix length"},
            {"dns64 nonsense", "invalid CIDR address"},
            {"dns64 {\n nonsense\n}", "unknown property 'nonsense'"}}) {
            PluginException e = assertThrows(PluginException.class, () -> new Dns64Plugin().setup(TestController.of(b[0])));
            assertTrue(e.getMessage().contains(b[1]), b[0] + ": " + e.getMessage());
        }
    }
}
