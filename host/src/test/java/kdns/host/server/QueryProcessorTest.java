package kdns.host.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transport;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The bad-input table of DESIGN.md and the reply rules, one packet at a time. */
class QueryProcessorTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 5353);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 53);

    private final List<byte[]> sent = new CopyOnWriteArrayList<>();
    private final ReplySink sink = (wire, len) -> sent.add(java.util.Arrays.copyOf(wire, len));

    /** Answers with {@code count} A records for the name asked. */
    private static Handler answering(int count) {
        return new Handler() {
            @Override
            public String name() {
                return "answer";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                Message m = new Message();
                m.getHeader().setFlag(Flags.AA);
                for (int i = 0; i < count; i++) {
                    m.addRecord(new ARecord(request.qname(), DClass.IN, 60,
                            ipv4(10, 0, i >> 8, i & 0xff)), Section.ANSWER);
                }
                writer.write(m);
                return Rcode.NOERROR;
            }
        };
    }

    private static java.net.InetAddress ipv4(int a, int b, int c, int d) {
        try {
            return java.net.InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static QueryProcessor processor(Handler head, String zone, boolean anyClass) {
        return new QueryProcessor(new ZoneRouter(List.of(new BlockChain(zone, "dns://" + zone + ":53", head, anyClass))),
                (k, t) -> { });
    }

    private static byte[] query(String name, int type) {
        Message q = Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
        q.getHeader().setID(0x4242);
        return q.toWire();
    }

    private Message only() throws Exception {
        assertEquals(1, sent.size(), "exactly one reply");
        return new Message(sent.get(0));
    }

    private void handle(QueryProcessor p, byte[] packet, Transport t) {
        p.handle(packet, packet.length, t, CLIENT, LOCAL, sink);
    }

    /** Runs {@code packet} through a chain that keeps what the request says of its bytes. */
    private byte[][] wireSeenBy(byte[] packet, int length) {
        byte[][] seen = new byte[1][];
        Handler keeping = new Handler() {
            @Override
            public String name() {
                return "keep";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) throws HandlerException {
                seen[0] = request.wire();
                return answering(0).serve(request, writer);
            }
        };
        assertTrue(processor(keeping, ".", false).handle(packet, length, Transport.UDP, CLIENT, LOCAL, sink));
        assertEquals(1, sent.size(), "answered");
        sent.clear();
        return seen;
    }

    @Test
    void theChainGetsTheQuerysBytesAsReceived() {
        byte[] q = query("a.example.org.", Type.A);
        assertSame(q, wireSeenBy(q, q.length)[0], "the handed-over packet, without a copy");
        byte[] longer = java.util.Arrays.copyOf(q, q.length + 100);
        assertArrayEquals(q, wireSeenBy(longer, q.length)[0], "only the packet's length");
    }

    @Test
    void bytesAfterTheMessageKeepNone() {
        byte[] q = query("a.example.org.", Type.A);
        byte[] tail = java.util.Arrays.copyOf(q, q.length + 3);
        assertNull(wireSeenBy(tail, tail.length)[0], "they would not be the message");
    }

    @Test
    void aSignedQueryWithBytesAfterItKeepsTheMessagesBytes() throws Exception {
        Message m = Message.newQuery(Record.newRecord(Name.fromConstantString("a.example.org."), Type.A, DClass.IN));
        new org.xbill.DNS.TSIG(org.xbill.DNS.TSIG.HMAC_SHA256, "key.", "c2VjcmV0c2VjcmV0c2VjcmV0").apply(m, null);
        byte[] signed = m.toWire();
        byte[] tail = java.util.Arrays.copyOf(signed, signed.length + 3);
        assertArrayEquals(signed, wireSeenBy(tail, tail.length)[0], "a signed query was read to its TSIG record");
    }

    @Test
    void shorterThanAHeaderIsDropped() {
        QueryProcessor p = processor(answering(1), ".", false);
        for (int len = 0; len < 12; len++) {
            assertFalse(p.handle(new byte[len], len, Transport.UDP, CLIENT, LOCAL, sink));
        }
        assertTrue(sent.isEmpty());
    }

    @Test
    void responsesAreNeverAnswered() {
        byte[] q = query("example.org.", Type.A);
        q[2] |= (byte) 0x80;
        handle(processor(answering(1), ".", false), q, Transport.UDP);
        assertTrue(sent.isEmpty());
    }

    @Test
    void qdcountOtherThanOneIsFormerr() throws Exception {
        for (int qd : new int[] {0, 2}) {
            sent.clear();
            byte[] q = query("example.org.", Type.A);
            q[5] = (byte) qd;
            handle(processor(answering(1), ".", false), q, Transport.UDP);
            Message m = only();
            assertEquals(Rcode.FORMERR, m.getRcode());
            assertEquals(0x4242, m.getHeader().getID());
            assertTrue(m.getHeader().getFlag(Flags.QR));
        }
    }

    @Test
    void garbageAfterTheHeaderIsFormerr() throws Exception {
        byte[] q = query("example.org.", Type.A);
        byte[] bad = java.util.Arrays.copyOf(q, 14); // question cut off
        handle(processor(answering(1), ".", false), bad, Transport.UDP);
        assertEquals(Rcode.FORMERR, only().getRcode());
    }

    @Test
    void compressionLoopIsFormerr() throws Exception {
        byte[] loop = {0x42, 0x42, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 12, 0, 1, 0, 1};
        handle(processor(answering(1), ".", false), loop, Transport.UDP);
        assertEquals(Rcode.FORMERR, only().getRcode());
    }

    @Test
    void updateAndNotifyAreNotImplemented() throws Exception {
        for (int opcode : new int[] {4, 5}) {
            sent.clear();
            byte[] q = query("example.org.", Type.SOA);
            q[2] = (byte) ((q[2] & 0x87) | (opcode << 3));
            handle(processor(answering(1), ".", false), q, Transport.UDP);
            Message m = only();
            assertEquals(Rcode.NOTIMP, m.getRcode());
            assertEquals(opcode, m.getHeader().getOpcode());
        }
    }

    @Test
    void outsideEveryZoneIsRefused() throws Exception {
        handle(processor(answering(1), "example.org.", false), query("example.com.", Type.A), Transport.UDP);
        Message m = only();
        assertEquals(Rcode.REFUSED, m.getRcode());
        assertEquals("example.com.", m.getQuestion().getName().toString());
    }

    @Test
    void blockWithoutPluginsIsRefused() throws Exception {
        handle(processor(null, ".", false), query("example.org.", Type.A), Transport.UDP);
        assertEquals(Rcode.REFUSED, only().getRcode());
    }

    @Test
    void chaosClassIsRefusedUnlessAllowed() throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromConstantString("version.bind."), Type.TXT, DClass.CH));
        handle(processor(answering(0), ".", false), q.toWire(), Transport.UDP);
        assertEquals(Rcode.REFUSED, only().getRcode());
        sent.clear();
        handle(processor(answering(0), ".", true), q.toWire(), Transport.UDP);
        assertEquals(Rcode.NOERROR, only().getRcode());
    }

    @Test
    void replyEchoesIdQuestionSpellingAndRd() throws Exception {
        byte[] q = query("ExAmPle.ORG.", Type.A);
        q[2] |= 0x01; // RD
        handle(processor(answering(1), ".", false), q, Transport.UDP);
        Message m = only();
        assertEquals(0x4242, m.getHeader().getID());
        assertEquals("ExAmPle.ORG.", m.getQuestion().getName().toString());
        assertTrue(m.getHeader().getFlag(Flags.QR));
        assertTrue(m.getHeader().getFlag(Flags.RD));
        assertTrue(m.getHeader().getFlag(Flags.AA));
    }

    @Test
    void udpWithoutEdnsIsTruncatedAt512WithTc() throws Exception {
        handle(processor(answering(60), ".", false), query("example.org.", Type.A), Transport.UDP);
        assertTrue(sent.get(0).length <= 512);
        Message m = only();
        assertTrue(m.getHeader().getFlag(Flags.TC));
        assertNull(m.getOPT());
    }

    @Test
    void ednsBufferSizeIsHonouredAndOptMirrored() throws Exception {
        for (int size : new int[] {0, 512, 1232, 4096, 65535}) {
            sent.clear();
            Message q = Message.newQuery(Record.newRecord(Name.fromConstantString("example.org."), Type.A, DClass.IN));
            q.addRecord(new OPTRecord(size, 0, 0, org.xbill.DNS.ExtendedFlags.DO), Section.ADDITIONAL);
            handle(processor(answering(200), ".", false), q.toWire(), Transport.UDP);
            int limit = Math.max(512, size);
            assertTrue(sent.get(0).length <= limit, "size " + size + " gave " + sent.get(0).length);
            Message m = only();
            assertNotNull(m.getOPT(), "OPT echoed for size " + size);
            assertTrue((m.getOPT().getFlags() & org.xbill.DNS.ExtendedFlags.DO) != 0, "DO mirrored");
            assertEquals(200 * 16 + 40 > limit, m.getHeader().getFlag(Flags.TC), "TC for size " + size);
        }
    }

    /** CoreDNS's SizeAndDo: a plugin's OPT options survive; without one, the client's echoable options come back. */
    @Test
    void replyOptOptionsAreKeptAndTheClientsEchoableOptionsEchoed() throws Exception {
        Handler ede = new Handler() {
            @Override
            public String name() {
                return "ede";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                Message m = new Message(request.id());
                m.addRecord(request.message().getQuestion(), Section.QUESTION);
                if (request.name().startsWith("ede.")) {
                    m.addRecord(new OPTRecord(4096, 0, 0, org.xbill.DNS.ExtendedFlags.DO,
                            List.of(new org.xbill.DNS.ExtendedErrorCodeOption(15, "blocked"))), Section.ADDITIONAL);
                }
                writer.write(m);
                return Rcodes.NOERROR;
            }
        };
        handle(processor(ede, ".", false), query("ede.example.", Type.A), Transport.UDP);
        OPTRecord noClientOpt = only().getOPT();
        assertNotNull(noClientOpt, "a client without OPT gets the plugin's OPT as written");
        assertEquals(15, ((org.xbill.DNS.ExtendedErrorCodeOption) noClientOpt.getOptions().get(0)).getErrorCode());

        sent.clear();
        Message q = Message.newQuery(Record.newRecord(Name.fromConstantString("ede.example."), Type.A, DClass.IN));
        q.addRecord(new OPTRecord(1232, 0, 0, 0), Section.ADDITIONAL);
        handle(processor(ede, ".", false), q.toWire(), Transport.UDP);
        OPTRecord mirrored = only().getOPT();
        assertEquals(1232, mirrored.getPayloadSize(), "the client's size");
        assertEquals(0, mirrored.getFlags() & org.xbill.DNS.ExtendedFlags.DO, "the client's DO bit");
        assertEquals(1, mirrored.getOptions().size(), "the plugin's option kept");

        sent.clear();
        Message nsid = Message.newQuery(Record.newRecord(Name.fromConstantString("plain.example."), Type.A, DClass.IN));
        nsid.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new org.xbill.DNS.NSIDOption(new byte[0]),
                new org.xbill.DNS.ClientSubnetOption(24, java.net.InetAddress.getByName("192.0.2.0")))),
                Section.ADDITIONAL);
        handle(processor(ede, ".", false), nsid.toWire(), Transport.UDP);
        List<org.xbill.DNS.EDNSOption> echoed = only().getOPT().getOptions();
        assertEquals(1, echoed.size(), "NSID echoed, client subnet not: " + echoed);
        assertEquals(org.xbill.DNS.EDNSOption.Code.NSID, echoed.get(0).getCode());
    }

    /**
     * A plugin that puts an OPT record in the query in place (rewrite's edns0 rules): the reply
     * mirrors it as it is when the reply is written, echoing the codes declared supported.
     */
    @Test
    void anOptReplacedInPlaceIsMirroredWithTheDeclaredOptions() throws Exception {
        java.util.BitSet declared = new java.util.BitSet();
        declared.set(0xffe0);
        Handler edns = new Handler() {
            @Override
            public String name() {
                return "edns";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                request.replaceOpt(new OPTRecord(4096, 0, 0, 0, List.of(
                        new org.xbill.DNS.GenericEDNSOption(0xffe0, new byte[] {1, 2}),
                        new org.xbill.DNS.GenericEDNSOption(0xffe1, new byte[] {3}))));
                Message m = new Message(request.id());
                m.addRecord(request.message().getQuestion(), Section.QUESTION);
                writer.write(m);
                return Rcodes.NOERROR;
            }
        };
        QueryProcessor p = new QueryProcessor(new ZoneRouter(List.of(new BlockChain(".", "dns://.:53", edns, false, 0, 0,
                false, "", null, null, declared))), (k, t) -> { });
        handle(p, query("edns.example.", Type.A), Transport.UDP);
        OPTRecord opt = only().getOPT();
        assertNotNull(opt, "the client sent none, the query got one");
        assertEquals(4096, opt.getPayloadSize());
        assertEquals(1, opt.getOptions().size(), "only the code the block declared is echoed: " + opt.getOptions());
        assertEquals(0xffe0, opt.getOptions().get(0).getCode());
    }

    /** A 0x20 question: lower-case owners stay lower case on the wire (compression keeps case), the question keeps the client's. */
    @Test
    void mixedCaseQuestionsKeepLowerCaseOwners() throws Exception {
        Handler lower = new Handler() {
            @Override
            public String name() {
                return "lower";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                Message m = new Message(request.id());
                m.addRecord(request.message().getQuestion(), Section.QUESTION);
                Name owner = Name.fromConstantString(request.name());
                for (int i = 0; i < 3; i++) {
                    m.addRecord(new ARecord(owner, DClass.IN, 60, new byte[] {10, 0, 0, (byte) i}), Section.ANSWER);
                }
                m.addRecord(new ARecord(request.qname(), DClass.IN, 60, new byte[] {10, 0, 1, 1}), Section.ANSWER);
                writer.write(m);
                return Rcodes.NOERROR;
            }

            private static final class ARecord extends org.xbill.DNS.ARecord {
                ARecord(Name n, int c, long ttl, byte[] a) {
                    super(n, c, ttl, addr(a));
                }

                private static java.net.InetAddress addr(byte[] a) {
                    try {
                        return java.net.InetAddress.getByAddress(a);
                    } catch (java.net.UnknownHostException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        };
        handle(processor(lower, ".", false), query("WwW.ExAmPlE.oRg.", Type.A), Transport.UDP);
        Message m = only();
        assertEquals("WwW.ExAmPlE.oRg.", m.getQuestion().getName().toString());
        List<Record> answers = m.getSection(Section.ANSWER);
        assertEquals(4, answers.size());
        for (int i = 0; i < 3; i++) {
            assertEquals("www.example.org.", answers.get(i).getName().toString(), "owner " + i);
        }
        assertEquals("WwW.ExAmPlE.oRg.", answers.get(3).getName().toString(), "an owner spelled as asked stays so");

        sent.clear();
        Message big = Message.newQuery(Record.newRecord(Name.fromConstantString("Big.Example.Org."), Type.A, DClass.IN));
        handle(processor(answering(200), ".", false), big.toWire(), Transport.UDP);
        assertTrue(sent.get(0).length <= 512, "still within 512 bytes: " + sent.get(0).length);
        assertTrue(only().getHeader().getFlag(Flags.TC), "and truncated with TC");
    }

    @Test
    void droppedGlueSetsTcAsCoreDnsDoes() throws Exception {
        Handler glue = new Handler() {
            @Override
            public String name() {
                return "glue";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                Message m = new Message();
                m.addRecord(new ARecord(request.qname(), DClass.IN, 60, ipv4(10, 0, 0, 1)), Section.ANSWER);
                for (int i = 0; i < 60; i++) {
                    m.addRecord(new ARecord(Name.fromConstantString("glue" + i + ".example.org."), DClass.IN, 60,
                            ipv4(10, 1, 0, i)), Section.ADDITIONAL);
                }
                writer.write(m);
                return Rcode.NOERROR;
            }
        };
        handle(processor(glue, ".", false), query("example.org.", Type.A), Transport.UDP);
        Message m = only();
        assertEquals(1, m.getSection(Section.ANSWER).size(), "the answer fits");
        assertTrue(m.getSection(Section.ADDITIONAL).size() < 60, "glue was cut");
        assertTrue(m.getHeader().getFlag(Flags.TC), "so TC is set, as miekg's Truncate does");
    }

    @Test
    void tcpIsNeverTruncated() throws Exception {
        handle(processor(answering(200), ".", false), query("example.org.", Type.A), Transport.TCP);
        Message m = only();
        assertFalse(m.getHeader().getFlag(Flags.TC));
        assertEquals(200, m.getSection(Section.ANSWER).size());
    }

    @Test
    void unknownEdnsVersionIsBadvers() throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromConstantString("example.org."), Type.A, DClass.IN));
        q.addRecord(new OPTRecord(1232, 0, 1, 0), Section.ADDITIONAL);
        handle(processor(answering(1), ".", false), q.toWire(), Transport.UDP);
        Message m = only();
        assertEquals(Rcode.BADVERS, m.getRcode());
    }

    @Test
    void panickingPluginGivesServfailAndIsCounted() throws Exception {
        Handler boom = new Handler() {
            @Override
            public String name() {
                return "boom";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                throw new IllegalStateException("bug");
            }
        };
        List<String> panics = new ArrayList<>();
        QueryProcessor p = new QueryProcessor(new ZoneRouter(List.of(new BlockChain(".", "dns://.:53", boom, false))),
                (k, t) -> panics.add(k + " " + t.getMessage()));
        handle(p, query("example.org.", Type.A), Transport.UDP);
        assertEquals(Rcode.SERVFAIL, only().getRcode());
        assertEquals(1, p.panics());
        assertEquals(List.of("dns://.:53 bug"), panics);
    }

    @Test
    void handlerExceptionGivesItsRcode() throws Exception {
        Handler failing = new Handler() {
            @Override
            public String name() {
                return "f";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) throws HandlerException {
                throw new HandlerException(Rcodes.SERVFAIL, "nope");
            }
        };
        handle(processor(failing, ".", false), query("example.org.", Type.A), Transport.UDP);
        assertEquals(Rcode.SERVFAIL, only().getRcode());
    }

    @Test
    void errorRcodeWithoutWriteMakesTheServerWrite() throws Exception {
        Handler refusing = new Handler() {
            @Override
            public String name() {
                return "r";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                return Rcodes.REFUSED;
            }
        };
        handle(processor(refusing, ".", false), query("example.org.", Type.A), Transport.UDP);
        assertEquals(Rcode.REFUSED, only().getRcode());
    }

    @Test
    void deferredReplyIsWrittenLaterAndOnce() throws Exception {
        Handler deferring = new Handler() {
            @Override
            public String name() {
                return "d";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                    Message m = new Message();
                    writer.write(m);
                    writer.write(m); // a second write is dropped
                });
                return Handler.DEFERRED;
            }
        };
        byte[] q = query("example.org.", Type.A);
        assertTrue(processor(deferring, ".", false).handle(q, q.length, Transport.UDP, CLIENT, LOCAL, sink));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (sent.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(50);
        Message m = only();
        assertEquals(0x4242, m.getHeader().getID());
    }

    @Test
    void errorHeaderKeepsIdOpcodeAndRd() {
        byte[] q = {0x01, 0x02, 0x29, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}; // opcode 5, RD
        byte[] h = QueryProcessor.errorHeader(q, Rcode.NOTIMP);
        assertArrayEquals(new byte[] {0x01, 0x02, (byte) 0xA9, 0x04, 0, 0, 0, 0, 0, 0, 0, 0}, h);
    }

    @Test
    void aChainThatAnswersWithoutWritingIsToldToTheSink() {
        Handler dropping = new Handler() {
            @Override
            public String name() {
                return "drop";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                return Rcode.NOERROR; // says it answered, writes nothing (erratic's drop)
            }
        };
        List<String> told = new CopyOnWriteArrayList<>();
        ReplySink recording = new ReplySink() {
            @Override
            public void send(byte[] wire, int length) {
                told.add("send");
            }

            @Override
            public void none() {
                told.add("none");
            }
        };
        byte[] q = query("example.org.", Type.A);
        assertTrue(processor(dropping, ".", false).handle(q, q.length, Transport.HTTPS, CLIENT, LOCAL, recording));
        assertEquals(List.of("none"), told);
        told.clear();
        processor(answering(1), ".", false).handle(q, q.length, Transport.HTTPS, CLIENT, LOCAL, recording);
        assertEquals(List.of("send"), told, "a written reply is not followed by none()");
        told.clear();
        processor(new Handler() {
            @Override
            public String name() {
                return "fail";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                return Rcode.SERVFAIL;
            }
        }, ".", false).handle(q, q.length, Transport.HTTPS, CLIENT, LOCAL, recording);
        assertEquals(List.of("send"), told, "an error rcode is written by the server");
    }
}
