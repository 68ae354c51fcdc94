package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import kdns.testing.DnsClient;
import kdns.testing.upstream.TestCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The grpc plugin in the distribution: one bin/kdns serves {@code grpc://} (in the clear and over
 * TLS), another one proxies to it with {@code grpc . 127.0.0.1:PORT}; plain DNS asked of the
 * second gets the first one's answers. The plugin runs in plugin-forward's module layer with gRPC
 * and Netty from the boot layer.
 */
@Timeout(120)
class GrpcForwardE2ETest {

    @Test
    void aKdnsInFrontOfAGrpcKdnsInTheClearAndOverTls(@TempDir Path dir) throws Exception {
        Path upstreamDir = Files.createDirectories(dir.resolve("upstream"));
        Path frontDir = Files.createDirectories(dir.resolve("front"));
        TestCertificate cert = TestCertificate.generate(upstreamDir, "server", "dns.test", "dns:dns.test");
        int upstreamDns = KdnsProcess.freePort();
        int clear = KdnsProcess.freePort();
        int tls = KdnsProcess.freePort();
        String hosts = "    hosts {\n        10.1.2.3 app.example\n        10.4.5.6 secure.example\n    }\n";
        String upstream = "grpc://.:" + clear + " {\n    bind 127.0.0.1\n" + hosts + "}\n"
                + "grpc://.:" + tls + " {\n    bind 127.0.0.1\n    tls " + cert.certPem() + " " + cert.keyPem() + "\n"
                + hosts + "}\n"
                + ".:" + upstreamDns + " {\n    bind 127.0.0.1\n" + hosts + "}\n";
        int front = KdnsProcess.freePort();
        String corefile = ".:" + front + " {\n    bind 127.0.0.1\n    grpc . 127.0.0.1:" + clear + "\n}\n"
                + "secure.example:" + front + " {\n    bind 127.0.0.1\n    grpc . 127.0.0.1:" + tls + " {\n"
                + "        tls " + cert.certPem() + "\n        tls_servername dns.test\n    }\n}\n";
        try (KdnsProcess up = KdnsProcess.serve(upstreamDir, upstream, upstreamDns);
                KdnsProcess kdns = KdnsProcess.serve(frontDir, corefile, front)) {
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", front);
            Message plain = DnsClient.udp(at, "app.example.", Type.A);
            assertEquals(Rcode.NOERROR, plain.getRcode(), kdns.output());
            assertTrue(plain.getSection(Section.ANSWER).toString().contains("10.1.2.3"), plain.toString());
            Message overTls = DnsClient.udp(at, "secure.example.", Type.A);
            assertEquals(Rcode.NOERROR, overTls.getRcode(), kdns.output());
            assertTrue(overTls.getSection(Section.ANSWER).toString().contains("10.4.5.6"), overTls.toString());
            Message tcp = DnsClient.tcp(at, "app.example.", Type.A);
            assertTrue(tcp.getSection(Section.ANSWER).toString().contains("10.1.2.3"), tcp.toString());
        }
    }

    @Test
    void aDownUpstreamIsServfail(@TempDir Path dir) throws Exception {
        int front = KdnsProcess.freePort();
        String corefile = ".:" + front + " {\n    bind 127.0.0.1\n    grpc . 127.0.0.1:" + KdnsProcess.freePort()
                + "\n}\n";
        try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, front)) {
            Message m = DnsClient.udp(new InetSocketAddress("127.0.0.1", front), "app.example.", Type.A);
            assertEquals(Rcode.SERVFAIL, m.getRcode(), kdns.output());
        }
    }
}
