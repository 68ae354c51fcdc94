package kdns.plugin.standard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import kdns.api.PluginException;
import kdns.api.tls.PemFiles;
import kdns.host.setup.ListenAddress;
import kdns.testing.InProcessServer;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import kdns.testing.upstream.TestCertificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class TlsPluginTest {

    @TempDir
    static Path dir;
    static TestCertificate server;
    static TestCertificate client;

    @BeforeAll
    static void certificates() throws Exception {
        server = TestCertificate.generate(dir, "server", "dns.test", "ip:127.0.0.1,dns:dns.test");
        client = TestCertificate.generate(dir, "client", "client.test", "dns:client.test");
    }

    private static TestController setUp(String corefile) throws PluginException {
        TestController c = TestController.of(corefile);
        new TlsPlugin().setup(c);
        return c;
    }

    private static String message(Exception e) {
        String m = e.getMessage();
        int at = m.indexOf(" - Error during parsing: ");
        return at < 0 ? m : m.substring(at + " - Error during parsing: ".length());
    }

    private static String files() {
        return server.certPem() + " " + server.keyPem();
    }

    @Test
    void certificateAndClientAuthModes() throws Exception {
        TestController plain = setUp("tls " + files());
        assertNotNull(plain.serverTls());
        assertFalse(plain.serverTls().wantClientCertificate());
        assertFalse(plain.serverTls().needClientCertificate());
        Map<String, boolean[]> modes = Map.of("nocert", new boolean[] {false, false},
                "request", new boolean[] {true, false}, "require", new boolean[] {true, true},
                "verify_if_given", new boolean[] {true, false}, "require_and_verify", new boolean[] {true, true});
        for (Map.Entry<String, boolean[]> m : modes.entrySet()) {
            TestController c = setUp("tls " + files() + " " + client.certPem() + " {\n client_auth " + m.getKey() + "\n}");
            assertEquals(m.getValue()[0], c.serverTls().wantClientCertificate(), m.getKey());
            assertEquals(m.getValue()[1], c.serverTls().needClientCertificate(), m.getKey());
        }
    }

    @Test
    void relativeFilesAreTakenFromTheRoot() throws Exception {
        TestController c = TestController.of("tls server.crt server.key");
        c.root(dir.toString());
        new TlsPlugin().setup(c);
        assertNotNull(c.serverTls());
    }

    @Test
    void errorsSayWhatToFix() throws Exception {
        assertTrue(message(assertThrows(PluginException.class, () -> setUp("tls"))).contains("ACME"));
        assertTrue(message(assertThrows(PluginException.class, () -> setUp("tls " + server.certPem())))
                .startsWith("Wrong argument count"));
        assertTrue(message(assertThrows(PluginException.class, () -> setUp("tls a b c d")))
                .startsWith("Wrong argument count"));
        assertEquals("unknown authentication type 'maybe'", message(assertThrows(PluginException.class,
                () -> setUp("tls " + files() + " {\n client_auth maybe\n}"))));
        assertEquals("unknown option 'foo'", message(assertThrows(PluginException.class,
                () -> setUp("tls " + files() + " {\n foo\n}"))));
        assertTrue(message(assertThrows(PluginException.class,
                () -> setUp("tls " + files() + " {\n keylog /tmp/keys\n}"))).contains("keylog"));
        String missing = message(assertThrows(PluginException.class,
                () -> setUp("tls " + dir.resolve("nope.crt") + " " + server.keyPem())));
        assertTrue(missing.contains("nope.crt"), missing);
        Path notAKey = Files.writeString(dir.resolve("bad.key"), "not a key\n");
        String bad = message(assertThrows(PluginException.class, () -> setUp("tls " + server.certPem() + " " + notAKey)));
        assertTrue(bad.contains("bad.key"), bad);
        assertEquals("TLS already configured for this server instance", message(assertThrows(PluginException.class,
                () -> setUp("tls " + files() + "\ntls " + files()))));
    }

    // ---- DNS over TLS through a real listener -------------------------------------------------

    private static SSLContext clientContext(TestCertificate presenting) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(presenting == null ? null : PemFiles.keyManagers(presenting.certPem(), presenting.keyPem()),
                PemFiles.trustManagers(server.certPem()), null);
        return ctx;
    }

    /** One query over a TLS connection offering ALPN {@code alpn}; returns the reply and the protocol agreed. */
    private static Object[] ask(InetSocketAddress at, SSLContext ctx, List<String> alpn) throws IOException {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(at.getAddress(), at.getPort())) {
            s.setSoTimeout(5000);
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(alpn.toArray(new String[0]));
            s.setSSLParameters(p);
            Message q = TestRequests.message("whoami.example.", Type.A, DClass.IN);
            byte[] wire = q.toWire();
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {(byte) (wire.length >>> 8), (byte) wire.length});
            out.write(wire);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] reply = new byte[in.readUnsignedShort()];
            in.readFully(reply);
            return new Object[] {new Message(reply), s.getApplicationProtocol()};
        }
    }

    private static InetSocketAddress tlsAddress(InProcessServer s) {
        for (Map.Entry<ListenAddress, InetSocketAddress> e : s.server().boundAddresses().entrySet()) {
            if (e.getKey().transport().equals("tls")) {
                return new InetSocketAddress("127.0.0.1", e.getValue().getPort());
            }
        }
        throw new AssertionError("no tls listener: " + s.server().boundAddresses());
    }

    @Test
    void dnsOverTlsAnswersAsTheBlockDoesAndNegotiatesDot() throws Exception {
        int metricsPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            metricsPort = free.getLocalPort();
        }
        String corefile = "tls://.:0 {\n bind 127.0.0.1\n prometheus 127.0.0.1:" + metricsPort + "\n tls " + files()
                + "\n whoami\n}\n";
        try (InProcessServer s = InProcessServer.start(corefile)) {
            InetSocketAddress at = tlsAddress(s);
            Object[] dot = ask(at, clientContext(null), List.of("dot"));
            String server = "tls://127.0.0.1:" + at.getPort();
            double counted = 0;
            for (var m : s.metrics().prometheus().scrape()) {
                if (m instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot c
                        && c.getMetadata().getName().equals("coredns_dns_requests")) {
                    for (var d : c.getDataPoints()) {
                        if (server.equals(d.getLabels().get("server")) && "tcp".equals(d.getLabels().get("proto"))) {
                            counted += d.getValue();
                        }
                    }
                }
            }
            assertEquals(1.0, counted, "counted with server=\"" + server + "\", as CoreDNS labels DoT");
            Message reply = (Message) dot[0];
            assertEquals(Rcode.NOERROR, reply.getRcode());
            assertFalse(reply.getSection(Section.ADDITIONAL).isEmpty(), "whoami's records");
            assertEquals("dot", dot[1], "ALPN dot (RFC 7858)");
            Object[] other = ask(at, clientContext(null), List.of("h2"));
            assertEquals(Rcode.NOERROR, ((Message) other[0]).getRcode(), "a client offering only h2 is served");
            assertEquals("", other[1], "without ALPN");
            assertEquals(Rcode.NOERROR, ((Message) ask(at, clientContext(null), List.of())[0]).getRcode());
        }
    }

    @Test
    void requireAndVerifyRefusesClientsWithoutTheRightCertificate() throws Exception {
        String corefile = "tls://.:0 {\n bind 127.0.0.1\n tls " + files() + " " + client.certPem()
                + " {\n  client_auth require_and_verify\n }\n whoami\n}\n";
        try (InProcessServer s = InProcessServer.start(corefile)) {
            InetSocketAddress at = tlsAddress(s);
            assertEquals(Rcode.NOERROR, ((Message) ask(at, clientContext(client), List.of("dot"))[0]).getRcode());
            assertThrows(IOException.class, () -> ask(at, clientContext(null), List.of("dot")), "no certificate");
            assertThrows(IOException.class, () -> ask(at, clientContext(server), List.of("dot")),
                    "a certificate the CA did not issue");
        }
    }

    @Test
    void aClientThatNeverHandshakesIsClosedAfterTheReadTimeout() throws Exception {
        String corefile = "tls://.:0 {\n bind 127.0.0.1\n tls " + files() + "\n timeouts {\n  read 1s\n }\n whoami\n}\n";
        try (InProcessServer s = InProcessServer.start(corefile);
             java.net.Socket raw = new java.net.Socket()) {
            raw.connect(tlsAddress(s), 5000);
            raw.setSoTimeout(10_000);
            assertEquals(-1, raw.getInputStream().read(), "closed by the server, nothing sent");
        }
    }

    @Test
    void garbageInsteadOfAHandshakeClosesTheConnectionAndTheListenerServesOn() throws Exception {
        String corefile = "tls://.:0 {\n bind 127.0.0.1\n tls " + files() + "\n whoami\n}\n";
        try (InProcessServer s = InProcessServer.start(corefile)) {
            InetSocketAddress at = tlsAddress(s);
            try (java.net.Socket raw = new java.net.Socket()) {
                raw.connect(at, 5000);
                raw.setSoTimeout(10_000);
                byte[] q = TestRequests.message("whoami.example.", Type.A, DClass.IN).toWire();
                raw.getOutputStream().write(new byte[] {0, (byte) q.length});
                raw.getOutputStream().write(q);
                byte[] got = raw.getInputStream().readAllBytes();
                assertTrue(got.length < 12, "no DNS reply in the clear, at most a TLS alert: " + got.length);
            } catch (java.net.SocketException reset) {
                // closed with a reset: as good
            }
            assertEquals(Rcode.NOERROR, ((Message) ask(at, clientContext(null), List.of("dot"))[0]).getRcode());
        }
    }
}
