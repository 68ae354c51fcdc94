package kdns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kdns.api.Handler;
import kdns.testing.Polling;
import kdns.testing.RecordingWriter;
import kdns.testing.TestRequests;
import kdns.testing.upstream.ScriptedUpstream;
import kdns.testing.upstream.ScriptedUpstream.Via;
import kdns.testing.upstream.TestCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** DNS-over-TLS to a Java DoT upstream with a certificate made by the test (keytool). */
class ForwardTlsTest {

    @TempDir
    static Path dir;
    static TestCertificate server;
    static TestCertificate client;
    static ScriptedUpstream dot;
    static ScriptedUpstream mutual;

    private final ForwardTestServers servers = new ForwardTestServers();

    @BeforeAll
    static void upstreams() throws Exception {
        server = TestCertificate.generate(dir, "server", "dns.test", "ip:127.0.0.1,dns:dns.test");
        client = TestCertificate.generate(dir, "client", "client.test", null);
        dot = ScriptedUpstream.startTls(server.serverContext(null), false);
        mutual = ScriptedUpstream.startTls(server.serverContext(client), true);
    }

    @AfterAll
    static void stop() {
        dot.close();
        mutual.close();
    }

    @AfterEach
    void shutdown() throws Exception {
        servers.close();
    }

    private Handler forward(String text) throws Exception {
        return servers.forward(text);
    }

    private static Message ask(Handler h, String name) throws Exception {
        RecordingWriter w = new RecordingWriter();
        assertEquals(Handler.DEFERRED, h.serve(TestRequests.query(name, Type.A), w));
        Message m = w.await(10, TimeUnit.SECONDS);
        assertNotNull(m, "a reply within 10s");
        return m;
    }

    @Test
    void dotWithTheTestCaCheckingTheIpAddress() throws Exception {
        dot.clearQueries();
        Handler h = forward("forward . tls://127.0.0.1:" + dot.port() + " {\n    tls " + server.certPem() + "\n}");
        for (int i = 0; i < 3; i++) {
            assertEquals("192.0.2.1", Fixtures.firstA(ask(h, "t" + i + ".example.org")));
        }
        assertTrue(dot.queries().stream().allMatch(q -> q.via() == Via.TLS));
        assertTrue(Polling.within(Duration.ofSeconds(2), () -> dot.openConnections() == 1),
                "one TLS connection reused: " + dot.openConnections());
    }

    @Test
    void tlsServernameAndPerEndpointNames() throws Exception {
        Handler named = forward("forward . tls://127.0.0.1:" + dot.port() + " {\n    tls " + server.certPem()
                + "\n    tls_servername dns.test\n}");
        assertEquals(Rcode.NOERROR, ask(named, "a.example.org").getRcode());
        Handler perEndpoint = forward("forward . tls://127.0.0.1%dns.test:" + dot.port() + " {\n    tls "
                + server.certPem() + "\n}");
        assertEquals(Rcode.NOERROR, ask(perEndpoint, "b.example.org").getRcode());
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        Handler wrong = forward("forward . tls://127.0.0.1:" + dot.port() + " {\n    tls " + server.certPem()
                + "\n    tls_servername other.test\n    health_check 50ms\n}");
        assertEquals(Rcode.SERVFAIL, ask(wrong, "w.example.org").getRcode());
        dot.clearQueries();
        Handler untrusted = forward("forward . tls://127.0.0.1:" + dot.port() + " {\n    health_check 50ms\n}");
        assertEquals(Rcode.SERVFAIL, ask(untrusted, "u.example.org").getRcode(), "the system CAs do not know it");
        assertEquals(0, dot.queries("u.example.org.").size());
    }

    @Test
    void clientCertificates() throws Exception {
        Handler withCert = forward("forward . tls://127.0.0.1:" + mutual.port() + " {\n    tls " + client.certPem()
                + " " + client.keyPem() + " " + server.certPem() + "\n}");
        assertEquals(Rcode.NOERROR, ask(withCert, "m.example.org").getRcode());
        Handler without = forward("forward . tls://127.0.0.1:" + mutual.port() + " {\n    tls " + server.certPem()
                + "\n    health_check 50ms\n}");
        assertEquals(Rcode.SERVFAIL, ask(without, "n.example.org").getRcode());
    }

    @Test
    void healthChecksGoOverTls() throws Exception {
        ScriptedUpstream flaky = ScriptedUpstream.startTls(server.serverContext(null), false);
        try {
            ForwardHandler h = (ForwardHandler) forward("forward . tls://127.0.0.1:" + flaky.port() + " {\n    tls "
                    + server.certPem() + "\n    health_check 100ms\n}");
            assertEquals(Rcode.NOERROR, ask(h, "h.example.org").getRcode());
            flaky.stop();
            assertEquals(Rcode.SERVFAIL, ask(h, "i.example.org").getRcode());
            assertTrue(Polling.within(Duration.ofSeconds(5), () -> h.upstreams.get(0).down(2)));
            flaky.restart();
            assertTrue(Polling.within(Duration.ofSeconds(5), () -> !h.upstreams.get(0).down(2)));
            assertTrue(flaky.queries(".").stream().allMatch(q -> q.via() == Via.TLS));
            assertTrue(!flaky.queries(".").isEmpty(), "the health check that brought it back");
            assertEquals(Rcode.NOERROR, ask(h, "j.example.org").getRcode());
        } finally {
            flaky.close();
        }
    }

    @Test
    void pemKeyFormats() throws Exception {
        // PKCS#8 as written by the test certificate.
        assertNotNull(kdns.plugin.forward.proxy.TlsSettings.fromArgs(List.of(client.certPem().toString(),
                client.keyPem().toString())));
        Path openssl = Path.of("/usr/bin/openssl");
        if (!Files.isExecutable(openssl)) {
            return; // the traditional formats need openssl to be made
        }
        Path ec = dir.resolve("ec.key");
        Path rsa = dir.resolve("rsa.key");
        run(openssl.toString(), "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", ec.toString());
        run(openssl.toString(), "genrsa", "-traditional", "-out", rsa.toString(), "2048");
        assertTrue(Files.readString(ec).contains("BEGIN EC PRIVATE KEY"));
        assertTrue(Files.readString(rsa).contains("BEGIN RSA PRIVATE KEY"));
        assertEquals("EC", kdns.plugin.forward.proxy.TlsSettingsAccess.key(ec).getAlgorithm());
        assertEquals("RSA", kdns.plugin.forward.proxy.TlsSettingsAccess.key(rsa).getAlgorithm());
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl finished");
        assertEquals(0, p.exitValue(), out);
    }
}
