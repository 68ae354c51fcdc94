package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import kdns.api.tls.PemFiles;
import kdns.testing.upstream.TestCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Hostile clients against bin/kdns's DNS-over-TLS, DNS-over-HTTPS and gRPC listeners at once
 * (DNS over QUIC's are in {@link QuicE2ETest}): truncated frames, over-sized messages, garbage in
 * a {@code dns=} parameter, HTTP methods other than GET and POST, clients that stop halfway or never
 * speak, and bytes that are not the protocol at all. Each gets CoreDNS's answer or a closed
 * connection within a bounded wait (the read timeout is 1s), and afterwards every listener still
 * answers: nothing is left stuck.
 */
@Timeout(180)
class HostileTransportClientsE2ETest {

    private static final int WAIT_MS = 15_000;

    private static byte[] query() throws IOException {
        return Message.newQuery(Record.newRecord(Name.fromString("app.example."), Type.A, DClass.IN)).toWire();
    }

    /** Reads until the server ends the connection; a reset counts as ended too. */
    private static void assertClosedByServer(Socket s, String what) throws IOException {
        s.setSoTimeout(WAIT_MS);
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // whatever the server says before it closes (a TLS alert, an HTTP/2 GOAWAY)
            }
        } catch (SocketException reset) {
            // closed with a reset: as good
        } catch (java.net.SocketTimeoutException stuck) {
            throw new AssertionError(what + ": still open after " + WAIT_MS + " ms", stuck);
        }
    }

    private static SSLSocket tls(int port, SSLContext ctx) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(WAIT_MS);
        s.startHandshake();
        return s;
    }

    @Test
    void badInputOverTlsHttpsAndGrpcIsAnsweredOrClosedAndEveryListenerServesOn(@TempDir Path dir) throws Exception {
        TestCertificate cert = TestCertificate.generate(dir, "server", "dns.test", "dns:dns.test,ip:127.0.0.1");
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, PemFiles.trustManagers(cert.certPem()), null);
        int port = KdnsProcess.freePort();
        int tlsPort = KdnsProcess.freePort();
        int httpsPort = KdnsProcess.freePort();
        int grpcPort = KdnsProcess.freePort();
        String body = "    bind 127.0.0.1\n    timeouts {\n        read 1s\n        idle 2s\n    }\n"
                + "    hosts {\n        10.1.2.3 app.example\n    }\n";
        String tlsLine = "    tls " + cert.certPem() + " " + cert.keyPem() + "\n";
        String corefile = "tls://.:" + tlsPort + " {\n" + tlsLine + body + "}\n"
                + "https://.:" + httpsPort + " {\n" + tlsLine + body + "}\n"
                + "grpc://.:" + grpcPort + " {\n" + body + "}\n"
                + ".:" + port + " {\n" + body + "}\n";
        try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
            byte[] q = query();

            // ---- DNS over TLS ----
            try (Socket raw = new Socket()) {
                raw.connect(new InetSocketAddress("127.0.0.1", tlsPort), 5000);
                assertClosedByServer(raw, "DoT: a client that never handshakes");
            }
            try (SSLSocket s = tls(tlsPort, ctx)) {
                s.getOutputStream().write(new byte[] {0, 100, 1, 2, 3, 4, 5});
                s.getOutputStream().flush();
                assertClosedByServer(s, "DoT: a frame stuck after 5 of 100 octets");
            }
            try (SSLSocket s = tls(tlsPort, ctx)) {
                s.getOutputStream().write(new byte[] {0, 40, 1, 2, 3});
                s.shutdownOutput();
                assertClosedByServer(s, "DoT: a truncated frame and the end of the stream");
            } catch (UnsupportedOperationException sslCannotHalfClose) {
                // SSLSocket may refuse a half close; the stuck frame above covers it
            }
            try (SSLSocket s = tls(tlsPort, ctx)) {
                OutputStream out = s.getOutputStream();
                out.write(new byte[] {(byte) 0xff, (byte) 0xff});
                out.write(new byte[65535]); // the largest frame, all zeros: no question
                out.flush();
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] reply = new byte[in.readUnsignedShort()];
                in.readFully(reply);
                assertEquals(Rcode.FORMERR, new Message(reply).getRcode(), "DoT: the largest frame of garbage is FORMERR");
            }
            try (SSLSocket s = tls(tlsPort, ctx)) {
                s.getOutputStream().write(new byte[] {0, 0});
                s.getOutputStream().flush();
                assertClosedByServer(s, "DoT: a zero length");
            }

            // ---- DNS over HTTPS ----
            HttpClient http = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(5)).build();
            String base = "https://127.0.0.1:" + httpsPort;
            String dns = Base64.getUrlEncoder().withoutPadding().encodeToString(q);
            for (String method : new String[] {"PUT", "DELETE", "PATCH", "OPTIONS"}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/dns-query?dns=" + dns))
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(q)).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(400, r.statusCode(), "DoH: " + method);
            }
            for (String garbage : new String[] {"!!!", "%zz", "AAAA", "=", dns + "====", dns + "&dns=" + dns}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/dns-query?dns="
                        + garbage.replace("%", "%25"))).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(400, r.statusCode(), "DoH: dns=" + garbage);
            }
            HttpResponse<String> big = http.send(HttpRequest.newBuilder(URI.create(base + "/dns-query"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[70_000]))
                    .header("Content-Type", "application/dns-message").timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, big.statusCode(), "DoH: a body over 64 KiB");
            try (SSLSocket s = tls(httpsPort, ctx)) {
                s.getOutputStream().write("GET /dns-query?dns=".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                assertClosedByServer(s, "DoH: a request line that never ends");
            }
            try (Socket raw = new Socket()) {
                raw.connect(new InetSocketAddress("127.0.0.1", httpsPort), 5000);
                assertClosedByServer(raw, "DoH: a client that never handshakes");
            }

            // ---- gRPC ----
            try (Socket raw = new Socket()) {
                raw.connect(new InetSocketAddress("127.0.0.1", grpcPort), 5000);
                raw.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                raw.getOutputStream().flush();
                assertClosedByServer(raw, "gRPC: HTTP/1.1 instead of HTTP/2");
            }
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext()
                    .maxInboundMessageSize(1 << 20).build();
            try {
                StatusRuntimeException tooBig = assertThrows(StatusRuntimeException.class,
                        () -> ClientCalls.blockingUnaryCall(channel, GrpcE2ETest.QUERY,
                                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[70_000]));
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, tooBig.getStatus().getCode(), "gRPC: over 65,535 octets");
                StatusRuntimeException garbage = assertThrows(StatusRuntimeException.class,
                        () -> ClientCalls.blockingUnaryCall(channel, RAW,
                                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[] {0x0a, 0x7f, 1}));
                assertEquals(Status.Code.INTERNAL, garbage.getStatus().getCode(), "gRPC: a protobuf field cut short");
                byte[] answer = ClientCalls.blockingUnaryCall(channel, GrpcE2ETest.QUERY,
                        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), q);
                assertEquals(Rcode.NOERROR, new Message(answer).getRcode(), "gRPC serves on");
            } finally {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }

            // ---- every listener still answers ----
            assertTrue(Kdig.answer(Kdig.ask(port, "app.example", "A")).contains("10.1.2.3"));
            String dot = Kdig.ask(tlsPort, "+tls", "+tls-ca=" + cert.certPem(), "+tls-hostname=dns.test", "app.example", "A");
            assertTrue(Kdig.answer(dot).contains("10.1.2.3"), dot);
            HttpResponse<byte[]> ok = http.send(HttpRequest.newBuilder(URI.create(base + "/dns-query?dns=" + dns))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, ok.statusCode());
            assertEquals(Rcode.NOERROR, new Message(ok.body()).getRcode());
            assertTrue(kdns.process().isAlive());
        }
    }

    /** {@code coredns.dns.DnsService/Query} with the request's protobuf octets as given (malformed on purpose). */
    private static final MethodDescriptor<byte[], byte[]> RAW = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("coredns.dns.DnsService/Query")
            .setRequestMarshaller(new MethodDescriptor.Marshaller<>() {
                @Override
                public InputStream stream(byte[] value) {
                    return new ByteArrayInputStream(value);
                }

                @Override
                public byte[] parse(InputStream stream) {
                    try {
                        return stream.readAllBytes();
                    } catch (IOException e) {
                        throw Status.INTERNAL.withCause(e).asRuntimeException();
                    }
                }
            })
            .setResponseMarshaller(GrpcE2ETest.QUERY.getResponseMarshaller())
            .build();
}
