package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import kdns.testing.DnsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** bin/kdns serving whoami, queried with dig and kdig over UDP and TCP. */
class ServeTest {

    @TempDir
    static Path dir;
    static KdnsProcess kdns;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        port = KdnsProcess.freePort();
        kdns = KdnsProcess.serve(dir, ".:" + port + " {\n    whoami\n}\n", port);
    }

    @AfterAll
    static void stop() throws Exception {
        if (kdns != null) {
            kdns.close();
        }
    }

    private static void assertWhoami(String out, String proto) {
        assertTrue(out.contains("status: NOERROR"), out);
        assertTrue(out.matches("(?s).*example\\.org\\.\\s+0\\s+IN\\s+A\\s+127\\.0\\.0\\.1.*"), out);
        assertTrue(out.matches("(?s).*_" + proto + "\\.example\\.org\\.\\s+0\\s+IN\\s+SRV\\s+0 0 \\d+ \\..*"), out);
    }

    @Test
    void digUdp() throws Exception {
        assertWhoami(CommandLine.run("dig", "@127.0.0.1", "-p", String.valueOf(port), "example.org", "A",
                "+tries=1", "+time=3"), "udp");
    }

    @Test
    void digTcp() throws Exception {
        assertWhoami(CommandLine.run("dig", "@127.0.0.1", "-p", String.valueOf(port), "example.org", "A",
                "+tcp", "+tries=1", "+time=3"), "tcp");
    }

    @Test
    void kdigUdpAndTcp() throws Exception {
        String udp = CommandLine.run("kdig", "@127.0.0.1", "-p", String.valueOf(port), "example.org", "A",
                "+retry=0", "+timeout=3");
        assertTrue(udp.contains("status: NOERROR"), udp);
        assertTrue(udp.contains("_udp.example.org."), udp);
        String tcp = CommandLine.run("kdig", "@127.0.0.1", "-p", String.valueOf(port), "example.org", "A",
                "+tcp", "+retry=0", "+timeout=3");
        assertTrue(tcp.contains("status: NOERROR"), tcp);
        assertTrue(tcp.contains("_tcp.example.org."), tcp);
    }

    @Test
    void javaClientSeesCaseEchoedAndAuthoritative() throws Exception {
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", port);
        Message reply = DnsClient.udp(a, "ExAmPlE.oRg.", Type.A);
        assertEquals(Rcode.NOERROR, reply.getRcode());
        assertEquals("ExAmPlE.oRg.", reply.getQuestion().getName().toString());
        List<org.xbill.DNS.Record> extra = reply.getSection(Section.ADDITIONAL);
        assertFalse(extra.isEmpty());
    }
}
