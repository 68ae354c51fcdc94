package kdns.host.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class DohMessagesTest {

    private static final Name NAME = Name.fromConstantString("app.example.");

    private static byte[] query() {
        return Message.newQuery(Record.newRecord(NAME, Type.A, DClass.IN)).toWire();
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Test
    void pathIsTheDecodedPathOfTheTarget() throws Exception {
        assertEquals("/dns-query", DohMessages.path("/dns-query?dns=AAAA"));
        assertEquals("/dns-query", DohMessages.path("/dns%2Dquery"));
        assertEquals("/dns-query", DohMessages.path("https://dns.example/dns-query?dns=x"));
        assertEquals("/", DohMessages.path("https://dns.example?dns=x"));
        assertEquals("/dns-query/", DohMessages.path("/dns-query/"));
        assertEquals("*", DohMessages.path("*"));
        assertThrows(DohMessages.Invalid.class, () -> DohMessages.path("/dns%zzquery"));
    }

    @Test
    void getParametersAreParsedAsGoDoes() throws Exception {
        byte[] q = query();
        assertArrayEquals(q, DohMessages.fromGet("/dns-query?dns=" + b64(q)));
        assertArrayEquals(q, DohMessages.fromGet("/dns-query?ct=application/dns-message&dns=" + b64(q) + "&x"));
        assertArrayEquals(q, DohMessages.fromGet("/dns-query?d%6Es=" + b64(q)), "escaped key");
        String split = b64(q).substring(0, 10) + "%0A" + b64(q).substring(10);
        assertArrayEquals(q, DohMessages.fromGet("/dns-query?dns=" + split), "line breaks are skipped");
        assertEquals(List.of("a b"), DohMessages.parameter("dns=a+b", "dns"));
        assertEquals(List.of(), DohMessages.parameter("dns=a;b", "dns"), "a pair with ';' is dropped");
        assertEquals(List.of(), DohMessages.parameter("dns=%zz", "dns"), "a bad escape drops the pair");
        assertEquals(List.of("", "x"), DohMessages.parameter("dns&dns=x", "dns"));
        assertThrows(DohMessages.Invalid.class, () -> DohMessages.fromGet("/dns-query"));
        assertThrows(DohMessages.Invalid.class, () -> DohMessages.fromGet("/dns-query?dns=" + b64(q) + "&dns=" + b64(q)));
        assertThrows(DohMessages.Invalid.class, () -> DohMessages.fromGet("/dns-query?dns="
                + Base64.getUrlEncoder().encodeToString(new byte[] {1, 2, 3, 4})), "padding");
        assertThrows(DohMessages.Invalid.class, () -> DohMessages.fromGet("/dns-query?dns="
                + Base64.getEncoder().withoutPadding().encodeToString(new byte[] {(byte) 0xfb, (byte) 0xff})),
                "the standard alphabet");
        assertThrows(DohMessages.Invalid.class, () -> DohMessages.fromGet("/dns-query?dns=A"), "a lone character");
        assertThrows(DohMessages.Invalid.class, () -> DohMessages.fromGet("/dns-query?dns="
                + "A".repeat(DohMessages.MAX_BASE64_LENGTH + 1)));
        assertEquals(87382, DohMessages.MAX_BASE64_LENGTH);
    }

    @Test
    void theRequestPolicyIsMiekgsDefault() throws Exception {
        DohMessages.accept(query());
        Message notify = new Message(query());
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        DohMessages.accept(notify.toWire());
        Message response = new Message(query());
        response.getHeader().setFlag(Flags.QR);
        assertThrows(DohMessages.Invalid.class, () -> DohMessages.accept(response.toWire()));
        for (int opcode : new int[] {Opcode.UPDATE, Opcode.IQUERY, Opcode.STATUS}) {
            Message m = new Message(query());
            m.getHeader().setOpcode(opcode);
            assertThrows(DohMessages.Invalid.class, () -> DohMessages.accept(m.toWire()), Opcode.string(opcode));
        }
        byte[] q = query();
        q[5] = 0; // no question
        assertThrows(DohMessages.Invalid.class, () -> DohMessages.accept(q));
        assertThrows(DohMessages.Invalid.class, () -> DohMessages.accept(new byte[11]));
        byte[] extra = query();
        extra[11] = 3; // three additional records
        assertThrows(DohMessages.Invalid.class, () -> DohMessages.accept(extra));
        byte[] cut = java.util.Arrays.copyOf(query(), query().length - 1);
        assertThrows(DohMessages.Invalid.class, () -> DohMessages.accept(cut));
    }

    private static Message reply(int rcode) {
        Message m = new Message(0);
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setRcode(rcode);
        m.addRecord(Record.newRecord(NAME, Type.A, DClass.IN), Section.QUESTION);
        return m;
    }

    private static ARecord a(long ttl) throws Exception {
        return new ARecord(NAME, DClass.IN, ttl, InetAddress.getByName("10.0.0.1"));
    }

    private static SOARecord soa(long ttl) {
        Name zone = Name.fromConstantString("example.");
        return new SOARecord(zone, DClass.IN, ttl, zone, zone, 1, 2, 3, 4, 5);
    }

    @Test
    void maxAgeIsTheMinimalTtlOfCacheableReplies() throws Exception {
        long now = Instant.now().getEpochSecond();
        Message positive = reply(Rcode.NOERROR);
        positive.addRecord(a(300), Section.ANSWER);
        positive.addRecord(a(120), Section.ANSWER);
        positive.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        assertEquals(120, DohMessages.maxAge(positive, now), "the lowest, the OPT's TTL field left out");

        Message longLived = reply(Rcode.NOERROR);
        longLived.addRecord(a(86400), Section.ANSWER);
        assertEquals(3600, DohMessages.maxAge(longLived, now), "at most an hour");

        Message nxdomain = reply(Rcode.NXDOMAIN);
        nxdomain.addRecord(soa(30), Section.AUTHORITY);
        assertEquals(30, DohMessages.maxAge(nxdomain, now));
        Message nodata = reply(Rcode.NOERROR);
        nodata.addRecord(soa(45), Section.AUTHORITY);
        assertEquals(45, DohMessages.maxAge(nodata, now));

        assertEquals(5, DohMessages.maxAge(reply(Rcode.NOERROR), now), "no records");
        Message servfail = reply(Rcode.SERVFAIL);
        servfail.addRecord(soa(30), Section.AUTHORITY);
        assertEquals(5, DohMessages.maxAge(servfail, now), "an error");
        Message refused = reply(Rcode.REFUSED);
        assertEquals(5, DohMessages.maxAge(refused, now));
        Message delegation = reply(Rcode.NOERROR);
        delegation.addRecord(new NSRecord(Name.fromConstantString("example."), DClass.IN, 600,
                Name.fromConstantString("ns.example.")), Section.AUTHORITY);
        assertEquals(5, DohMessages.maxAge(delegation, now), "a delegation");
        Message nxWithoutSoa = reply(Rcode.NXDOMAIN);
        nxWithoutSoa.addRecord(new NSRecord(Name.fromConstantString("example."), DClass.IN, 600,
                Name.fromConstantString("ns.example.")), Section.AUTHORITY);
        assertEquals(600, DohMessages.maxAge(nxWithoutSoa, now), "NXDOMAIN without SOA is a denial (CoreDNS #8199)");
        Message nxWithAnswer = reply(Rcode.NXDOMAIN);
        nxWithAnswer.addRecord(a(300), Section.ANSWER);
        assertEquals(5, DohMessages.maxAge(nxWithAnswer, now));

        Message expired = reply(Rcode.NOERROR);
        expired.addRecord(a(300), Section.ANSWER);
        expired.addRecord(new RRSIGRecord(NAME, DClass.IN, 300, Type.A, 8, 300, Instant.ofEpochSecond(now - 10),
                Instant.ofEpochSecond(now - 100), 1, Name.fromConstantString("example."), new byte[] {1}),
                Section.ANSWER);
        expired.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        assertEquals(5, DohMessages.maxAge(expired, now), "an expired signature, DO set");
    }
}
