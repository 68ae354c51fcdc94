package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import kdns.testing.DnsClient;
import kdns.testing.upstream.KnotUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * cache in front of forward, both from the distribution, against a real knotd: with every upstream
 * down, a name never seen gets SERVFAIL and an expired one is served stale (serve_stale).
 */
class CacheForwardTest {

    @TempDir
    Path dir;

    @Test
    void allUpstreamsDownGivesServfailAndStaleAnswers() throws Exception {
        try (KnotUpstream knot = KnotUpstream.start("example.net.", """
                $TTL 1
                @   SOA ns admin 1 3600 600 86400 1
                @   NS  ns
                ns  A   127.0.0.1
                www A   192.0.2.80
                new A   192.0.2.81
                """)) {
            int port = KdnsProcess.freePort();
            String corefile = ".:" + port + " {\n    cache 30 {\n        serve_stale 1h\n    }\n"
                    + "    forward . " + knot.hostPort() + "\n}\n";
            try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
                InetSocketAddress a = new InetSocketAddress("127.0.0.1", port);
                Message first = DnsClient.udp(a, "www.example.net.", Type.A);
                assertEquals(Rcode.NOERROR, first.getRcode());
                knot.stop();
                Thread.sleep(2500); // the 1 s TTL has run out: only serve_stale can answer now
                Message stale = DnsClient.udp(a, "www.example.net.", Type.A);
                assertEquals(Rcode.NOERROR, stale.getRcode(), "served stale");
                assertEquals("192.0.2.80",
                        ((ARecord) stale.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress());
                assertEquals(Rcode.SERVFAIL, DnsClient.udp(a, "new.example.net.", Type.A).getRcode(),
                        "no upstream and nothing cached");
            }
        }
    }
}
