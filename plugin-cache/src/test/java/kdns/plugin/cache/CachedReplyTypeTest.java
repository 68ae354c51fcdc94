package kdns.plugin.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import kdns.api.Request;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** CoreDNS's response classification and minimal TTL. */
class CachedReplyTypeTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final Request q = TestRequests.query("www.example.org", Type.A);

    @Test
    void classification() {
        assertEquals(CachedReplyType.NO_ERROR, CachedReplyType.typify(Upstream.a(q, 60, "10.0.0.1"), NOW));
        assertEquals(CachedReplyType.NO_ERROR, CachedReplyType.typify(Upstream.reply(q, Rcode.NOERROR), NOW),
                "empty NOERROR without SOA");
        assertEquals(CachedReplyType.NAME_ERROR, CachedReplyType.typify(Upstream.negative(q, Rcode.NXDOMAIN, 60, 60), NOW));
        assertEquals(CachedReplyType.NO_DATA, CachedReplyType.typify(Upstream.negative(q, Rcode.NOERROR, 60, 60), NOW));
        assertEquals(CachedReplyType.NAME_ERROR, CachedReplyType.typify(Upstream.reply(q, Rcode.NXDOMAIN), NOW),
                "NXDOMAIN without SOA, a denial since CoreDNS 1.14.5 (#8199)");
        Message nxWithAnswer = Upstream.a(q, 60, "10.0.0.1");
        nxWithAnswer.getHeader().setRcode(Rcode.NXDOMAIN);
        assertEquals(CachedReplyType.OTHER_ERROR, CachedReplyType.typify(nxWithAnswer, NOW), "NXDOMAIN with answers");
        assertEquals(CachedReplyType.SERVER_ERROR, CachedReplyType.typify(Upstream.reply(q, Rcode.SERVFAIL), NOW));
        assertEquals(CachedReplyType.SERVER_ERROR, CachedReplyType.typify(Upstream.reply(q, Rcode.NOTIMP), NOW));
        assertEquals(CachedReplyType.OTHER_ERROR, CachedReplyType.typify(Upstream.reply(q, Rcode.REFUSED), NOW));
        Message delegation = Upstream.reply(q, Rcode.NOERROR);
        delegation.addRecord(new NSRecord(Name.fromConstantString("example.org."), DClass.IN, 60,
                Name.fromConstantString("ns.example.org.")), Section.AUTHORITY);
        assertEquals(CachedReplyType.DELEGATION, CachedReplyType.typify(delegation, NOW));
        Message notify = Upstream.reply(q, Rcode.NOERROR);
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        assertEquals(CachedReplyType.META, CachedReplyType.typify(notify, NOW));
        Message update = Upstream.reply(q, Rcode.NOERROR);
        update.getHeader().setOpcode(Opcode.UPDATE);
        assertEquals(CachedReplyType.UPDATE, CachedReplyType.typify(update, NOW));
        assertEquals(CachedReplyType.META,
                CachedReplyType.typify(Upstream.reply(TestRequests.query("example.org", Type.AXFR), Rcode.NOERROR), NOW));
        assertEquals(CachedReplyType.OTHER_ERROR, CachedReplyType.typify(null, NOW));
        assertFalse(CachedReplyType.META.cacheable());
        assertTrue(CachedReplyType.SERVER_ERROR.cacheable());
        assertTrue(CachedReplyType.SERVER_ERROR.denial());
    }

    @Test
    void expiredSignaturesAreNotCachedWhenDnssecWasAsked() throws Exception {
        Message m = Upstream.a(q, 60, "10.0.0.1");
        m.addRecord(new RRSIGRecord(q.qname(), DClass.IN, 60, Type.A, DNSSEC.Algorithm.ECDSAP256SHA256, 60,
                Instant.parse("2025-12-01T00:00:00Z"), Instant.parse("2025-11-01T00:00:00Z"), 12345,
                Name.fromConstantString("example.org."), new byte[64]), Section.ANSWER);
        assertEquals(CachedReplyType.NO_ERROR, CachedReplyType.typify(m, NOW), "without DO the signatures are not judged");
        m.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        assertEquals(CachedReplyType.OTHER_ERROR, CachedReplyType.typify(m, NOW));
        assertEquals(CachedReplyType.NO_ERROR, CachedReplyType.typify(m, Instant.parse("2025-11-15T00:00:00Z")));
    }

    @Test
    void minimalTtl() throws Exception {
        Message m = Upstream.a(q, 600, "10.0.0.1");
        m.addRecord(new ARecord(q.qname(), DClass.IN, 40, InetAddress.getByName("10.0.0.2")), Section.ADDITIONAL);
        m.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        assertEquals(40, CachedReplyType.minimalTtl(m, CachedReplyType.NO_ERROR));
        assertEquals(3600, CachedReplyType.minimalTtl(Upstream.a(q, 86400, "10.0.0.1"), CachedReplyType.NO_ERROR), "at most 3600");
        Message empty = Upstream.reply(q, Rcode.NOERROR);
        empty.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        assertEquals(5, CachedReplyType.minimalTtl(empty, CachedReplyType.NO_ERROR), "nothing but OPT");
        assertEquals(5, CachedReplyType.minimalTtl(Upstream.a(q, 600, "10.0.0.1"), CachedReplyType.DELEGATION));
        assertEquals(5, CachedReplyType.minimalTtl(Upstream.reply(q, Rcode.SERVFAIL), CachedReplyType.SERVER_ERROR));
        assertEquals(30, CachedReplyType.minimalTtl(Upstream.negative(q, Rcode.NXDOMAIN, 900, 30), CachedReplyType.NAME_ERROR));
        assertEquals(20, CachedReplyType.minimalTtl(Upstream.negative(q, Rcode.NOERROR, 20, 300), CachedReplyType.NO_DATA));
    }

    @Test
    void ttlRewriteKeepsEverythingElse() throws Exception {
        Message m = Upstream.a(q, 600, "10.0.0.1");
        m.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        Records.setTtls(m, 7);
        Record a = m.getSectionArray(Section.ANSWER)[0];
        assertEquals(7, a.getTTL());
        assertEquals("10.0.0.1", ((ARecord) a).getAddress().getHostAddress());
        assertEquals(q.qname(), a.getName());
        assertEquals(Type.OPT, m.getSectionArray(Section.ADDITIONAL)[0].getType(), "OPT untouched");
        assertEquals(0, Records.withoutOpt(m.getSectionArray(Section.ADDITIONAL)).length);
    }

    @Test
    void goTexts() throws Exception {
        assertEquals("'%'", GoText.quoteChar('%'));
        assertEquals("'\\''", GoText.quoteChar('\''));
        assertEquals("\"a\\\"b\"", GoText.quote("a\"b"));
        assertEquals(-12, GoText.atoi("-12"));
        assertEquals(12, GoText.atoi("+12"));
        assertEquals(90_000_000_000L, GoText.parseDuration("1m30s"));
    }
}
