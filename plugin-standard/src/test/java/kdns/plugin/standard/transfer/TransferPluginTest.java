package kdns.plugin.standard.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transferer;
import kdns.api.Transport;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class TransferPluginTest {

    static final InetSocketAddress SECONDARY = new InetSocketAddress("10.0.0.53", 50000);

    /** A zone of {@code size} A records with serial 7, and a next handler that records what reached it. */
    static final class Zone implements Handler, Transferer {
        final int size;
        final List<String> passed = new ArrayList<>();

        Zone(int size) {
            this.size = size;
        }

        @Override
        public String name() {
            return "zone";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) {
            passed.add(request.name() + " " + Type.string(request.qtype()));
            return Rcodes.REFUSED;
        }

        @Override
        public List<Record> transfer(String zone, long clientSerial) {
            if (!zone.equals("example.org.")) {
                return null;
            }
            SOARecord soa = soa();
            if (clientSerial >= soa.getSerial()) {
                return List.of(soa);
            }
            List<Record> out = new ArrayList<>();
            out.add(soa);
            for (int i = 0; i < size; i++) {
                try {
                    out.add(new ARecord(Name.fromString("host" + i + ".example.org."), DClass.IN, 30,
                            InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i})));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            out.add(soa);
            return out;
        }

        static SOARecord soa() {
            try {
                Name z = Name.fromString("example.org.");
                return new SOARecord(z, DClass.IN, 30, Name.fromString("ns.example.org."),
                        Name.fromString("hostmaster.example.org."), 7, 7200, 1800, 86400, 30);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final Zone zone = new Zone(3);

    private Handler handler(String text) throws Exception {
        TestController c = TestController.of(text, List.of("example.org"));
        new TransferPlugin().setup(c);
        Handler h = c.handler(zone);
        c.instance().handlers(List.of(h, zone));
        c.runStartup();
        return h;
    }

    private static Request query(String name, int type, Transport t, InetSocketAddress from) {
        return TestRequests.from(TestRequests.message(name, type, DClass.IN), t, from);
    }

    @Test
    void axfrOverTcpStreamsTheZoneBetweenTwoSoas() throws Exception {
        Handler h = handler("transfer {\n to *\n}");
        RecordingWriter w = new RecordingWriter(SECONDARY);
        assertEquals(Rcodes.NOERROR, h.serve(query("example.org.", Type.AXFR, Transport.TCP, SECONDARY), w));
        List<Record> all = new ArrayList<>();
        w.messages().forEach(m -> all.addAll(m.getSection(Section.ANSWER)));
        assertEquals(5, all.size());
        assertTrue(all.get(0) instanceof SOARecord);
        assertTrue(all.get(4) instanceof SOARecord);
        assertTrue(w.msg().getHeader().getFlag(org.xbill.DNS.Flags.AA));
    }

    @Test
    void largeZonesGoOutInSeveralMessages() throws Exception {
        Zone big = new Zone(3000);
        TestController c = TestController.of("transfer {\n to *\n}", List.of("example.org"));
        new TransferPlugin().setup(c);
        Handler h = c.handler(big);
        c.instance().handlers(List.of(h, big));
        c.runStartup();
        RecordingWriter w = new RecordingWriter(SECONDARY);
        h.serve(query("example.org.", Type.AXFR, Transport.TCP, SECONDARY), w);
        assertTrue(w.messages().size() > 2, "messages: " + w.messages().size());
        int records = 0;
        for (Message m : w.messages()) {
            records += m.getSection(Section.ANSWER).size();
            assertTrue(m.toWire().length < 65535);
        }
        assertEquals(3002, records);
    }

    @Test
    void udpAndUnlistedClientsAreRefused() throws Exception {
        Handler h = handler("transfer {\n to 10.0.0.53:53 192.0.2.1\n}");
        assertEquals(Rcodes.REFUSED, h.serve(query("example.org.", Type.AXFR, Transport.UDP, SECONDARY),
                new RecordingWriter(SECONDARY)));
        InetSocketAddress stranger = new InetSocketAddress("10.9.9.9", 4000);
        assertEquals(Rcodes.REFUSED, h.serve(query("example.org.", Type.AXFR, Transport.TCP, stranger),
                new RecordingWriter(stranger)));
        RecordingWriter ok = new RecordingWriter(SECONDARY);
        assertEquals(Rcodes.NOERROR, h.serve(query("example.org.", Type.AXFR, Transport.TCP, SECONDARY), ok));
    }

    @Test
    void ixfrWithTheCurrentSerialGetsTheSoaAlone() throws Exception {
        Handler h = handler("transfer {\n to *\n}");
        for (long serial : new long[] {7, 3}) {
            Message q = TestRequests.message("example.org.", Type.IXFR, DClass.IN);
            SOARecord client = Zone.soa();
            q.addRecord(new SOARecord(client.getName(), DClass.IN, 30, client.getHost(), client.getAdmin(), serial,
                    7200, 1800, 86400, 30), Section.AUTHORITY);
            RecordingWriter w = new RecordingWriter(SECONDARY);
            h.serve(TestRequests.from(q, Transport.TCP, SECONDARY), w);
            int records = w.messages().stream().mapToInt(m -> m.getSection(Section.ANSWER).size()).sum();
            assertEquals(serial == 7 ? 1 : 5, records, "serial " + serial);
        }
        RecordingWriter bad = new RecordingWriter(SECONDARY);
        assertEquals(Rcodes.SERVFAIL, h.serve(query("example.org.", Type.IXFR, Transport.TCP, SECONDARY), bad),
                "an IXFR without the client's SOA");
    }

    @Test
    void otherQueriesAndZonesPassOn() throws Exception {
        Handler h = handler("transfer example.org {\n to *\n}");
        h.serve(query("www.example.org.", Type.A, Transport.TCP, SECONDARY), new RecordingWriter(SECONDARY));
        h.serve(query("other.test.", Type.AXFR, Transport.TCP, SECONDARY), new RecordingWriter(SECONDARY));
        h.serve(query("sub.example.org.", Type.AXFR, Transport.TCP, SECONDARY), new RecordingWriter(SECONDARY));
        assertEquals(List.of("www.example.org. A", "other.test. AXFR", "sub.example.org. AXFR"), zone.passed);
    }

    @Test
    void setupErrorsSayWhatToFix() {
        assertEquals("Corefile:1 - Error during parsing: transfer: no 'to' hosts given: add 'to *' or 'to ADDRESS...' in a block",
                assertThrows(PluginException.class, () -> TransferPlugin.parse(TestController.of("transfer"))).getMessage());
        assertTrue(assertThrows(PluginException.class,
                () -> TransferPlugin.parse(TestController.of("transfer {\n from *\n}"))).getMessage()
                .contains("unknown property 'from'"));
        assertTrue(assertThrows(PluginException.class,
                () -> TransferPlugin.parse(TestController.of("transfer {\n to\n}"))).getMessage()
                .contains("Wrong argument count"));
        assertTrue(assertThrows(PluginException.class,
                () -> TransferPlugin.parse(TestController.of("transfer {\n to secondary.example\n}"))).getMessage()
                .contains("'secondary.example' is not an IP address"));
    }

    @Test
    void stanzasKeepTheirZonesAndHosts() throws Exception {
        List<TransferPlugin.Stanza> s = TransferPlugin.parse(TestController.of(
                "transfer a.test 10.0.0.0/24 {\n to [::1]:53 10.0.0.1\n}\ntransfer {\n to *\n}", List.of("b.test")));
        assertEquals(2, s.size());
        assertEquals(List.of("a.test.", "0.0.10.in-addr.arpa."), s.get(0).zones());
        assertEquals(List.of("0:0:0:0:0:0:0:1", "10.0.0.1").size(), s.get(0).to().size());
        assertTrue(s.get(0).allows("10.0.0.1"));
        assertEquals(List.of("b.test."), s.get(1).zones());
        assertTrue(s.get(1).allows("203.0.113.9"));
    }
}
