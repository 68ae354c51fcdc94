package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import kdns.api.tls.PemFiles;
import kdns.testing.upstream.DoqClient;
import kdns.testing.upstream.TestCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * bin/kdns serving DNS over QUIC (RFC 9250), asked by a Netty QUIC client (this machine's kdig
 * 3.2.6 lists {@code +quic} but is built without QUIC and falls back to TCP): the same answer as
 * kdig over UDP from the same records, a query whose ID is not 0 closing the connection with
 * {@code DOQ_PROTOCOL_ERROR}, truncated and slow streams closing it too while the server serves
 * on, a client without the required certificate refused, and a certificate replaced on disk served
 * after a reload.
 */
class QuicE2ETest {

    private static Message query(String name, int id) throws IOException {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
        q.getHeader().setID(id);
        return q;
    }

    private static DoqClient connect(int port, TestCertificate trusted, TestCertificate presenting) throws IOException {
        TrustManager trust = PemFiles.trustManagers(trusted.certPem())[0];
        KeyManager key = presenting == null ? null : PemFiles.keyManagers(presenting.certPem(), presenting.keyPem())[0];
        return DoqClient.connect(new InetSocketAddress("127.0.0.1", port), trust, key);
    }

    private static void assertProtocolError(DoqClient doq) {
        QuicConnectionCloseEvent closed = doq.closed(10);
        assertNotNull(closed, "the server closed the connection");
        assertTrue(closed.isApplicationClose(), closed.toString());
        assertEquals(0x2, closed.error(), "DOQ_PROTOCOL_ERROR: " + closed);
    }

    @Test
    void aDoqClientGetsThePlainAnswerAndReloadServesANewCertificate(@TempDir Path dir) throws Exception {
        TestCertificate first = TestCertificate.generate(dir, "first", "dns.test", "dns:dns.test,ip:127.0.0.1");
        Files.copy(first.certPem(), dir.resolve("server.crt"));
        Files.copy(first.keyPem(), dir.resolve("server.key"));
        int port = KdnsProcess.freePort();
        int quicPort = KdnsProcess.freePort();
        String corefile = "quic://.:" + quicPort + " {\n    bind 127.0.0.1\n    tls server.crt server.key\n"
                + "    timeouts {\n        read 1s\n    }\n"
                + "    hosts {\n        10.1.2.3 app.example\n        10.1.2.4 app.example\n    }\n}\n"
                + ".:" + port + " {\n    bind 127.0.0.1\n    hosts {\n        10.1.2.3 app.example\n"
                + "        10.1.2.4 app.example\n    }\n}\n";
        try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
            String plain = Kdig.ask(port, "app.example", "A");
            try (DoqClient doq = connect(quicPort, first, null)) {
                Message reply = new Message(doq.query(query("app.example.", 0).toWire()));
                assertEquals(Rcode.NOERROR, reply.getRcode());
                assertEquals(0, reply.getHeader().getID());
                StringBuilder answer = new StringBuilder();
                for (Record r : reply.getSection(Section.ANSWER)) {
                    answer.append(r.toString().replaceAll("\\s+", " ")).append('\n');
                }
                assertEquals(Kdig.answer(plain), answer.toString(), "the same answer over QUIC as over UDP");
                assertTrue(answer.toString().contains("10.1.2.3"), answer.toString());

                byte[] refused = doq.exchange(DoqClient.framed(query("app.example.", 4711).toWire()), true);
                assertArrayEquals(new byte[0], refused, "a query with ID 4711 gets no answer");
                assertProtocolError(doq);
            }
            try (DoqClient doq = connect(quicPort, first, null)) {
                byte[] framed = DoqClient.framed(query("app.example.", 0).toWire());
                assertArrayEquals(new byte[0], doq.exchange(java.util.Arrays.copyOf(framed, 7), false),
                        "a stream stuck halfway gets nothing");
                assertProtocolError(doq); // after the 1s read timeout
            }
            try (DoqClient doq = connect(quicPort, first, null)) {
                assertArrayEquals(new byte[0], doq.exchange(new byte[] {0, 40, 1, 2}, true), "a truncated frame");
                assertProtocolError(doq);
            }

            TestCertificate second = TestCertificate.generate(dir, "second", "dns.test", "dns:dns.test,ip:127.0.0.1");
            Files.copy(second.certPem(), dir.resolve("server.crt"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(second.keyPem(), dir.resolve("server.key"), StandardCopyOption.REPLACE_EXISTING);
            CommandLine.run("kill", "-USR1", String.valueOf(kdns.process().pid()));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            Integer rcode = null;
            while (rcode == null && System.nanoTime() < deadline) {
                Thread.sleep(100);
                try (DoqClient doq = connect(quicPort, second, null)) {
                    rcode = new Message(doq.query(query("app.example.", 0).toWire())).getRcode();
                } catch (IOException notYet) {
                    // still the first certificate
                }
            }
            assertEquals(Rcode.NOERROR, rcode, "the new certificate after the reload");
            assertThrows(IOException.class, () -> connect(quicPort, first, null).close(), "the old one is gone");
        }
    }

    @Test
    void aClientWithoutTheRequiredCertificateIsRefused(@TempDir Path dir) throws Exception {
        TestCertificate server = TestCertificate.generate(dir, "server", "dns.test", "dns:dns.test,ip:127.0.0.1");
        TestCertificate client = TestCertificate.generate(dir, "client", "client.test", "dns:client.test");
        int port = KdnsProcess.freePort();
        int quicPort = KdnsProcess.freePort();
        String corefile = "quic://.:" + quicPort + " {\n    bind 127.0.0.1\n    tls " + server.certPem() + " "
                + server.keyPem() + " " + client.certPem() + " {\n        client_auth require_and_verify\n    }\n"
                + "    whoami\n}\n.:" + port + " {\n    bind 127.0.0.1\n    whoami\n}\n";
        try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
            assertThrows(IOException.class, () -> {
                try (DoqClient doq = connect(quicPort, server, null)) {
                    doq.query(query("whoami.example.", 0).toWire());
                }
            });
            try (DoqClient doq = connect(quicPort, server, client)) {
                Message reply = new Message(doq.query(query("whoami.example.", 0).toWire()));
                assertEquals(Rcode.NOERROR, reply.getRcode());
                assertFalse(reply.getSection(Section.ADDITIONAL).isEmpty(), "whoami's records");
                assertTrue(reply.getSection(Section.ADDITIONAL).toString().contains("_udp"),
                        "whoami says udp for QUIC, as CoreDNS's request.Proto(): " + reply);
            }
        }
    }
}
