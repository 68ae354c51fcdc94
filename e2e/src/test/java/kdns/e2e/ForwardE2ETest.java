package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import kdns.testing.upstream.KnotUpstream;
import kdns.testing.upstream.ScriptedUpstream;
import kdns.testing.upstream.TestCertificate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/kdns forwarding to knotd and to a DNS-over-TLS upstream, queried with dig. */
class ForwardE2ETest {

    private static final String ZONE = """
            $ORIGIN example.org.
            $TTL 300
            @     SOA ns.example.org. admin.example.org. 1 3600 600 86400 60
            @     NS  ns.example.org.
            ns    A   127.0.0.1
            www   A   192.0.2.80
            """;

    @BeforeAll
    static void forwardIsInTheDistribution() throws Exception {
        Path tmp = Files.createTempDirectory("kdns-plugins");
        KdnsProcess.Result r = KdnsProcess.runToEnd(tmp, Map.of(), "-plugins");
        Assumptions.assumeTrue(r.output().lines().anyMatch(l -> l.strip().equals("dns.forward")),
                "this distribution has no forward plugin");
    }

    private static String dig(int port, String... extra) throws Exception {
        String[] base = {"dig", "@127.0.0.1", "-p", String.valueOf(port), "www.example.org", "A", "+tries=1", "+time=6"};
        String[] cmd = new String[base.length + extra.length];
        System.arraycopy(base, 0, cmd, 0, base.length);
        System.arraycopy(extra, 0, cmd, base.length, extra.length);
        return CommandLine.run(cmd);
    }

    @Test
    void forwardsToKnotAndFailsOverWhenItIsKilled(@TempDir Path dir) throws Exception {
        try (KnotUpstream knot = KnotUpstream.start("example.org", ZONE)) {
            int port = KdnsProcess.freePort();
            String corefile = ".:" + port + " {\n    forward . " + knot.hostPort()
                    + " {\n        health_check 100ms\n    }\n}\n";
            try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
                String udp = dig(port);
                assertTrue(udp.contains("status: NOERROR") && udp.matches("(?s).*www\\.example\\.org\\.\\s+300\\s+IN\\s+A\\s+192\\.0\\.2\\.80.*"),
                        udp);
                String tcp = dig(port, "+tcp");
                assertTrue(tcp.contains("192.0.2.80"), tcp);
                knot.stop();
                String down = dig(port);
                assertTrue(down.contains("status: SERVFAIL"), down + "\n" + kdns.output());
                // The failed exchange started health checks; with knot still away they mark it down
                // (the query itself gave up after two attempts, well before that).
                long marked = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (System.nanoTime() < marked && !kdns.output().contains("is marked down")) {
                    Thread.sleep(50);
                }
                assertTrue(kdns.output().contains("is marked down"), kdns.output());
                knot.restart();
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                String again = "";
                while (System.nanoTime() < deadline && !again.contains("192.0.2.80")) {
                    again = dig(port);
                    Thread.sleep(200);
                }
                assertTrue(again.contains("192.0.2.80"), again + "\n" + kdns.output());
            }
        }
    }

    @Test
    void dnsOverTlsWithATestCertificate(@TempDir Path dir) throws Exception {
        TestCertificate cert = TestCertificate.generate(dir, "server", "dns.test", "ip:127.0.0.1,dns:dns.test");
        try (ScriptedUpstream dot = ScriptedUpstream.startTls(cert.serverContext(null), false)) {
            dot.script(ScriptedUpstream.answerA("192.0.2.53"));
            int port = KdnsProcess.freePort();
            String corefile = ".:" + port + " {\n    forward . tls://127.0.0.1:" + dot.port() + " {\n        tls "
                    + cert.certPem() + "\n        tls_servername dns.test\n    }\n}\n";
            try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
                String out = dig(port);
                assertTrue(out.contains("status: NOERROR") && out.contains("192.0.2.53"), out + "\n" + kdns.output());
                assertTrue(dot.queries().stream().anyMatch(q -> q.via() == ScriptedUpstream.Via.TLS));
            }
        }
    }
}
