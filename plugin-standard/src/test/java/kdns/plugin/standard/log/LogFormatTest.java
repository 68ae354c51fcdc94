package kdns.plugin.standard.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.util.List;
import kdns.api.Request;
import kdns.api.Transport;
import kdns.api.Replies;
import kdns.testing.RecordingWriter;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Type;

class LogFormatTest {

    private static String line(String format, Request q, Message reply, int size, long nanos) {
        StringBuilder sb = new StringBuilder();
        LogFormat.compile(format).appendTo(sb, q, q.remoteAddress(), q.localAddress(), reply, size, nanos);
        return sb.toString();
    }

    @Test
    void everyPlaceholder() {
        Request q = TestRequests.query("Example.ORG", Type.AAAA);
        Message reply = Replies.replyTo(q.message());
        reply.getHeader().setFlag(Flags.AA);
        reply.getHeader().setFlag(Flags.RA);
        int size = q.querySize();
        assertEquals("AAAA example.org. IN udp " + size + " 10.240.0.1 40212 127.0.0.1 " + q.id() + " 0 false 512 "
                        + "NOERROR 99 0.001s qr,aa,rd,ra",
                line("{type} {name} {class} {proto} {size} {remote} {port} {local} {>id} {>opcode} {>do} {>bufsize} "
                        + "{rcode} {rsize} {duration} {>rflags}", q, reply, 99, 1_000_000));
    }

    @Test
    void commonFormat() {
        Request q = TestRequests.query("example.org", Type.A);
        Message reply = Replies.replyTo(q.message());
        reply.getHeader().setRcode(Rcode.NXDOMAIN);
        int size = q.querySize();
        assertEquals("10.240.0.1:40212 - " + q.id() + " \"A IN example.org. udp " + size + " false 512\" NXDOMAIN qr,rd 45 "
                + "0.037990251s", line(LogFormat.COMMON, q, reply, 45, 37_990_251));
        assertEquals("10.240.0.1:40212 - " + q.id() + " \"A IN example.org. udp " + size + " false 512\" NXDOMAIN qr,rd 45 "
                + "2s \"0\"", line(LogFormat.COMBINED, q, reply, 45, 2_000_000_000L));
    }

    @Test
    void ednsAndIpv6() {
        Message m = TestRequests.message("example.org", Type.A, DClass.IN);
        m.addRecord(new OPTRecord(4096, 0, 0, ExtendedFlags.DO), org.xbill.DNS.Section.ADDITIONAL);
        InetSocketAddress remote = new InetSocketAddress("2001:db8::1", 5353);
        Request q = TestRequests.from(m, Transport.UDP, remote);
        assertEquals("[2001:db8::1]:5353 true 4096 [127.0.0.1]",
                line("{remote}:{port} {>do} {>bufsize} [{local}]", q, null, 0, 0));
        Request tcp = TestRequests.from(m, Transport.TCP, RecordingWriter.DEFAULT_REMOTE);
        assertEquals("tcp 65535", line("{proto} {>bufsize}", tcp, null, 0, 0));
    }

    @Test
    void noReplyPrintsDashes() {
        Request q = TestRequests.query("example.org", Type.A);
        assertEquals("- - 0", line("{rcode} {>rflags} {rsize}", q, null, 0, 0));
    }

    @Test
    void flagsOfAReplyWithoutAnyAreEmpty() {
        Request q = TestRequests.query("example.org", Type.A);
        Message reply = new Message(q.id());
        assertEquals("[]", line("[{>rflags}]", q, reply, 0, 0));
        reply.getHeader().setFlag(Flags.TC);
        reply.getHeader().setFlag(Flags.CD);
        reply.getHeader().setFlag(Flags.AD);
        reply.getHeader().setFlag(9);
        assertEquals("[tc,z,ad,cd]", line("[{>rflags}]", q, reply, 0, 0));
    }

    @Test
    void unknownRcodeIsANumber() {
        Request q = TestRequests.query("example.org", Type.A);
        Message reply = Replies.replyTo(q.message());
        reply.getHeader().setRcode(12);
        assertEquals("12", line("{rcode}", q, reply, 0, 0));
    }

    @Test
    void literalsUnknownPlaceholdersAndMetadata() {
        Request q = TestRequests.query("example.org", Type.A);
        assertEquals("A } A", line("A } {type}", q, null, 0, 0));
        assertEquals("{ A }", line("{ {type} }", q, null, 0, 0));
        assertEquals("{foo} A {bar", line("{foo} {type} {bar", q, null, 0, 0));
        assertEquals("x - y", line("x {/kubernetes/client-namespace} y", q, null, 0, 0));
        q.setMetadata("kubernetes/client-namespace", () -> "ns1");
        q.setMetadata("view/name", () -> "");
        assertEquals("x ns1 y  z", line("x {/kubernetes/client-namespace} y {/view/name} z", q, null, 0, 0));
        assertEquals("no placeholders", line("no placeholders", q, null, 0, 0));
        assertEquals("", line("", q, null, 0, 0));
        assertEquals(List.of(LogFormat.Label.TYPE), LogFormat.compile("{foo} {type} {bar").labels());
    }

    @Test
    void classMnemonics() {
        assertEquals("CH", line("{class}", TestRequests.query("x", Type.TXT, DClass.CH), null, 0, 0));
        assertEquals("CS", line("{class}", TestRequests.query("x", Type.TXT, 2), null, 0, 0));
        assertEquals("CLASS5", line("{class}", TestRequests.query("x", Type.TXT, 5), null, 0, 0));
        assertEquals("TYPE65534", line("{type}", TestRequests.query("x", 65534), null, 0, 0));
    }
}
