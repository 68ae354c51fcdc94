package kdns.host.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntBiFunction;
import kdns.api.Handler;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transport;
import kdns.api.WireMessage;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedErrorCodeOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * {@link ReplyWriter#writeWire}: a relayed reply completed in its wire form is the reply
 * {@link ReplyWriter#write} sends for the same message, and the writer declines whatever it cannot
 * complete so.
 */
class ReplyWriterWireTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 5353);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 53);

    /** What one query through a relaying handler gave. */
    private record Outcome(boolean tookWire, byte[] sent) {
    }

    /**
     * Serves {@code query} with a handler that relays {@code upstream(query)}'s bytes, through
     * writeWire when {@code wire} (falling back to write when declined), through write otherwise.
     */
    private static Outcome serve(Message query, Transport transport, Function<Message, Message> upstream,
                                 boolean wire, int flagsSet, int flagsClear) {
        List<byte[]> sent = new ArrayList<>();
        boolean[] took = new boolean[1];
        Handler relay = new Handler() {
            @Override
            public String name() {
                return "relay";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                byte[] bytes = upstream.apply(request.message()).toWire();
                if (wire) {
                    WireMessage located = WireMessage.locate(bytes, bytes.length);
                    took[0] = located != null && writer.writeWire(located);
                }
                if (!took[0]) {
                    try {
                        writer.write(new Message(bytes));
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
                return Rcodes.NOERROR;
            }
        };
        QueryProcessor p = new QueryProcessor(new ZoneRouter(List.of(new BlockChain(".", "dns://.:53", relay, false,
                flagsSet, flagsClear, false, "", null, null, null))), (k, t) -> { });
        byte[] q = query.toWire();
        p.handle(q, q.length, transport, CLIENT, LOCAL, (w, len) -> sent.add(Arrays.copyOf(w, len)));
        assertEquals(1, sent.size(), "exactly one reply");
        return new Outcome(took[0], sent.get(0));
    }

    /** Both paths, checked to give the same reply; returns whether the wire path took it. */
    private static boolean same(Message query, Transport transport, Function<Message, Message> upstream,
                                int flagsSet, int flagsClear) throws Exception {
        Outcome wire = serve(query, transport, upstream, true, flagsSet, flagsClear);
        Outcome parsed = serve(query, transport, upstream, false, flagsSet, flagsClear);
        assertEquals(new Message(parsed.sent()).toString(), new Message(wire.sent()).toString());
        return wire.tookWire();
    }

    private static Message query(String name, OPTRecord opt, boolean rd, boolean cd) {
        Message q = Message.newQuery(Record.newRecord(Name.fromConstantString(name), Type.A, DClass.IN));
        q.getHeader().setID(0x1234);
        if (!rd) {
            q.getHeader().unsetFlag(Flags.RD);
        }
        if (cd) {
            q.getHeader().setFlag(Flags.CD);
        }
        if (opt != null) {
            q.addRecord(opt, Section.ADDITIONAL);
        }
        return q;
    }

    /** An upstream's answer: its own ID and RD, {@code count} A records, its own OPT when given. */
    private static Function<Message, Message> upstream(int count, OPTRecord opt, int rcode) {
        return q -> {
            Message m = new Message(0x9999);
            m.getHeader().setFlag(Flags.QR);
            m.getHeader().setFlag(Flags.RA);
            m.getHeader().setFlag(Flags.AD);
            m.getHeader().setRcode(rcode);
            m.addRecord(q.getQuestion(), Section.QUESTION);
            for (int i = 0; i < count; i++) {
                m.addRecord(new ARecord(q.getQuestion().getName(), DClass.IN, 60, ipv4(i)), Section.ANSWER);
            }
            if (opt != null) {
                m.addRecord(opt, Section.ADDITIONAL);
            }
            return m;
        };
    }

    private static InetAddress ipv4(int i) {
        try {
            return InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aPlainReplyIsCompletedInPlace() throws Exception {
        assertTrue(same(query("www.example.org.", null, true, false), Transport.UDP, upstream(2, null, Rcode.NOERROR), 0, 0));
        assertTrue(same(query("www.example.org.", null, false, true), Transport.UDP, upstream(1, null, Rcode.NXDOMAIN), 0, 0));
        assertTrue(same(query("WwW.ExAmPlE.org.", null, true, false), Transport.TCP, upstream(3, null, Rcode.NOERROR), 0, 0));
    }

    @Test
    void theClientsOptIsMirroredIntoTheUpstreamsOpt() throws Exception {
        OPTRecord upstreamOpt = new OPTRecord(1232, 0, 0, ExtendedFlags.DO, List.of(new ExtendedErrorCodeOption(15, "blocked")));
        for (OPTRecord client : List.of(new OPTRecord(4096, 0, 0, ExtendedFlags.DO), new OPTRecord(1232, 0, 0, 0),
                new OPTRecord(100, 0, 0, 0))) {
            assertTrue(same(query("www.example.org.", client, true, false), Transport.UDP,
                    upstream(2, upstreamOpt, Rcode.NOERROR), 0, 0), "client " + client);
        }
        // BADVERS's upper bits live in the OPT record and stay there.
        OPTRecord extended = new OPTRecord(1232, Rcode.BADVERS >>> 4, 0, 0);
        assertTrue(same(query("www.example.org.", new OPTRecord(1232, 0, 0, 0), true, false), Transport.UDP,
                upstream(0, extended, Rcode.BADVERS & 0xf), 0, 0));
    }

    @Test
    void theBlocksReplyFlagsAreApplied() throws Exception {
        int aa = 1 << Flags.AA;
        int ra = 1 << Flags.RA;
        assertTrue(same(query("www.example.org.", null, true, false), Transport.UDP, upstream(1, null, Rcode.NOERROR), aa, ra));
    }

    @Test
    void whatNeedsMoreThanTheHeaderAndOptIsDeclined() throws Exception {
        // Longer than the client takes over UDP: truncated by the parsed path.
        assertFalse(same(query("www.example.org.", null, true, false), Transport.UDP, upstream(60, null, Rcode.NOERROR), 0, 0));
        // A client OPT and none in the reply: the server adds its own.
        assertFalse(same(query("www.example.org.", new OPTRecord(1232, 0, 0, 0), true, false), Transport.UDP,
                upstream(1, null, Rcode.NOERROR), 0, 0));
        // The upstream spelled the question otherwise: the client's spelling goes in.
        Function<Message, Message> respelled = q -> {
            Message m = upstream(1, null, Rcode.NOERROR).apply(q);
            m.removeAllRecords(Section.QUESTION);
            m.addRecord(Record.newRecord(Name.fromConstantString("WWW.example.org."), Type.A, DClass.IN), Section.QUESTION);
            return m;
        };
        assertFalse(same(query("www.example.org.", null, true, false), Transport.UDP, respelled, 0, 0));
    }

    @Test
    void onlyThePlainCaseIsLocated() {
        Message m = upstream(2, new OPTRecord(1232, 0, 0, 0), Rcode.NOERROR).apply(query("www.example.org.", null, true, false));
        byte[] ok = m.toWire();
        WireMessage located = WireMessage.locate(ok, ok.length);
        assertEquals(Type.A, located.questionType());
        assertEquals(2, located.count(Section.ANSWER));
        assertTrue(located.optOffset() > 0);
        assertTrue(located.questionNameIs(Name.fromConstantString("WWW.Example.ORG.").toWire(), true));
        assertFalse(located.questionNameIs(Name.fromConstantString("WWW.Example.ORG.").toWire(), false));
        assertEquals(null, WireMessage.locate(ok, ok.length - 1), "cut short");
        assertEquals(null, WireMessage.locate(Arrays.copyOf(ok, ok.length + 1), ok.length + 1), "a byte after the last record");
        byte[] badA = ok.clone();
        badA[firstRdlength(located) + 1] = 3;
        assertEquals(null, WireMessage.locate(badA, badA.length), "an A record of three bytes");
    }

    /** The offset of the first answer's RDLENGTH (the owner is a two-byte pointer). */
    private static int firstRdlength(WireMessage located) {
        return located.questionNameEnd() + 4 + 2 + 8;
    }

    /** A handler that does what {@code serve} says: it looks at the server's writer as it answers. */
    private static Handler probe(ToIntBiFunction<Request, ResponseWriter> serve) {
        return new Handler() {
            @Override
            public String name() {
                return "probe";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                return serve.applyAsInt(request, writer);
            }
        };
    }

    private static QueryProcessor processor(Handler h) {
        return new QueryProcessor(new ZoneRouter(List.of(new BlockChain(".", "dns://.:53", h, false))),
                (k, t) -> {
                    throw new IllegalStateException(k, t);
                });
    }

    @Test
    void theServersWriterTakesWireRepliesUntilAReplyWasWritten() {
        List<Boolean> takes = new ArrayList<>();
        Handler h = probe((request, writer) -> {
            takes.add(writer.takesWire());
            writer.write(upstream(1, null, Rcode.NOERROR).apply(request.message()));
            takes.add(writer.takesWire());
            return Rcodes.NOERROR;
        });
        QueryProcessor p = processor(h);
        byte[] q = query("example.org.", null, true, false).toWire();
        assertTrue(p.handle(q, q.length, Transport.UDP, CLIENT, LOCAL, (w, len) -> { }));
        assertEquals(List.of(true, false), takes);
    }

    @Test
    void theServersWriterTellsTheLengthItSentOnBothPaths() {
        for (boolean wire : new boolean[] {true, false}) {
            List<Integer> lengths = new ArrayList<>();
            Handler h = probe((request, writer) -> {
                lengths.add(writer.sentLength());
                byte[] bytes = upstream(3, null, Rcode.NOERROR).apply(request.message()).toWire();
                WireMessage located = WireMessage.locate(bytes, bytes.length);
                if (!wire || !writer.writeWire(located)) {
                    writer.write(upstream(3, null, Rcode.NOERROR).apply(request.message()));
                }
                lengths.add(writer.sentLength());
                return Rcodes.NOERROR;
            });
            QueryProcessor p = processor(h);
            List<Integer> sent = new ArrayList<>();
            byte[] q = query("Example.org.", null, true, false).toWire();
            assertTrue(p.handle(q, q.length, Transport.UDP, CLIENT, LOCAL, (w, len) -> sent.add(len)));
            assertEquals(List.of(-1, sent.get(0)), lengths, "wire path " + wire);
        }
    }
}
