package kdns.plugin.standard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import kdns.api.tls.PemFiles;
import kdns.host.setup.ListenAddress;
import kdns.testing.DnsClient;
import kdns.testing.InProcessServer;
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

/**
 * DNS over HTTPS (RFC 8484) through a real {@code https://} listener with the {@code tls} plugin's
 * certificate, asked by the JDK's HTTP client over HTTP/2 and HTTP/1.1, with GET and POST.
 */
class DnsOverHttpsTest {

    @TempDir
    static Path dir;
    static TestCertificate server;
    static TestCertificate client;

    private static final String HOSTS = " hosts {\n  10.1.2.3 app.example\n  2001:db8::3 app.example\n }\n";

    @BeforeAll
    static void certificates() throws Exception {
        server = TestCertificate.generate(dir, "server", "dns.test", "ip:127.0.0.1,dns:dns.test");
        client = TestCertificate.generate(dir, "client", "client.test", "dns:client.test");
    }

    private static String tls() {
        return " tls " + server.certPem() + " " + server.keyPem() + "\n";
    }

    private static SSLContext trusting(TestCertificate presenting) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(presenting == null ? null : PemFiles.keyManagers(presenting.certPem(), presenting.keyPem()),
                PemFiles.trustManagers(server.certPem()), null);
        return ctx;
    }

    private static HttpClient client(HttpClient.Version version, TestCertificate presenting) throws Exception {
        return HttpClient.newBuilder().version(version).sslContext(trusting(presenting))
                .connectTimeout(Duration.ofSeconds(3)).build();
    }

    private static InetSocketAddress address(InProcessServer s, String transport) {
        for (Map.Entry<ListenAddress, InetSocketAddress> e : s.server().boundAddresses().entrySet()) {
            if (e.getKey().transport().equals(transport)) {
                return new InetSocketAddress("127.0.0.1", e.getValue().getPort());
            }
        }
        throw new AssertionError("no " + transport + " listener: " + s.server().boundAddresses());
    }

    private static URI uri(InProcessServer s, String pathAndQuery) {
        return URI.create("https://127.0.0.1:" + address(s, "https").getPort() + pathAndQuery);
    }

    private static byte[] query(String name, int type, int id) {
        Message q = TestRequests.message(name, type, DClass.IN);
        q.getHeader().setID(id);
        return q.toWire();
    }

    private static HttpResponse<byte[]> get(HttpClient c, InProcessServer s, byte[] q) throws Exception {
        return c.send(HttpRequest.newBuilder(uri(s, "/dns-query?dns=" + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(q))).header("Accept", "application/dns-message").timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> post(HttpClient c, InProcessServer s, String path, byte[] q) throws Exception {
        return c.send(HttpRequest.newBuilder(uri(s, path)).header("Content-Type", "application/dns-message")
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofByteArray(q)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The answer section as text, for comparing replies that came different ways. */
    private static String answer(Message m) {
        StringBuilder sb = new StringBuilder();
        m.getSection(Section.ANSWER).forEach(r -> sb.append(r).append('\n'));
        return sb.toString();
    }

    @Test
    void http2AndHttp11GetAndPostAnswerAsPlainDns() throws Exception {
        String corefile = "https://.:0 {\n bind 127.0.0.1\n" + tls() + HOSTS + "}\n.:0 {\n bind 127.0.0.1\n" + HOSTS + "}\n";
        try (InProcessServer s = InProcessServer.start(corefile)) {
            for (int type : new int[] {Type.A, Type.AAAA}) {
                Message plain = DnsClient.udp(address(s, "dns"), "app.example.", type);
                assertEquals(1, plain.getSection(Section.ANSWER).size());
                for (HttpClient.Version v : HttpClient.Version.values()) {
                    HttpClient c = client(v, null);
                    HttpResponse<byte[]> g = get(c, s, query("app.example.", type, 0));
                    assertEquals(200, g.statusCode(), v + " GET");
                    assertEquals(v, g.version(), "ALPN chose " + v);
                    assertEquals("application/dns-message", g.headers().firstValue("content-type").orElseThrow());
                    assertEquals("max-age=3600", g.headers().firstValue("cache-control").orElseThrow(),
                            "the hosts plugin's TTL");
                    Message viaGet = new Message(g.body());
                    assertEquals(0, viaGet.getHeader().getID());
                    assertEquals(answer(plain), answer(viaGet), v + " GET answers as UDP");

                    HttpResponse<byte[]> p = post(c, s, "/dns-query", query("app.example.", type, 999));
                    assertEquals(200, p.statusCode(), v + " POST");
                    Message viaPost = new Message(p.body());
                    assertEquals(999, viaPost.getHeader().getID());
                    assertEquals(answer(plain), answer(viaPost), v + " POST answers as UDP");
                }
            }
            HttpResponse<byte[]> nx = post(client(HttpClient.Version.HTTP_2, null), s, "/dns-query",
                    query("missing.example.", Type.A, 1));
            assertEquals(200, nx.statusCode());
            assertEquals(Rcode.SERVFAIL, new Message(nx.body()).getRcode(), "a DNS error is still HTTP 200");
            assertEquals(Rcode.SERVFAIL, DnsClient.udp(address(s, "dns"), "missing.example.", Type.A).getRcode());
            assertEquals("max-age=5", nx.headers().firstValue("cache-control").orElseThrow());
        }
    }

    @Test
    void badRequestsOverBothVersions() throws Exception {
        String corefile = "https://.:0 {\n bind 127.0.0.1\n" + tls() + HOSTS + "}\n";
        try (InProcessServer s = InProcessServer.start(corefile)) {
            for (HttpClient.Version v : HttpClient.Version.values()) {
                HttpClient c = client(v, null);
                byte[] q = query("app.example.", Type.A, 0);
                assertEquals(404, post(c, s, "/", q).statusCode(), v.toString());
                assertEquals(404, post(c, s, "/dns-query/x", q).statusCode(), v.toString());
                HttpResponse<byte[]> put = c.send(HttpRequest.newBuilder(uri(s, "/dns-query"))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(q)).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(400, put.statusCode(), "CoreDNS answers another method with 400, not 405");
                assertEquals("invalid request\n", new String(put.body(), StandardCharsets.UTF_8));
                assertEquals(400, c.send(HttpRequest.newBuilder(uri(s, "/dns-query?dns=not%20base64!")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode(), v + " garbage dns=");
                assertEquals(400, c.send(HttpRequest.newBuilder(uri(s, "/dns-query?dns=AAAAAAAAAAAAAAAA")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode(), v + " twelve zero octets: no question");
                assertEquals(400, post(c, s, "/dns-query", "no DNS message here".getBytes(StandardCharsets.US_ASCII))
                        .statusCode(), v + " a bad POST body");
                assertEquals(400, post(c, s, "/dns-query", new byte[65_537]).statusCode(), v + " a body over 64 KiB");
                assertEquals(200, post(c, s, "/dns-query", q).statusCode(), v + " still serving");
            }
        }
    }

    @Test
    void theClientIsTheTcpPeerNotAForwardingHeader() throws Exception {
        String corefile = "https://.:0 {\n bind 127.0.0.1\n" + tls() + " whoami\n}\n";
        try (InProcessServer s = InProcessServer.start(corefile)) {
            HttpResponse<byte[]> r = client(HttpClient.Version.HTTP_2, null).send(HttpRequest.newBuilder(
                    uri(s, "/dns-query")).header("Content-Type", "application/dns-message")
                    .header("X-Forwarded-For", "192.0.2.7").header("Forwarded", "for=192.0.2.7")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(query("who.example.", Type.A, 5))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            String records = new Message(r.body()).getSection(Section.ADDITIONAL).toString();
            assertTrue(records.contains("127.0.0.1"), records);
            assertFalse(records.contains("192.0.2.7"), records);
            assertTrue(records.contains("_tcp.who.example."), "DNS over HTTPS is a tcp query: " + records);
        }
    }

    @Test
    void aDroppedQueryIs500() throws Exception {
        String corefile = "https://.:0 {\n bind 127.0.0.1\n" + tls() + " erratic {\n  drop 1\n }\n}\n";
        try (InProcessServer s = InProcessServer.start(corefile)) {
            HttpResponse<byte[]> r = post(client(HttpClient.Version.HTTP_2, null), s, "/dns-query",
                    query("app.example.", Type.A, 1));
            assertEquals(500, r.statusCode());
            assertEquals("No response\n", new String(r.body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void clientCertificatesAreRequiredWhenTheTlsPluginSaysSo() throws Exception {
        String corefile = "https://.:0 {\n bind 127.0.0.1\n tls " + server.certPem() + " " + server.keyPem() + " "
                + client.certPem() + " {\n  client_auth require_and_verify\n }\n" + HOSTS + "}\n";
        try (InProcessServer s = InProcessServer.start(corefile)) {
            byte[] q = query("app.example.", Type.A, 0);
            assertEquals(200, get(client(HttpClient.Version.HTTP_2, client), s, q).statusCode());
            assertThrows(IOException.class, () -> get(client(HttpClient.Version.HTTP_2, null), s, q));
            assertThrows(IOException.class, () -> get(client(HttpClient.Version.HTTP_1_1, server), s, q),
                    "a certificate the CA did not issue");
        }
    }

    @Test
    void alpnOffersH2ThenHttp11AndRefusesOtherProtocols() throws Exception {
        String corefile = "https://.:0 {\n bind 127.0.0.1\n" + tls() + HOSTS + "}\n";
        try (InProcessServer s = InProcessServer.start(corefile)) {
            assertEquals("h2", handshake(s, List.of("http/1.1", "h2")));
            assertEquals("http/1.1", handshake(s, List.of("http/1.1")));
            assertEquals("", handshake(s, List.of()), "no ALPN: HTTP/1.1");
            assertThrows(IOException.class, () -> handshake(s, List.of("dot")), "no_application_protocol, as Go");
        }
    }

    private static String handshake(InProcessServer s, List<String> alpn) throws Exception {
        InetSocketAddress at = address(s, "https");
        try (SSLSocket sock = (SSLSocket) trusting(null).getSocketFactory().createSocket(at.getAddress(), at.getPort())) {
            sock.setSoTimeout(5000);
            SSLParameters p = sock.getSSLParameters();
            p.setApplicationProtocols(alpn.toArray(new String[0]));
            sock.setSSLParameters(p);
            sock.startHandshake();
            return sock.getApplicationProtocol();
        }
    }

    @Test
    void aClientThatStopsMidRequestIsClosedAfterTheReadTimeout() throws Exception {
        String corefile = "https://.:0 {\n bind 127.0.0.1\n" + tls() + " timeouts {\n  read 1s\n  idle 2s\n }\n" + HOSTS + "}\n";
        try (InProcessServer s = InProcessServer.start(corefile)) {
            // HTTP/1.1: the headers never end.
            InetSocketAddress at = address(s, "https");
            try (SSLSocket sock = (SSLSocket) trusting(null).getSocketFactory().createSocket(at.getAddress(), at.getPort())) {
                sock.setSoTimeout(10_000);
                sock.getOutputStream().write("POST /dns-query HTTP/1.1\r\nHost: dns.test\r\nContent-Le"
                        .getBytes(StandardCharsets.US_ASCII));
                sock.getOutputStream().flush();
                long start = System.nanoTime();
                assertEquals(-1, sock.getInputStream().read(), "closed without an answer");
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(ms >= 500 && ms < 5000, "after the 1 s read timeout: " + ms);
            }
            // A connection that never even handshakes.
            try (java.net.Socket raw = new java.net.Socket()) {
                raw.connect(at, 5000);
                raw.setSoTimeout(10_000);
                assertEquals(-1, raw.getInputStream().read());
            }
            // A body that never ends, over HTTP/2 (the stream is reset) and HTTP/1.1 (the connection closed).
            for (HttpClient.Version v : HttpClient.Version.values()) {
                HttpRequest stuck = HttpRequest.newBuilder(uri(s, "/dns-query"))
                        .header("Content-Type", "application/dns-message")
                        .POST(HttpRequest.BodyPublishers.fromPublisher(new HalfABody())).build();
                long start = System.nanoTime();
                ExecutionException e = assertThrows(ExecutionException.class, () -> client(v, null)
                        .sendAsync(stuck, HttpResponse.BodyHandlers.ofByteArray()).get(10, TimeUnit.SECONDS), v.toString());
                assertTrue(e.getCause() instanceof IOException, v + ": " + e.getCause());
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(ms < 6000, v + " ended by the read timeout: " + ms);
            }
            assertEquals(200, get(client(HttpClient.Version.HTTP_2, null), s, query("app.example.", Type.A, 0))
                    .statusCode());
        }
    }

    /** A request body that sends a few octets and then nothing, never completing. */
    private static final class HalfABody implements Flow.Publisher<ByteBuffer> {
        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
            s.onSubscribe(new Flow.Subscription() {
                private boolean sent;

                @Override
                public void request(long n) {
                    if (!sent) {
                        sent = true;
                        s.onNext(ByteBuffer.wrap(new byte[] {0, 1, 1, 0}));
                    }
                }

                @Override
                public void cancel() {
                }
            });
        }
    }

    @Test
    void withoutTheTlsPluginHttpsKeysServePlainHttp() throws Exception {
        try (InProcessServer s = InProcessServer.start("https://.:0 {\n bind 127.0.0.1\n" + HOSTS + "}\n")) {
            HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<byte[]> r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + address(s, "https").getPort() + "/dns-query?dns=" + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(query("app.example.", Type.A, 0)))).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            assertFalse(new Message(r.body()).getSection(Section.ANSWER).isEmpty());
        }
    }

    @Test
    void aReloadServesTheReplacedCertificateOnTheSamePort() throws Exception {
        Path certs = java.nio.file.Files.createTempDirectory(dir, "reload");
        TestCertificate first = TestCertificate.generate(certs, "first", "dns.test", "ip:127.0.0.1");
        java.nio.file.Files.copy(first.certPem(), certs.resolve("server.crt"));
        java.nio.file.Files.copy(first.keyPem(), certs.resolve("server.key"));
        String corefile = "https://.:0 {\n bind 127.0.0.1\n tls " + certs.resolve("server.crt") + " "
                + certs.resolve("server.key") + "\n" + HOSTS + "}\n";
        try (kdns.host.runtime.EmbeddedServer s = kdns.host.runtime.EmbeddedServer.start(() -> corefile, Path.of("."),
                kdns.testing.TestPluginCfg.forClassPath(getClass().getClassLoader()), getClass().getClassLoader(),
                new kdns.host.runtime.DnsServer.Options(2, kdns.host.server.TcpListener.Limits.DEFAULT), Map.of())) {
            URI at = URI.create("https://127.0.0.1:" + s.address().getPort() + "/dns-query");
            HttpRequest ask = HttpRequest.newBuilder(at).header("Content-Type", "application/dns-message")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(query("app.example.", Type.A, 1))).build();
            assertEquals(200, withCa(first).send(ask, HttpResponse.BodyHandlers.ofByteArray()).statusCode());

            TestCertificate second = TestCertificate.generate(certs, "second", "dns.test", "ip:127.0.0.1");
            java.nio.file.Files.copy(second.certPem(), certs.resolve("server.crt"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            java.nio.file.Files.copy(second.keyPem(), certs.resolve("server.key"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            int port = s.address().getPort();
            assertEquals(null, s.reloads().reloadNow());
            assertEquals(port, s.address().getPort(), "the same socket");
            assertEquals(200, withCa(second).send(ask, HttpResponse.BodyHandlers.ofByteArray()).statusCode());
            assertThrows(IOException.class, () -> withCa(first).send(ask, HttpResponse.BodyHandlers.ofByteArray()),
                    "the old certificate is gone");
        }
    }

    private static HttpClient withCa(TestCertificate ca) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, PemFiles.trustManagers(ca.certPem()), null);
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(3)).build();
    }
}
