package kdns.plugin.standard.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import kdns.api.tls.PemFiles;
import kdns.host.corefile.CorefileException;
import kdns.host.setup.ListenAddress;
import kdns.testing.DnsClient;
import kdns.testing.InProcessServer;
import kdns.testing.upstream.DoqClient;
import kdns.testing.upstream.TestCertificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * DNS over QUIC (RFC 9250) through a real {@code quic://} listener and a Netty QUIC client: the
 * block's answers, ALPN {@code doq}, CoreDNS's protocol errors (which close the connection with
 * {@code DOQ_PROTOCOL_ERROR}), client certificates, the {@code quic} plugin's stream limit and the
 * responses counter.
 */
class DnsOverQuicTest {

    @TempDir
    static Path dir;
    static TestCertificate server;
    static TestCertificate client;

    @BeforeAll
    static void certificates() throws Exception {
        server = TestCertificate.generate(dir, "server", "dns.test", "ip:127.0.0.1,dns:dns.test");
        client = TestCertificate.generate(dir, "client", "client.test", "dns:client.test");
    }

    private static String tls() {
        return "tls " + server.certPem() + " " + server.keyPem();
    }

    private static String block(String extra) {
        return "quic://example.org:0 example.org:0 {\n bind 127.0.0.1\n " + tls() + "\n" + extra
                + " hosts {\n  10.0.0.1 a.example.org\n  10.0.0.2 a.example.org\n }\n}\n";
    }

    private static InetSocketAddress address(InProcessServer s, String transport) {
        for (Map.Entry<ListenAddress, InetSocketAddress> e : s.server().boundAddresses().entrySet()) {
            if (e.getKey().transport().equals(transport)) {
                return new InetSocketAddress("127.0.0.1", e.getValue().getPort());
            }
        }
        throw new AssertionError("no " + transport + " listener: " + s.server().boundAddresses());
    }

    private static DoqClient connect(InProcessServer s, TestCertificate presenting) throws IOException {
        TrustManager trust = PemFiles.trustManagers(server.certPem())[0];
        KeyManager key = presenting == null ? null : PemFiles.keyManagers(presenting.certPem(), presenting.keyPem())[0];
        return DoqClient.connect(address(s, "quic"), trust, key);
    }

    /** A query with ID 0, as RFC 9250 requires. */
    private static Message query(String name, int type) throws IOException {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        q.getHeader().setID(0);
        return q;
    }

    @Test
    void answersAsTheBlockDoesOverUdpWithIdZero() throws Exception {
        try (InProcessServer s = InProcessServer.start(block(""));
             DoqClient doq = connect(s, null)) {
            Message overQuic = new Message(doq.query(query("a.example.org.", Type.A).toWire()));
            Message overUdp = DnsClient.udp(address(s, "dns"), query("a.example.org.", Type.A));
            assertEquals(0, overQuic.getHeader().getID(), "the reply keeps ID 0");
            assertEquals(Rcode.NOERROR, overQuic.getRcode());
            assertEquals(2, overQuic.getSection(Section.ANSWER).size());
            assertEquals(overUdp.getSection(Section.ANSWER), overQuic.getSection(Section.ANSWER));
            // several queries on one connection, one stream each
            Message second = new Message(doq.query(query("b.example.org.", Type.A).toWire()));
            assertEquals(DnsClient.udp(address(s, "dns"), query("b.example.org.", Type.A)).getRcode(), second.getRcode());
            assertTrue(doq.open());
        }
    }

    @Test
    void aNonZeroIdClosesTheConnectionWithProtocolErrorAndIsCounted() throws Exception {
        int metricsPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            metricsPort = free.getLocalPort();
        }
        try (InProcessServer s = InProcessServer.start(block(" prometheus 127.0.0.1:" + metricsPort + "\n"))) {
            try (DoqClient doq = connect(s, null)) {
                assertEquals(Rcode.NOERROR, new Message(doq.query(query("a.example.org.", Type.A).toWire())).getRcode());
                Message q = query("a.example.org.", Type.A);
                q.getHeader().setID(4242);
                byte[] got = doq.exchange(DoqClient.framed(q.toWire()), true);
                assertEquals(0, got.length, "no reply");
                assertProtocolError(doq);
            }
            try (DoqClient doq = connect(s, null)) {
                assertEquals(Rcode.NOERROR, new Message(doq.query(query("a.example.org.", Type.A).toWire())).getRcode(),
                        "the listener serves on");
            }
            String label = "quic://127.0.0.1:" + address(s, "quic").getPort();
            assertEquals(2.0, counted(s, label, "0x0"), "two streams answered");
            assertEquals(1.0, counted(s, label, "0x2"), "one protocol error");
        }
    }

    private static double counted(InProcessServer s, String server, String status) {
        double n = 0;
        for (var m : s.metrics().prometheus().scrape()) {
            if (m instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot c
                    && c.getMetadata().getName().equals("coredns_dns_quic_responses")) {
                for (var d : c.getDataPoints()) {
                    if (server.equals(d.getLabels().get("server")) && status.equals(d.getLabels().get("status"))) {
                        n += d.getValue();
                    }
                }
            }
        }
        return n;
    }

    private static void assertProtocolError(DoqClient doq) {
        QuicConnectionCloseEvent closed = doq.closed(10);
        assertNotNull(closed, "the server closed the connection");
        assertTrue(closed.isApplicationClose(), closed.toString());
        assertEquals(0x2, closed.error(), "DOQ_PROTOCOL_ERROR: " + closed);
    }

    @Test
    void malformedStreamsCloseTheConnectionWithProtocolError() throws Exception {
        byte[] good = query("a.example.org.", Type.A).toWire();
        byte[] cut = new byte[good.length - 3];
        System.arraycopy(DoqClient.framed(good), 0, cut, 0, cut.length);
        Message keepalive = query("a.example.org.", Type.A);
        keepalive.addRecord(new OPTRecord(1232, 0, 0, 0,
                List.of(new GenericEDNSOption(EDNSOption.Code.TCP_KEEPALIVE, new byte[0]))), Section.ADDITIONAL);
        Message response = query("a.example.org.", Type.A);
        response.getHeader().setFlag(org.xbill.DNS.Flags.QR);
        byte[][] streams = {
            {0, 0}, // a length of 0: a draft version without the prefix
            cut, // the stream ends before the announced length
            {(byte) 0xff, (byte) 0xff, 1, 2, 3}, // announces 65535 octets, sends 3
            DoqClient.framed(new byte[] {0, 0, 1}), // shorter than a header
            DoqClient.framed(new byte[] {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 9, 9, 9}), // does not parse
            DoqClient.framed(keepalive.toWire()), // edns-tcp-keepalive is forbidden over QUIC
            DoqClient.framed(response.toWire()), // a response, not a query
            good, // no length prefix at all (draft DoQ): reads as a wrong length
        };
        try (InProcessServer s = InProcessServer.start(block(""))) {
            for (int i = 0; i < streams.length; i++) {
                try (DoqClient doq = connect(s, null)) {
                    assertArrayEquals(new byte[0], doq.exchange(streams[i], true), "stream " + i + ": no reply");
                    assertProtocolError(doq);
                }
            }
            try (DoqClient doq = connect(s, null)) {
                assertEquals(Rcode.NOERROR, new Message(doq.query(query("a.example.org.", Type.A).toWire())).getRcode());
            }
        }
    }

    @Test
    void aStreamWhoseQueryDoesNotArriveWithinTheReadTimeoutClosesTheConnection() throws Exception {
        try (InProcessServer s = InProcessServer.start(block(" timeouts {\n  read 1s\n }\n"));
             DoqClient doq = connect(s, null)) {
            byte[] framed = DoqClient.framed(query("a.example.org.", Type.A).toWire());
            byte[] half = java.util.Arrays.copyOf(framed, 5);
            assertArrayEquals(new byte[0], doq.exchange(half, false), "no reply to half a query");
            assertProtocolError(doq);
        }
    }

    @Test
    void repliesAreFittedToTheClientsUdpSizeAsCoreDnsDoes() throws Exception {
        StringBuilder many = new StringBuilder(" hosts {\n");
        for (int i = 1; i <= 60; i++) {
            many.append("  10.0.1.").append(i).append(" big.example.org\n");
        }
        many.append(" }\n");
        String corefile = "quic://example.org:0 {\n bind 127.0.0.1\n " + tls() + "\n" + many + "}\n";
        try (InProcessServer s = InProcessServer.start(corefile);
             DoqClient doq = connect(s, null)) {
            byte[] reply = doq.query(query("big.example.org.", Type.A).toWire());
            Message m = new Message(reply);
            assertTrue(reply.length <= 512, "no EDNS0: at most 512 octets, as CoreDNS's udp protocol: " + reply.length);
            assertTrue(m.getHeader().getFlag(org.xbill.DNS.Flags.TC), "truncated");
        }
    }

    @Test
    void requireAndVerifyRefusesAClientWithoutCertificate() throws Exception {
        String corefile = "quic://example.org:0 {\n bind 127.0.0.1\n " + tls() + " " + client.certPem()
                + " {\n  client_auth require_and_verify\n }\n hosts {\n  10.0.0.1 a.example.org\n }\n}\n";
        try (InProcessServer s = InProcessServer.start(corefile)) {
            try (DoqClient doq = connect(s, client)) {
                assertEquals(Rcode.NOERROR, new Message(doq.query(query("a.example.org.", Type.A).toWire())).getRcode());
            }
            IOException refused = assertThrows(IOException.class, () -> {
                try (DoqClient doq = connect(s, null)) {
                    doq.query(query("a.example.org.", Type.A).toWire());
                }
            });
            assertNotNull(refused.getMessage());
        }
    }

    @Test
    void theQuicPluginSetsTheStreamsAConnectionMayOpen() throws Exception {
        try (InProcessServer s = InProcessServer.start(block(" quic {\n  max_streams 3\n }\n"));
             DoqClient doq = connect(s, null)) {
            assertEquals(3, doq.allowedStreams());
            for (int i = 0; i < 5; i++) {
                assertEquals(Rcode.NOERROR, new Message(doq.query(query("a.example.org.", Type.A).toWire())).getRcode(),
                        "stream credit comes back as streams finish: query " + i);
            }
        }
        try (InProcessServer s = InProcessServer.start(block(""));
             DoqClient doq = connect(s, null)) {
            assertEquals(256, doq.allowedStreams(), "CoreDNS's DefaultMaxQUICStreams");
        }
    }

    @Test
    void aQuicKeyWithoutTheTlsPluginDoesNotStart() {
        CorefileException e = assertThrows(CorefileException.class,
                () -> InProcessServer.start("quic://.:0 {\n bind 127.0.0.1\n whoami\n}\n").close());
        assertTrue(e.getMessage().contains("DNS over QUIC needs the tls plugin"), e.getMessage());
        assertFalse(e.getMessage().contains("not supported"), e.getMessage());
    }
}
