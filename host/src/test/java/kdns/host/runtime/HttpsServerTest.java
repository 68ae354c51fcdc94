package kdns.host.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import kdns.host.server.TcpListener;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * DNS over HTTPS served in the clear (an {@code https://} block without {@code tls}, as CoreDNS
 * serves it), through real sockets: the answers, CoreDNS's status codes for every bad request, the
 * response counter, the timeouts and the connection limit. TLS and HTTP/2 are tested with the
 * {@code tls} plugin in plugin-standard.
 */
class HttpsServerTest {

    private static final String COREFILE = "https://.:0 {\n    testanswer\n}\n";
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    private static byte[] query(String name, int type, int id) {
        Message q = Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
        q.getHeader().setID(id);
        return q.toWire();
    }

    private static URI uri(EmbeddedServer s, String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + s.address().getPort() + pathAndQuery);
    }

    private static String b64(byte[] wire) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(wire);
    }

    private static HttpResponse<byte[]> get(EmbeddedServer s, String pathAndQuery) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri(s, pathAndQuery)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> post(EmbeddedServer s, String path, String contentType, byte[] body)
            throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri(s, path)).timeout(Duration.ofSeconds(5))
                        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static double responses(EmbeddedServer s, String status) {
        String server = s.server().boundAddresses().keySet().iterator().next().toString();
        return s.metrics().counter("coredns_dns_https_responses_total", "", "server", "status")
                .labelValues(server, status).get();
    }

    @Test
    void getAndPostAreAnsweredWithTheChainsReply() throws Exception {
        try (EmbeddedServer s = HostTestServers.start(COREFILE)) {
            assertEquals("https://:0", s.server().boundAddresses().keySet().iterator().next().toString());
            HttpResponse<byte[]> g = get(s, "/dns-query?dns=" + b64(query("app.example.", Type.A, 0)));
            assertEquals(200, g.statusCode());
            assertEquals("application/dns-message", g.headers().firstValue("content-type").orElseThrow());
            assertEquals("max-age=60", g.headers().firstValue("cache-control").orElseThrow(), "the answer's TTL");
            assertEquals(String.valueOf(g.body().length), g.headers().firstValue("content-length").orElseThrow());
            Message reply = new Message(g.body());
            assertEquals(0, reply.getHeader().getID(), "the ID of a GET query is 0 (RFC 8484)");
            assertEquals(Rcode.NOERROR, reply.getRcode());
            assertEquals("10.0.0.1", reply.getSection(Section.ANSWER).get(0).rdataToString());

            HttpResponse<byte[]> p = post(s, "/dns-query", "application/dns-message", query("app.example.", Type.A, 4321));
            assertEquals(200, p.statusCode());
            assertEquals(4321, new Message(p.body()).getHeader().getID(), "the client's ID is kept");
            assertEquals(2.0, responses(s, "200"));
        }
    }

    @Test
    void deferredRepliesAreWaitedFor() throws Exception {
        try (EmbeddedServer s = HostTestServers.start("https://.:0 {\n    testdefer\n}\n")) {
            List<CompletableFuture<HttpResponse<byte[]>>> pending = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                pending.add(CLIENT.sendAsync(HttpRequest.newBuilder(uri(s, "/dns-query?dns="
                        + b64(query("d300.q" + i + ".example.", Type.A, i)))).build(),
                        HttpResponse.BodyHandlers.ofByteArray()));
            }
            for (int i = 0; i < 10; i++) {
                HttpResponse<byte[]> r = pending.get(i).get(5, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode());
                assertEquals(i, new Message(r.body()).getHeader().getID());
            }
        }
    }

    @Test
    void badRequestsGetCoreDnsStatusCodes() throws Exception {
        try (EmbeddedServer s = HostTestServers.start(COREFILE)) {
            byte[] q = query("app.example.", Type.A, 0);
            assertEquals(404, get(s, "/").statusCode());
            assertEquals(404, get(s, "/dns-query/?dns=" + b64(q)).statusCode());
            assertEquals(404, get(s, "/resolve?dns=" + b64(q)).statusCode());
            assertEquals(404, post(s, "/other", "application/dns-message", q).statusCode());
            // Another method is CoreDNS's 400 "invalid request", not 405.
            HttpResponse<byte[]> put = CLIENT.send(HttpRequest.newBuilder(uri(s, "/dns-query"))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(q)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(400, put.statusCode());
            assertEquals("invalid request\n", new String(put.body(), StandardCharsets.UTF_8));
            assertEquals(400, CLIENT.send(HttpRequest.newBuilder(uri(s, "/dns-query?dns=" + b64(q)))
                    .method("DELETE", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            assertEquals(400, CLIENT.send(HttpRequest.newBuilder(uri(s, "/dns-query?dns=" + b64(q)))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            // GET: no parameter, two, garbage, padding, the standard alphabet, too long.
            assertEquals(400, get(s, "/dns-query").statusCode());
            assertEquals(400, get(s, "/dns-query?name=app.example").statusCode());
            assertEquals(400, get(s, "/dns-query?dns=" + b64(q) + "&dns=" + b64(q)).statusCode());
            assertEquals(400, get(s, "/dns-query?dns=!!!garbage!!!").statusCode());
            assertEquals(400, get(s, "/dns-query?dns=" + Base64.getUrlEncoder().encodeToString(new byte[] {1, 2, 3, 4}))
                    .statusCode(), "padding");
            assertEquals(400, get(s, "/dns-query?dns=" + "A".repeat(87383)).statusCode(), "too long");
            assertEquals(400, get(s, "/dns-query?dns=" + b64(new byte[] {1, 2, 3})).statusCode(), "shorter than a header");
            // Messages CoreDNS's UnpackRequest refuses: a response, an UPDATE, two questions, a cut message.
            Message response = new Message(q);
            response.getHeader().setFlag(org.xbill.DNS.Flags.QR);
            assertEquals(400, get(s, "/dns-query?dns=" + b64(response.toWire())).statusCode(), "a response");
            Message update = new Message(q);
            update.getHeader().setOpcode(Opcode.UPDATE);
            assertEquals(400, post(s, "/dns-query", "application/dns-message", update.toWire()).statusCode());
            byte[] twoQuestions = q.clone();
            twoQuestions[5] = 2;
            assertEquals(400, post(s, "/dns-query", "application/dns-message", twoQuestions).statusCode());
            assertEquals(400, post(s, "/dns-query", "application/dns-message",
                    java.util.Arrays.copyOf(q, q.length - 3)).statusCode(), "a cut message");
            assertEquals(400, post(s, "/dns-query", "application/dns-message", new byte[0]).statusCode());
            // CoreDNS does not look at the content type of a POST.
            assertEquals(200, post(s, "/dns-query", "text/plain", q).statusCode());
            // A body over 64 KiB.
            HttpResponse<byte[]> big = post(s, "/dns-query", "application/dns-message", new byte[70_000]);
            assertEquals(400, big.statusCode());
            assertEquals(4.0, responses(s, "404"));
            assertEquals(16.0, responses(s, "400"), "every 400 counted");
            // The server still answers.
            assertEquals(200, get(s, "/dns-query?dns=" + b64(q)).statusCode());
        }
    }

    @Test
    void theLongestGetQueryFitsAndALargeReplyIsWhole() throws Exception {
        try (EmbeddedServer s = HostTestServers.start("https://.:0 {\n    testanswer 2000\n}\n")) {
            Message q = new Message(query("big.example.", Type.A, 0));
            // A large (local use, not echoed) EDNS option makes a 40,000-octet query: its parameter is
            // 53,000 characters, beyond the request line limits of most HTTP servers.
            q.addRecord(new org.xbill.DNS.OPTRecord(65535, 0, 0, 0, List.of(
                    new org.xbill.DNS.GenericEDNSOption(65001, new byte[40_000]))), Section.ADDITIONAL);
            HttpResponse<byte[]> r = get(s, "/dns-query?dns=" + b64(q.toWire()));
            assertEquals(200, r.statusCode());
            assertEquals(2000, new Message(r.body()).getSection(Section.ANSWER).size(), "not truncated");
        }
    }

    private static String rawRequest(String target, String extra) {
        return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
    }

    @Test
    void aClientThatStopsMidRequestIsClosedAfterTheReadTimeout() throws Exception {
        try (EmbeddedServer s = HostTestServers.start(COREFILE, HostTestServers.shortTimeouts(100));
             Socket sock = new Socket()) {
            sock.connect(s.address(), 2000);
            sock.setSoTimeout(5000);
            sock.getOutputStream().write("GET /dns-query?dns=AAAB HTTP/1.1\r\nHost: 12".getBytes(StandardCharsets.US_ASCII));
            sock.getOutputStream().flush();
            long start = System.nanoTime();
            assertEquals(-1, sock.getInputStream().read(), "closed without an answer");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms >= 300 && ms < 3000, "after the 500 ms read timeout: " + ms);
        }
    }

    @Test
    void aKeptAliveConnectionIsClosedAfterTheIdleTimeoutAndASlowSecondRequestAfterTheReadTimeout() throws Exception {
        TcpListener.Limits limits = new TcpListener.Limits(Duration.ofMillis(500), Duration.ofMillis(1500), 100);
        try (EmbeddedServer s = HostTestServers.start(COREFILE, limits)) {
            byte[] q = query("app.example.", Type.A, 0);
            try (Socket sock = new Socket()) {
                sock.connect(s.address(), 2000);
                sock.setSoTimeout(5000);
                OutputStream out = sock.getOutputStream();
                out.write(rawRequest("/dns-query?dns=" + b64(q), "").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String head = readHead(sock.getInputStream());
                assertTrue(head.startsWith("HTTP/1.1 200"), head);
                long start = System.nanoTime();
                assertEquals(-1, skipToEnd(sock.getInputStream()), "closed when idle");
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(ms >= 1000 && ms < 4000, "after the 1.5 s idle timeout: " + ms);
            }
            try (Socket sock = new Socket()) {
                sock.connect(s.address(), 2000);
                sock.setSoTimeout(5000);
                OutputStream out = sock.getOutputStream();
                out.write(rawRequest("/dns-query?dns=" + b64(q), "").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertTrue(readHead(sock.getInputStream()).startsWith("HTTP/1.1 200"));
                Thread.sleep(200);
                out.write("GET /dns-query HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                long start = System.nanoTime();
                assertEquals(-1, skipToEnd(sock.getInputStream()), "the unfinished second request");
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(ms < 1300, "the read timeout, not the idle one: " + ms);
            }
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (EmbeddedServer s = HostTestServers.start("https://.:0 {\n    testdefer\n}\n");
             Socket sock = new Socket()) {
            sock.connect(s.address(), 2000);
            sock.setSoTimeout(5000);
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                // The first waits longest: the answers must still come in request order.
                all.append(rawRequest("/dns-query?dns=" + b64(query("d" + (300 - i * 100) + ".example.", Type.A, i + 1)), ""));
            }
            sock.getOutputStream().write(all.toString().getBytes(StandardCharsets.US_ASCII));
            sock.getOutputStream().flush();
            InputStream in = sock.getInputStream();
            for (int i = 0; i < 3; i++) {
                String head = readHead(in);
                assertTrue(head.startsWith("HTTP/1.1 200"), head);
                int length = Integer.parseInt(head.replaceAll("(?is).*content-length: (\\d+).*", "$1"));
                byte[] body = in.readNBytes(length);
                assertEquals(i + 1, new Message(body).getHeader().getID());
            }
        }
    }

    @Test
    void connectionsOverTheLimitWaitToBeAccepted() throws Exception {
        TcpListener.Limits limits = new TcpListener.Limits(Duration.ofSeconds(3), Duration.ofSeconds(10), 2);
        try (EmbeddedServer s = HostTestServers.start(COREFILE, limits)) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Socket c = new Socket();
                    c.connect(s.address(), 2000);
                    held.add(c);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (s.server().openTcpConnections() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                CompletableFuture<HttpResponse<byte[]>> third = CLIENT.sendAsync(HttpRequest.newBuilder(
                        uri(s, "/dns-query?dns=" + b64(query("app.example.", Type.A, 0)))).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                Thread.sleep(500);
                assertTrue(!third.isDone(), "waits while two connections are open");
                assertEquals(2, s.server().openTcpConnections());
                held.remove(0).close();
                assertEquals(200, third.get(5, TimeUnit.SECONDS).statusCode(), "accepted once one closed");
            } finally {
                for (Socket c : held) {
                    c.close();
                }
            }
        }
    }

    @Test
    void aReplyEqualsTheOneOverUdp() throws Exception {
        try (EmbeddedServer s = HostTestServers.start(COREFILE + ".:0 {\n    testanswer\n}\n")) {
            InetSocketAddress udp = null;
            for (var e : s.server().boundAddresses().entrySet()) {
                if (e.getKey().transport().equals("dns")) {
                    udp = e.getValue();
                }
            }
            byte[] q = query("app.example.", Type.A, 77);
            HttpResponse<byte[]> r = post(s, "/dns-query", "application/dns-message", q);
            try (java.net.DatagramSocket d = new java.net.DatagramSocket()) {
                d.setSoTimeout(3000);
                d.send(new java.net.DatagramPacket(q, q.length, new InetSocketAddress("127.0.0.1", udp.getPort())));
                byte[] buf = new byte[4096];
                java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
                d.receive(p);
                assertArrayEquals(java.util.Arrays.copyOf(buf, p.getLength()), r.body());
            }
        }
    }

    /** The status line and headers of one response. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            sb.append((char) c);
            if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return sb.toString();
    }

    /** Reads until the server closes; -1 then. */
    private static int skipToEnd(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        while (in.read(buf) >= 0) {
            // the body of the last response
        }
        return -1;
    }

    @Test
    void aReloadSwapsTheChainOnTheSameSocket() throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> text = new java.util.concurrent.atomic.AtomicReference<>(
                "https://.:0 {\n    testanswer 1\n}\n");
        try (EmbeddedServer s = EmbeddedServer.start(text::get, java.nio.file.Path.of("."), HostTestServers.CFG,
                getClass().getClassLoader(), new DnsServer.Options(2, TcpListener.Limits.DEFAULT), java.util.Map.of())) {
            byte[] q = query("app.example.", Type.A, 0);
            assertEquals(1, new Message(post(s, "/dns-query", "application/dns-message", q).body())
                    .getSection(Section.ANSWER).size());
            int port = s.address().getPort();
            text.set("https://.:0 {\n    testanswer 3\n}\n");
            assertEquals(null, s.reloads().reloadNow());
            assertEquals(port, s.address().getPort(), "the same socket");
            assertEquals(3, new Message(post(s, "/dns-query", "application/dns-message", q).body())
                    .getSection(Section.ANSWER).size());
        }
    }
}
