package kdns.plugin.standard.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.Instant;
import kdns.api.Replies;
import kdns.api.ResponseType;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class ResponseTypeTest {

    private static final long NOW = Instant.parse("2025-01-01T00:00:00Z").getEpochSecond();

    private static Message reply(String name, int type, int rcode) {
        Message m = Replies.replyTo(TestRequests.message(name, type, DClass.IN));
        m.getHeader().setRcode(rcode);
        return m;
    }

    private static Name n(String s) throws Exception {
        return Name.fromString(s);
    }

    private static SOARecord soa() throws Exception {
        return new SOARecord(n("example.org."), DClass.IN, 30, n("ns.example.org."), n("a.example.org."), 1, 2, 3, 4, 5);
    }

    private static ResponseType typify(Message m) {
        return ResponseType.typify(m, NOW);
    }

    @Test
    void table() throws Exception {
        assertEquals(ResponseType.OTHERERROR, typify(null));

        Message a = reply("example.org", Type.A, Rcode.NOERROR);
        a.addRecord(new ARecord(n("example.org."), DClass.IN, 30, InetAddress.getByName("192.0.2.1")), Section.ANSWER);
        assertEquals(ResponseType.NOERROR, typify(a));

        Message cnameOnly = reply("www.example.org", Type.A, Rcode.NOERROR);
        cnameOnly.addRecord(new CNAMERecord(n("www.example.org."), DClass.IN, 30, n("example.net.")), Section.ANSWER);
        // CoreDNS's Typify looks at the rcode and whether there is an answer, not at its types
        assertEquals(ResponseType.NOERROR, typify(cnameOnly));

        Message mx = reply("example.org", Type.MX, Rcode.NOERROR);
        mx.addRecord(new MXRecord(n("example.org."), DClass.IN, 30, 10, n("mx.example.org.")), Section.ANSWER);
        assertEquals(ResponseType.NOERROR, typify(mx));

        Message nodata = reply("example.org", Type.MX, Rcode.NOERROR);
        nodata.addRecord(soa(), Section.AUTHORITY);
        assertEquals(ResponseType.NODATA, typify(nodata));

        Message nx = reply("nope.example.org", Type.A, Rcode.NXDOMAIN);
        nx.addRecord(soa(), Section.AUTHORITY);
        assertEquals(ResponseType.NXDOMAIN, typify(nx));

        assertEquals(ResponseType.NXDOMAIN, typify(reply("nope.example.org", Type.A, Rcode.NXDOMAIN)),
                "NXDOMAIN without SOA, a denial since CoreDNS 1.14.5 (#8199)");
        Message nxWithAnswer = reply("nope.example.org", Type.A, Rcode.NXDOMAIN);
        nxWithAnswer.addRecord(new ARecord(n("nope.example.org."), DClass.IN, 30, InetAddress.getByName("192.0.2.1")),
                Section.ANSWER);
        nxWithAnswer.addRecord(soa(), Section.AUTHORITY);
        assertEquals(ResponseType.OTHERERROR, typify(nxWithAnswer), "NXDOMAIN with answers, even with an SOA");
        assertEquals(ResponseType.SERVERERROR, typify(reply("example.org", Type.A, Rcode.SERVFAIL)));
        assertEquals(ResponseType.SERVERERROR, typify(reply("example.org", Type.A, Rcode.NOTIMP)));
        assertEquals(ResponseType.OTHERERROR, typify(reply("example.org", Type.A, Rcode.REFUSED)));
        assertEquals(ResponseType.NOERROR, typify(reply("example.org", Type.A, Rcode.NOERROR)), "empty NOERROR");

        Message delegation = reply("sub.example.org", Type.A, Rcode.NOERROR);
        delegation.addRecord(new NSRecord(n("sub.example.org."), DClass.IN, 30, n("ns.sub.example.org.")),
                Section.AUTHORITY);
        assertEquals(ResponseType.DELEGATION, typify(delegation));

        assertEquals(ResponseType.META, typify(reply("example.org", Type.AXFR, Rcode.NOERROR)));
        assertEquals(ResponseType.META, typify(reply("example.org", Type.IXFR, Rcode.NOERROR)));
        Message notify = reply("example.org", Type.SOA, Rcode.NOERROR);
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        assertEquals(ResponseType.META, typify(notify));
        Message update = reply("example.org", Type.SOA, Rcode.NOERROR);
        update.getHeader().setOpcode(Opcode.UPDATE);
        assertEquals(ResponseType.UPDATE, typify(update));
    }

    @Test
    void expiredSignatureWithDoIsAnError() throws Exception {
        Message m = reply("example.org", Type.A, Rcode.NOERROR);
        m.addRecord(new ARecord(n("example.org."), DClass.IN, 30, InetAddress.getByName("192.0.2.1")), Section.ANSWER);
        Instant expired = Instant.ofEpochSecond(NOW - 3600);
        m.addRecord(new RRSIGRecord(n("example.org."), DClass.IN, 30, Type.A, DNSSEC.Algorithm.ECDSAP256SHA256, 30,
                expired, expired.minusSeconds(86400), 12345, n("example.org."), new byte[64]), Section.ANSWER);
        assertEquals(ResponseType.NOERROR, typify(m), "without DO the signatures are not checked");
        m.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        assertEquals(ResponseType.OTHERERROR, typify(m));
    }

    @Test
    void classes() {
        assertEquals(ResponseClass.SUCCESS, ResponseClass.of(ResponseType.NOERROR));
        assertEquals(ResponseClass.SUCCESS, ResponseClass.of(ResponseType.DELEGATION));
        assertEquals(ResponseClass.DENIAL, ResponseClass.of(ResponseType.NXDOMAIN));
        assertEquals(ResponseClass.DENIAL, ResponseClass.of(ResponseType.NODATA));
        assertEquals(ResponseClass.ERROR, ResponseClass.of(ResponseType.SERVERERROR));
        assertEquals(ResponseClass.ERROR, ResponseClass.of(ResponseType.OTHERERROR));
        assertEquals(ResponseClass.ERROR, ResponseClass.of(ResponseType.META));
        assertEquals(ResponseClass.ERROR, ResponseClass.of(ResponseType.UPDATE));
        assertEquals(ResponseClass.ALL, ResponseClass.fromString("all"));
        assertEquals(null, ResponseClass.fromString("All"));
        assertEquals("denial", ResponseClass.DENIAL.toString());
    }
}
