package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import kdns.testing.upstream.TestCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/kdns serving DNS over TLS, asked by knot's kdig ({@code +tls}): the same answer as plain DNS
 * from the same records, the certificate verified against its CA and name, a client without the
 * required client certificate refused, and a certificate replaced on disk served after a reload.
 */
class DotE2ETest {



    @Test
    void kdigOverTlsGetsThePlainAnswerAndReloadServesANewCertificate(@TempDir Path dir) throws Exception {
        TestCertificate first = TestCertificate.generate(dir, "first", "dns.test", "dns:dns.test,ip:127.0.0.1");
        Files.copy(first.certPem(), dir.resolve("server.crt"));
        Files.copy(first.keyPem(), dir.resolve("server.key"));
        int port = KdnsProcess.freePort();
        int tlsPort = KdnsProcess.freePort();
        String corefile = "tls://.:" + tlsPort + " {\n    bind 127.0.0.1\n    tls server.crt server.key\n"
                + "    hosts {\n        10.1.2.3 app.example\n    }\n}\n"
                + ".:" + port + " {\n    bind 127.0.0.1\n    hosts {\n        10.1.2.3 app.example\n    }\n}\n";
        try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
            String plain = Kdig.ask(port, "app.example", "A");
            String tls = Kdig.ask(tlsPort, "+tls", "+tls-ca=" + first.certPem(), "+tls-hostname=dns.test", "app.example", "A");
            assertTrue(tls.contains("status: NOERROR"), tls);
            assertTrue(tls.contains("TLS"), "kdig reports the TLS session: " + tls);
            assertEquals(Kdig.answer(plain), Kdig.answer(tls), "the same answer over TLS as over UDP");
            assertTrue(Kdig.answer(tls).contains("10.1.2.3"), tls);
            String wrongName = Kdig.ask(tlsPort, "+tls", "+tls-ca=" + first.certPem(), "+tls-hostname=other.test",
                    "app.example", "A");
            assertFalse(wrongName.contains("status: NOERROR"), "a certificate for another name is rejected: " + wrongName);

            TestCertificate second = TestCertificate.generate(dir, "second", "dns.test", "dns:dns.test,ip:127.0.0.1");
            Files.copy(second.certPem(), dir.resolve("server.crt"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(second.keyPem(), dir.resolve("server.key"), StandardCopyOption.REPLACE_EXISTING);
            CommandLine.run("kill", "-USR1", String.valueOf(kdns.process().pid()));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            String renewed;
            do {
                Thread.sleep(100);
                renewed = Kdig.ask(tlsPort, "+tls", "+tls-ca=" + second.certPem(), "+tls-hostname=dns.test", "app.example", "A");
            } while (!renewed.contains("status: NOERROR") && System.nanoTime() < deadline);
            assertTrue(renewed.contains("status: NOERROR"), "the new certificate after the reload: " + renewed);
            String old = Kdig.ask(tlsPort, "+tls", "+tls-ca=" + first.certPem(), "+tls-hostname=dns.test", "app.example", "A");
            assertFalse(old.contains("status: NOERROR"), "the old one is gone: " + old);
        }
    }

    @Test
    void aClientWithoutTheRequiredCertificateIsRefused(@TempDir Path dir) throws Exception {
        TestCertificate server = TestCertificate.generate(dir, "server", "dns.test", "dns:dns.test,ip:127.0.0.1");
        TestCertificate client = TestCertificate.generate(dir, "client", "client.test", "dns:client.test");
        int port = KdnsProcess.freePort();
        int tlsPort = KdnsProcess.freePort();
        String corefile = "tls://.:" + tlsPort + " {\n    bind 127.0.0.1\n    tls " + server.certPem() + " "
                + server.keyPem() + " " + client.certPem() + " {\n        client_auth require_and_verify\n    }\n"
                + "    whoami\n}\n.:" + port + " {\n    bind 127.0.0.1\n    whoami\n}\n";
        try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
            String refused = Kdig.ask(tlsPort, "+tls", "+tls-ca=" + server.certPem(), "+tls-hostname=dns.test",
                    "whoami.example", "A");
            assertFalse(refused.contains("status: NOERROR"), refused);
            // kdig (GnuTLS) loads an EC client key in the SEC1 form only; openssl converts the PKCS#8 one.
            Path sec1 = dir.resolve("client-sec1.key");
            CommandLine.run("openssl", "ec", "-in", client.keyPem().toString(), "-out", sec1.toString());
            String admitted = Kdig.ask(tlsPort, "+tls", "+tls-ca=" + server.certPem(), "+tls-hostname=dns.test",
                    "+tls-certfile=" + client.certPem(), "+tls-keyfile=" + sec1, "whoami.example", "A");
            assertTrue(admitted.contains("status: NOERROR"), admitted);
        }
    }
}
