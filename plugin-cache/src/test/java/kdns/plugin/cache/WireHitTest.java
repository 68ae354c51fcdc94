package kdns.plugin.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import kdns.api.Handler;
import kdns.api.Request;
import kdns.api.Transport;
import kdns.api.WireMessage;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Hits offered in wire form: when they are offered, and that what is offered is the reply the
 * parsed path writes (the reference: the same query to a writer that declines wire replies).
 */
class WireHitTest {

    private final FakeTicker ticker = new FakeTicker();
    private final Upstream upstream = new Upstream();

    /** A writer that takes every wire reply offered, as the server's writer does in the plain case. */
    private static class WireTakingWriter extends RecordingWriter {
        final List<byte[]> wires = new ArrayList<>();

        @Override
        public synchronized boolean writeWire(WireMessage reply) {
            wires.add(java.util.Arrays.copyOf(reply.wire(), reply.length()));
            return true;
        }

        @Override
        public boolean takesWire() {
            return true;
        }
    }

    private Handler cache() throws Exception {
        TestController c = TestController.of("cache", List.of("."));
        new CachePlugin(ticker, Clock.systemUTC(), Runnable::run).setup(c);
        return c.handler(upstream);
    }

    private static Request query(String name, OPTRecord opt, boolean ad) {
        Message m = TestRequests.message(name, Type.A, DClass.IN);
        if (opt != null) {
            m.addRecord(opt, Section.ADDITIONAL);
        }
        if (ad) {
            m.getHeader().setFlag(Flags.AD);
        }
        return TestRequests.from(m, Transport.UDP, RecordingWriter.DEFAULT_REMOTE);
    }

    /** The wire reply of a hit, or null when it was written parsed. */
    private static Message wireHit(Handler h, Request q) throws Exception {
        WireTakingWriter w = new WireTakingWriter();
        h.serve(q, w);
        assertEquals(w.written() ? 1 : 0, w.writes());
        if (w.written()) {
            assertTrue(w.wires.isEmpty(), "written once, parsed");
            return null;
        }
        assertEquals(1, w.wires.size(), "one wire reply");
        return new Message(w.wires.get(0));
    }

    private static Message parsedHit(Handler h, Request q) throws Exception {
        RecordingWriter w = new RecordingWriter();
        h.serve(q, w);
        assertEquals(1, w.writes());
        return w.msg();
    }

    /** Everything the server's writer does not complete itself (it sets the ID, QR, opcode, RD and CD). */
    private static void assertSameReply(Message expected, Message actual) {
        Message e = expected;
        assertEquals(e.getHeader().getFlag(Flags.AA), actual.getHeader().getFlag(Flags.AA), "AA");
        assertEquals(e.getHeader().getFlag(Flags.AD), actual.getHeader().getFlag(Flags.AD), "AD");
        assertEquals(e.getHeader().getFlag(Flags.RA), actual.getHeader().getFlag(Flags.RA), "RA");
        assertEquals(e.getHeader().getFlag(Flags.TC), actual.getHeader().getFlag(Flags.TC), "TC");
        assertEquals(e.getRcode(), actual.getRcode());
        assertEquals(e.getQuestion(), actual.getQuestion());
        for (int s : new int[] {Section.ANSWER, Section.AUTHORITY}) {
            assertEquals(texts(e.getSectionArray(s)), texts(actual.getSectionArray(s)), "section " + s);
        }
        List<String> additional = texts(actual.getSectionArray(Section.ADDITIONAL));
        additional.removeIf(t -> t.contains("OPT"));
        List<String> expectedAdditional = texts(e.getSectionArray(Section.ADDITIONAL));
        assertEquals(expectedAdditional, additional, "additional without OPT");
    }

    private static List<String> texts(Record[] rrs) {
        List<String> out = new ArrayList<>();
        for (Record r : rrs) {
            out.add(r.toString());
        }
        return out;
    }

    @Test
    void aHitWithoutEdnsGoesInWireFormWithItsTtlCountedDown() throws Exception {
        Handler h = cache();
        assertNull(wireHit(h, query("www.example.org", null, false)), "a miss is written parsed");
        ticker.advanceSeconds(10.5);
        Message wire = wireHit(h, query("www.example.org", null, false));
        assertNotNull(wire, "a hit in wire form");
        assertNull(wire.getOPT(), "no OPT for a client that sent none");
        assertEquals(290, Upstream.ttl(wire, Section.ANSWER));
        assertSameReply(parsedHit(h, query("www.example.org", null, false)), wire);
        assertEquals(1, upstream.calls.get());

        ticker.advanceSeconds(1);
        assertEquals(289, Upstream.ttl(wireHit(h, query("www.example.org", null, false)), Section.ANSWER),
                "rendered again for the next second");
    }

    @Test
    void aHitForAnEdnsClientWithoutOptionsCarriesABareOptForTheServerToComplete() throws Exception {
        Handler h = cache();
        OPTRecord opt = new OPTRecord(1232, 0, 0, 0);
        parsedHit(h, query("www.example.org", opt, false));
        Message wire = wireHit(h, query("www.example.org", opt, false));
        assertNotNull(wire);
        OPTRecord replyOpt = wire.getOPT();
        assertNotNull(replyOpt, "an OPT record whose size and DO bit the server's writer sets");
        assertTrue(replyOpt.getOptions().isEmpty());
        assertEquals(0, replyOpt.getExtendedRcode());
        assertEquals(0, replyOpt.getVersion());
        assertSameReply(parsedHit(h, query("www.example.org", opt, false)), wire);
    }

    @Test
    void theAdBitFollowsTheClientAsInTheParsedReply() throws Exception {
        Handler h = cache();
        upstream.answer = r -> {
            Message m = Upstream.a(r, 300, "10.0.0.1");
            m.getHeader().setFlag(Flags.AD);
            return m;
        };
        OPTRecord dnssecOk = new OPTRecord(1232, 0, 0, ExtendedFlags.DO);
        parsedHit(h, query("www.example.org", null, false));
        parsedHit(h, query("www.example.org", dnssecOk, false));
        assertFalse(wireHit(h, query("www.example.org", null, false)).getHeader().getFlag(Flags.AD));
        assertTrue(wireHit(h, query("www.example.org", null, true)).getHeader().getFlag(Flags.AD), "AD asked");
        assertTrue(wireHit(h, query("www.example.org", dnssecOk, false)).getHeader().getFlag(Flags.AD), "DO");
        assertFalse(wireHit(h, query("www.example.org", null, false)).getHeader().getFlag(Flags.AD),
                "the shared rendering was not changed by the hits before");
        assertEquals(2, upstream.calls.get());
    }

    @Test
    void mixedCaseAndEdnsOptionsAreWrittenParsed() throws Exception {
        Handler h = cache();
        parsedHit(h, query("www.example.org", null, false));
        assertNull(wireHit(h, query("WWW.example.org", null, false)), "the client's spelling goes in parsed");
        OPTRecord withOption = new OPTRecord(1232, 0, 0, 0,
                List.of(new ClientSubnetOption(24, java.net.InetAddress.getByName("192.0.2.0"))));
        assertNull(wireHit(h, query("www.example.org", withOption, false)), "options: the server chooses what to echo");
        assertNotNull(wireHit(h, query("www.example.org", null, false)));
    }

    @Test
    void aWriterThatTakesNoWireReplyIsNotOfferedOne() throws Exception {
        Handler h = cache();
        parsedHit(h, query("www.example.org", null, false));
        List<WireMessage> offered = new ArrayList<>();
        WireTakingWriter declining = new WireTakingWriter() {
            @Override
            public synchronized boolean writeWire(WireMessage reply) {
                offered.add(reply);
                return false;
            }

            @Override
            public boolean takesWire() {
                return false;
            }
        };
        h.serve(query("www.example.org", null, false), declining);
        assertTrue(offered.isEmpty(), "no wire form built for a writer that takes none");
        assertEquals(1, declining.writes());
        assertEquals(parsedHit(h, query("www.example.org", null, false)).getSection(Section.ANSWER),
                declining.msg().getSection(Section.ANSWER));
    }

    @Test
    void theStoredRenderingIsNotChangedByAWriterThatCompletesInPlace() throws Exception {
        Handler h = cache();
        parsedHit(h, query("www.example.org", null, false));
        WireTakingWriter scribbler = new WireTakingWriter() {
            @Override
            public synchronized boolean writeWire(WireMessage reply) {
                super.writeWire(reply);
                java.util.Arrays.fill(reply.wire(), (byte) 0x55);
                return true;
            }
        };
        h.serve(query("www.example.org", null, false), scribbler);
        WireTakingWriter w = new WireTakingWriter();
        h.serve(query("www.example.org", null, false), w);
        assertArrayEquals(scribbler.wires.get(0), w.wires.get(0));
    }
}
