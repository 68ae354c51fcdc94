package kdns.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class RequestTest {

    private static final InetSocketAddress V4 = new InetSocketAddress("10.0.0.1", 4000);
    private static final InetSocketAddress V6 = new InetSocketAddress("::1", 4000);

    private static Message q(String name) {
        return Message.newQuery(Record.newRecord(Name.fromConstantString(name), Type.AAAA, DClass.IN));
    }

    @Test
    void nameIsLowerCaseQnameKeepsSpelling() {
        Request r = new Request(q("WwW.Example.ORG."), Transport.UDP, V4, V4, ".");
        assertEquals("www.example.org.", r.name());
        assertEquals("WwW.Example.ORG.", r.qname().toString());
        assertEquals(Type.AAAA, r.qtype());
        assertEquals(DClass.IN, r.qclass());
        assertEquals("10.0.0.1", r.ip());
        assertEquals(1, r.family());
        assertEquals("udp", r.proto());
        assertEquals(2, new Request(q("a."), Transport.TCP, V6, V6, ".").family());
    }

    /** The name read from the received bytes is dnsjava's text form lower-cased, whatever the bytes. */
    @Test
    void nameFromTheReceivedBytesIsDnsjavasTextLowerCased() throws Exception {
        String[] names = {"www.example.org.", "WwW.Example.ORG.", "_sip._tcp.Example.", "a-b.c_d.", "x.",
            "svc00042.bench.svc.cluster.local.", "\\046dot\\.in.label.", "sp\\032ace.", "at\\@sign.",
            "uml\\195\\164ut.", "star.*.", "\\(paren.", ".", "DIGITS0123456789.Z."};
        for (String text : names) {
            Message m = q(text);
            byte[] wire = m.toWire();
            Request fromBytes = new Request(new Message(wire), Transport.UDP, V4, V4, ".", wire);
            Request parsedOnly = new Request(new Message(wire), Transport.UDP, V4, V4, ".");
            String spelled = new Message(wire).getQuestion().getName().toString();
            assertEquals(spelled.toLowerCase(java.util.Locale.ROOT), fromBytes.name(), text);
            assertEquals(parsedOnly.name(), fromBytes.name(), text);
            assertEquals(!spelled.equals(spelled.toLowerCase(java.util.Locale.ROOT)), fromBytes.mixedCase(), text);
        }
    }

    @Test
    void bytesThatDoNotSayTheParsedNameAreNotRead() throws Exception {
        // Against the constructor's contract, so only the check of the name's length guards it.
        byte[] other = q("ab.").toWire();
        Request r = new Request(q("ABC."), Transport.UDP, V4, V4, ".", other);
        assertEquals("abc.", r.name());
        assertTrue(r.mixedCase());
    }

    @Test
    void sizeFollowsTransportAndEdns() {
        Message m = q("a.");
        assertEquals(512, new Request(m, Transport.UDP, V4, V4, ".").size());
        assertEquals(65535, new Request(m, Transport.TCP, V4, V4, ".").size());
        m.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        Request r = new Request(m, Transport.UDP, V4, V4, ".");
        assertEquals(4096, r.size());
        assertTrue(r.dnssecOk());
        Message small = q("a.");
        small.addRecord(new OPTRecord(100, 0, 0, 0), Section.ADDITIONAL);
        Request s = new Request(small, Transport.UDP, V4, V4, ".");
        assertEquals(512, s.size());
        assertFalse(s.dnssecOk());
    }

    @Test
    void withQuestionAsksAnotherName() {
        Request r = new Request(q("a.example."), Transport.UDP, V4, V4, "example.");
        Request other = r.withQuestion(Name.fromConstantString("b.example."), Type.A);
        assertEquals("b.example.", other.name());
        assertEquals(Type.A, other.qtype());
        assertEquals("a.example.", r.name());
        assertEquals("example.", other.serverZone());
    }

    @Test
    void replaceOptChangesTheSharedMessageInPlace() throws Exception {
        Message m = q("a.example.");
        Request r = new Request(m, Transport.UDP, V4, V4, ".");
        Request sameQuery = r.inServerZone("example.");
        OPTRecord added = new OPTRecord(4096, 0, 0, 0,
                new org.xbill.DNS.GenericEDNSOption(0xffee, "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        org.junit.jupiter.api.Assertions.assertNull(r.replaceOpt(added), "the query had no OPT");
        assertEquals(added, sameQuery.opt(), "every request sharing the message sees it");
        assertEquals(4096, sameQuery.size());
        assertEquals(1, new Message(m.toWire()).getOPT().getOptions(0xffee).size(), "on the wire too");

        OPTRecord other = new OPTRecord(1232, 0, 0, ExtendedFlags.DO);
        assertEquals(added, r.replaceOpt(other), "the replaced OPT is returned");
        assertEquals(1, m.getSection(Section.ADDITIONAL).size(), "replaced, not added");
        assertTrue(r.dnssecOk());
        assertEquals(other, r.replaceOpt(added));
        assertEquals(added, r.replaceOpt(null));
        org.junit.jupiter.api.Assertions.assertNull(r.opt());
        assertEquals(512, r.size());
        org.junit.jupiter.api.Assertions.assertNull(r.replaceOpt(null));
    }

    @Test
    void replaceOptKeepsTheOptInItsPlaceAndBeforeATsig() throws Exception {
        Message m = q("a.example.");
        Record glue = Record.fromString(Name.fromConstantString("ns.example."), Type.A, DClass.IN, 60, "10.0.0.1",
                Name.root);
        Record tsig = new org.xbill.DNS.TSIGRecord(Name.fromConstantString("key."), DClass.ANY, 0,
                Name.fromConstantString("hmac-sha256."), java.time.Instant.ofEpochSecond(1), java.time.Duration.ofSeconds(300),
                new byte[0], 1, 0, null);
        m.addRecord(glue, Section.ADDITIONAL);
        m.addRecord(tsig, Section.ADDITIONAL);
        Request r = new Request(m, Transport.UDP, V4, V4, ".");
        OPTRecord opt = new OPTRecord(4096, 0, 0);
        r.replaceOpt(opt);
        assertEquals(java.util.List.of(glue, opt, tsig), m.getSection(Section.ADDITIONAL), "added before the TSIG");
        OPTRecord other = new OPTRecord(1400, 0, 0);
        r.replaceOpt(other);
        assertEquals(java.util.List.of(glue, other, tsig), m.getSection(Section.ADDITIONAL), "replaced where it was");
    }

    private static Request received(Message m) {
        return new Request(m, Transport.UDP, V4, V4, ".", m.toWire());
    }

    @Test
    void theReceivedBytesFollowTheQueryUntilItIsChanged() {
        Message m = q("a.example.");
        m.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        byte[] bytes = m.toWire();
        Request r = new Request(m, Transport.UDP, V4, V4, ".", bytes);
        assertSame(bytes, r.wire(), "kept as received, without a copy");
        assertSame(bytes, r.inServerZone("example.", "v").wire(), "the same query in its block keeps them");
        assertNull(new Request(m, Transport.UDP, V4, V4, ".").wire(), "a request built without bytes has none");
        assertNull(r.withMessage(m.clone()).wire(), "a plugin's message may say something else");
        assertNull(r.withQuestion(Name.fromConstantString("b.example."), Type.A).wire());
    }

    @Test
    void changingTheMessageInPlaceDropsTheBytesForEveryCopySharingIt() {
        Message m = q("a.example.");
        m.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        Request r = received(m);
        Request routed = r.inServerZone("example.");
        assertFalse(routed.lowerUdpSize(4096), "nothing to lower");
        assertNotNull(r.wire(), "an unchanged message keeps its bytes");
        assertTrue(routed.lowerUdpSize(1232));
        assertNull(routed.wire());
        assertNull(r.wire(), "the copy made before the change shares the message, and so the drop");

        Request s = received(q("b.example."));
        OPTRecord none = s.replaceOpt(null);
        assertNull(none);
        assertNotNull(s.wire(), "removing an OPT record the query does not have changes nothing");
        s.replaceOpt(new OPTRecord(1232, 0, 0));
        assertNull(s.wire());

        Message withOpt = q("c.example.");
        OPTRecord opt = new OPTRecord(4096, 0, 0);
        withOpt.addRecord(opt, Section.ADDITIONAL);
        Request t = received(withOpt);
        t.replaceOpt(opt);
        assertNotNull(t.wire(), "the same OPT record put in its own place changes nothing");
        t.replaceOpt(null);
        assertNull(t.wire());
    }

    @Test
    void clientWrote() {
        assertFalse(Rcodes.clientWrote(Rcodes.SERVFAIL));
        assertFalse(Rcodes.clientWrote(Rcodes.REFUSED));
        assertFalse(Rcodes.clientWrote(Rcodes.FORMERR));
        assertFalse(Rcodes.clientWrote(Rcodes.NOTIMP));
        assertTrue(Rcodes.clientWrote(Rcodes.NOERROR));
        assertTrue(Rcodes.clientWrote(Rcodes.NXDOMAIN));
        assertTrue(Rcodes.clientWrote(Handler.DEFERRED));
    }
}
