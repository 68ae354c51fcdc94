package kdns.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * {@link Request#received}: a query read from its bytes answers every accessor as the request built
 * from dnsjava's parse of the same bytes, and queries outside the plain form are left to that parse.
 */
class RequestReceivedTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("10.0.0.1", 4000);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("10.0.0.2", 53);

    private static byte[] query(String name, int type, int dclass, OPTRecord opt, int... flags) {
        Message m = Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, dclass));
        m.getHeader().setID(0x1234);
        m.getHeader().unsetFlag(Flags.RD);
        for (int f : flags) {
            m.getHeader().setFlag(f);
        }
        if (opt != null) {
            m.addRecord(opt, Section.ADDITIONAL);
        }
        return m.toWire();
    }

    /** The same bytes, read both ways: every accessor answers the same. */
    private static void assertSameAsParsed(byte[] wire) throws IOException {
        Request read = Request.received(wire.clone(), Transport.UDP, CLIENT, LOCAL, ".");
        assertNotNull(read, "a plain query is read without the parse");
        byte[] copy = wire.clone();
        Request parsed = new Request(new Message(copy), Transport.UDP, CLIENT, LOCAL, ".", copy);
        assertEquals(parsed.id(), read.id());
        assertEquals(parsed.opcode(), read.opcode());
        for (int flag : new int[] {Flags.QR, Flags.AA, Flags.TC, Flags.RD, Flags.RA, Flags.AD, Flags.CD}) {
            assertEquals(parsed.flag(flag), read.flag(flag), "flag " + Flags.string(flag));
        }
        assertEquals(parsed.question(), read.question());
        assertEquals(parsed.qname().toString(), read.qname().toString());
        assertEquals(parsed.name(), read.name());
        assertEquals(parsed.mixedCase(), read.mixedCase());
        assertEquals(parsed.qtype(), read.qtype());
        assertEquals(parsed.qclass(), read.qclass());
        assertEquals(String.valueOf(parsed.opt()), String.valueOf(read.opt()));
        if (parsed.opt() != null) {
            assertEquals(parsed.opt().getPayloadSize(), read.opt().getPayloadSize());
            assertEquals(parsed.opt().getFlags(), read.opt().getFlags());
            assertEquals(parsed.opt().getVersion(), read.opt().getVersion());
            assertEquals(parsed.opt().getExtendedRcode(), read.opt().getExtendedRcode());
            assertEquals(parsed.opt().getOptions(), read.opt().getOptions());
        }
        assertEquals(parsed.dnssecOk(), read.dnssecOk());
        assertEquals(parsed.checkingDisabled(), read.checkingDisabled());
        assertEquals(parsed.size(), read.size());
        assertEquals(parsed.querySize(), read.querySize());
        assertArrayEquals(parsed.wire(), read.wire());
        assertEquals(parsed.toString(), read.toString());

        // Asked for later, the message is dnsjava's parse, holding the records handed out already.
        Record question = read.question();
        OPTRecord opt = read.opt();
        Message message = read.message();
        assertSame(question, message.getQuestion());
        assertSame(opt, message.getOPT());
        assertSame(message, read.inServerZone("example.org.").message());
        assertEquals(parsed.message().toString(), message.toString());
        assertArrayEquals(parsed.message().toWire(), message.toWire());
        assertEquals(parsed.message().numBytes(), message.numBytes());
        assertEquals(parsed.querySize(), read.querySize());
        assertEquals(parsed.id(), read.id());
        assertEquals(parsed.flag(Flags.RD), read.flag(Flags.RD));
    }

    @Test
    void plainQueriesReadAsDnsjavaParsesThem() throws IOException {
        assertSameAsParsed(query("www.example.org.", Type.A, DClass.IN, null, Flags.RD));
        assertSameAsParsed(query("WwW.ExAmple.ORG.", Type.AAAA, DClass.IN, null, Flags.RD, Flags.CD));
        assertSameAsParsed(query("_http._tcp.svc.cluster.local.", Type.SRV, DClass.IN, null, Flags.AD));
        assertSameAsParsed(query("x\\.y.Strange\\032Label.example.", Type.TXT, DClass.CH, null));
        assertSameAsParsed(query(".", Type.NS, DClass.IN, null, Flags.RD));
        assertSameAsParsed(query("a.example.", 65280, DClass.ANY, null, Flags.TC, Flags.RD));
        assertSameAsParsed(query("edns.example.", Type.A, DClass.IN, new OPTRecord(1232, 0, 0, 0), Flags.RD));
        assertSameAsParsed(query("do.example.", Type.A, DClass.IN, new OPTRecord(4096, 0, 0, ExtendedFlags.DO)));
        assertSameAsParsed(query("Do.Mixed.example.", Type.MX, DClass.IN, new OPTRecord(100, 0, 0, 0xffff)));
        assertSameAsParsed(query("v1.example.", Type.A, DClass.IN, new OPTRecord(512, 3, 1, 0)));
    }

    @Test
    void theQuestionIsMadeOnceWhenFirstAskedForAndSharedByEveryCopy() throws IOException {
        byte[] wire = query("Svc01234.Bench.svc.cluster.local.", Type.AAAA, DClass.IN, null, Flags.RD);
        Request read = Request.received(wire, Transport.UDP, CLIENT, LOCAL, ".");
        assertNotNull(read);
        Request copy = read.inServerZone("cluster.local.");
        // Type, class and lower-case name come from the bytes; the record is made when asked for.
        assertEquals(Type.AAAA, copy.qtype());
        assertEquals(DClass.IN, copy.qclass());
        assertEquals("svc01234.bench.svc.cluster.local.", copy.name());
        assertEquals(true, copy.mixedCase());
        // Asked for first through the parsed message of a copy: still the one record for all copies.
        Message message = copy.message();
        Record question = read.question();
        assertSame(question, message.getQuestion());
        assertSame(question, copy.question());
        assertSame(question.getName(), read.qname());
        assertEquals(new Message(wire.clone()).getQuestion(), question);
        assertEquals("Svc01234.Bench.svc.cluster.local.", read.qname().toString(), "the client's spelling");
    }

    @Test
    void anOpcodeOtherThanQueryIsReadToo() throws IOException {
        Message m = Message.newQuery(Record.newRecord(Name.fromConstantString("n.example."), Type.SOA, DClass.IN));
        m.getHeader().setOpcode(Opcode.NOTIFY);
        assertSameAsParsed(m.toWire());
    }

    @Test
    void queriesOutsideThePlainFormAreLeftToTheParse() throws Exception {
        byte[] plain = query("www.example.org.", Type.A, DClass.IN, null, Flags.RD);
        assertNotNull(Request.received(plain.clone(), Transport.UDP, CLIENT, LOCAL, "."));

        // An OPT record with an option (its parse belongs to dnsjava's option classes).
        OPTRecord withOption = new OPTRecord(1232, 0, 0, 0,
                List.of(new ClientSubnetOption(24, java.net.InetAddress.getByName("192.0.2.0"))));
        assertDeclined(query("ecs.example.", Type.A, DClass.IN, withOption));

        // Bytes after the message.
        assertDeclined(Arrays.copyOf(plain, plain.length + 3));
        // A message cut short, inside the question and inside the OPT record.
        assertDeclined(Arrays.copyOf(plain, plain.length - 1));
        byte[] edns = query("e.example.", Type.A, DClass.IN, new OPTRecord(1232, 0, 0, 0));
        assertDeclined(Arrays.copyOf(edns, edns.length - 2));

        // Two questions.
        byte[] two = plain.clone();
        two[5] = 2;
        assertDeclined(two);
        // No question.
        byte[] none = plain.clone();
        none[5] = 0;
        assertDeclined(none);

        // A compression pointer as the question's name: to the question itself.
        byte[] pointer = Arrays.copyOf(plain, 12 + 2 + 4);
        pointer[12] = (byte) 0xc0;
        pointer[13] = 12;
        System.arraycopy(plain, plain.length - 4, pointer, 14, 4);
        assertDeclined(pointer);
        // A label followed by a pointer (into the header).
        byte[] labelThenPointer = Arrays.copyOf(plain, 12 + 4 + 4);
        labelThenPointer[12] = 1;
        labelThenPointer[13] = 'a';
        labelThenPointer[14] = (byte) 0xc0;
        labelThenPointer[15] = 0;
        System.arraycopy(plain, plain.length - 4, labelThenPointer, 16, 4);
        assertDeclined(labelThenPointer);

        // An additional record that is not an OPT record, and an OPT record not owned by the root.
        Message signed = Message.newQuery(Record.newRecord(Name.fromConstantString("t.example."), Type.A, DClass.IN));
        signed.setTSIG(new TSIG(TSIG.HMAC_SHA256, "key.", "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"));
        byte[] signedWire = signed.toWire(65535);
        assertEquals(1, signedWire[11], "the TSIG record is in the bytes");
        assertDeclined(signedWire);
        byte[] notRoot = query("o.example.", Type.A, DClass.IN, new OPTRecord(1232, 0, 0, 0));
        notRoot[notRoot.length - 11] = 1; // a one-octet label instead of the root: now longer than the bytes
        assertDeclined(notRoot);

        // An answer record in a query, and a response.
        Message withAnswer = Message.newQuery(Record.newRecord(Name.fromConstantString("q.example."), Type.A, DClass.IN));
        withAnswer.addRecord(Record.fromString(Name.fromConstantString("q.example."), Type.A, DClass.IN, 60,
                "192.0.2.1", Name.root), Section.ANSWER);
        assertDeclined(withAnswer.toWire());
        byte[] response = plain.clone();
        response[2] |= (byte) 0x80;
        assertDeclined(response);

        // A label longer than 63 octets (the reserved 0x40 type).
        byte[] reserved = plain.clone();
        reserved[12] = 0x40;
        assertDeclined(reserved);
    }

    @Test
    void aNameOfMoreThan255OctetsIsLeftToTheParse() {
        // 4 labels of 63 octets: 4 * 64 + 1 = 257 octets, more than a name may have.
        byte[] wire = new byte[12 + 257 + 4];
        wire[5] = 1;
        int pos = 12;
        for (int l = 0; l < 4; l++) {
            wire[pos++] = 63;
            for (int i = 0; i < 63; i++) {
                wire[pos++] = 'a';
            }
        }
        wire[pos++] = 0;
        wire[pos + 1] = 1;
        wire[pos + 3] = 1;
        assertDeclined(wire);
        assertThrows(IOException.class, () -> new Message(wire), "dnsjava's parse says FORMERR");
    }

    @Test
    void changingTheOptParsesTheMessageAndDropsTheBytes() {
        byte[] wire = query("b.example.", Type.A, DClass.IN, new OPTRecord(4096, 0, 0, ExtendedFlags.DO));
        Request read = Request.received(wire, Transport.UDP, CLIENT, LOCAL, ".");
        assertNotNull(read);
        Request copy = read.inServerZone("example.");
        assertEquals(true, copy.lowerUdpSize(1232));
        assertEquals(1232, read.opt().getPayloadSize());
        assertEquals(1232, read.size());
        assertEquals(true, read.dnssecOk());
        assertNull(read.wire());
        assertEquals(wire.length, read.querySize(), "the size received, as dnsjava's numBytes says");
    }

    private static void assertDeclined(byte[] wire) {
        assertNull(Request.received(wire, Transport.UDP, CLIENT, LOCAL, "."));
    }
}
