package kdns.plugin.standard.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import kdns.api.Handler;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.host.server.BlockChain;
import kdns.host.server.GrpcDnsService;
import kdns.host.server.GrpcListener;
import kdns.host.server.QueryProcessor;
import kdns.host.server.ServerTls;
import kdns.host.server.ZoneRouter;
import kdns.host.setup.ListenAddress;
import kdns.testing.InProcessServer;
import kdns.testing.TestRequests;
import kdns.testing.upstream.TestCertificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * grpc:// with the {@code tls} plugin's certificate: grpc-java clients over HTTP/2 in TLS (ALPN h2)
 * get the answer plain DNS gets, client certificates as {@code client_auth} says, and a reload's
 * certificate for new connections.
 */
@Timeout(90)
class GrpcTlsTest {

    @TempDir
    static Path dir;
    static TestCertificate server;
    static TestCertificate client;
    static TestCertificate other;

    @BeforeAll
    static void certificates() throws Exception {
        server = TestCertificate.generate(dir, "server", "dns.test", "ip:127.0.0.1,dns:dns.test");
        client = TestCertificate.generate(dir, "client", "client.test", "dns:client.test");
        other = TestCertificate.generate(dir, "other", "other.test", "ip:127.0.0.1,dns:other.test");
    }

    private static String files() {
        return server.certPem() + " " + server.keyPem();
    }

    private static SslContext clientTls(TestCertificate trusted, TestCertificate presenting) throws Exception {
        SslContextBuilder b = GrpcSslContexts.forClient().trustManager(trusted.certificate());
        if (presenting != null) {
            b.keyManager(presenting.certPem().toFile(), presenting.keyPem().toFile());
        }
        return b.build();
    }

    private static ManagedChannel channel(InetSocketAddress at, SslContext tls) {
        NettyChannelBuilder b = NettyChannelBuilder.forAddress("127.0.0.1", at.getPort());
        if (tls == null) {
            b.usePlaintext();
        } else {
            b.sslContext(tls);
        }
        return b.build();
    }

    private static Message query(ManagedChannel c) throws Exception {
        try {
            Message q = TestRequests.message("whoami.example.", Type.A, DClass.IN);
            return new Message(ClientCalls.blockingUnaryCall(c, GrpcDnsService.QUERY,
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), q.toWire()));
        } finally {
            c.shutdownNow();
            c.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static Status failure(ManagedChannel c) {
        return assertThrows(StatusRuntimeException.class, () -> query(c)).getStatus();
    }

    private static InetSocketAddress bound(InProcessServer s, String transport) {
        for (Map.Entry<ListenAddress, InetSocketAddress> e : s.server().boundAddresses().entrySet()) {
            if (e.getKey().transport().equals(transport)) {
                return new InetSocketAddress("127.0.0.1", e.getValue().getPort());
            }
        }
        throw new AssertionError("no " + transport + " listener: " + s.server().boundAddresses());
    }

    private static Message tcp(InetSocketAddress at) throws Exception {
        try (Socket s = new Socket(at.getAddress(), at.getPort())) {
            s.setSoTimeout(5000);
            byte[] wire = TestRequests.message("whoami.example.", Type.A, DClass.IN).toWire();
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {(byte) (wire.length >>> 8), (byte) wire.length});
            out.write(wire);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] reply = new byte[in.readUnsignedShort()];
            in.readFully(reply);
            return new Message(reply);
        }
    }

    /** whoami's reply without the client's port: the rcode, the address and the transport label. */
    private static String whoami(Message m) {
        StringBuilder b = new StringBuilder(Rcode.string(m.getRcode()));
        for (Record r : m.getSection(Section.ADDITIONAL)) {
            b.append(' ').append(r.getType() == Type.SRV ? r.getName().toString() : r.rdataToString());
        }
        return b.toString();
    }

    @Test
    void grpcOverTlsAnswersAsDnsOverTcpDoes() throws Exception {
        String corefile = "grpc://.:0 {\n tls " + files() + "\n whoami\n}\n.:0 {\n whoami\n}\n";
        try (InProcessServer s = InProcessServer.start(corefile)) {
            Message overGrpc = query(channel(bound(s, "grpc"), clientTls(server, null)));
            assertEquals(Rcode.NOERROR, overGrpc.getRcode());
            assertEquals(whoami(tcp(bound(s, "dns"))), whoami(overGrpc));
            assertTrue(whoami(overGrpc).contains("127.0.0.1") && whoami(overGrpc).contains("_tcp.whoami.example."),
                    whoami(overGrpc));
            assertEquals(Status.Code.UNAVAILABLE, failure(channel(bound(s, "grpc"), null)).getCode(),
                    "h2c against a TLS listener");
            assertEquals(Status.Code.UNAVAILABLE, failure(channel(bound(s, "grpc"), clientTls(other, null))).getCode(),
                    "a client that does not trust the certificate");
        }
    }

    @Test
    void withoutTheTlsPluginGrpcIsPlaintextAsCoreDns() throws Exception {
        try (InProcessServer s = InProcessServer.start("grpc://.:0 {\n whoami\n}\n")) {
            assertEquals(Rcode.NOERROR, query(channel(bound(s, "grpc"), null)).getRcode());
            assertEquals(Status.Code.UNAVAILABLE, failure(channel(bound(s, "grpc"), clientTls(server, null))).getCode());
        }
    }

    @Test
    void requireAndVerifyRefusesClientsWithoutTheRightCertificate() throws Exception {
        String corefile = "grpc://.:0 {\n tls " + files() + " " + client.certPem()
                + " {\n  client_auth require_and_verify\n }\n whoami\n}\n";
        try (InProcessServer s = InProcessServer.start(corefile)) {
            InetSocketAddress at = bound(s, "grpc");
            assertEquals(Rcode.NOERROR, query(channel(at, clientTls(server, client))).getRcode());
            assertEquals(Status.Code.UNAVAILABLE, failure(channel(at, clientTls(server, null))).getCode(),
                    "no certificate");
            assertEquals(Status.Code.UNAVAILABLE, failure(channel(at, clientTls(server, other))).getCode(),
                    "a certificate the CA did not issue");
        }
    }

    /** The certificate the server presented to a new connection. */
    private static String presented(InetSocketAddress at) throws Exception {
        ManagedChannel c = channel(at, GrpcSslContexts.forClient()
                .trustManager(server.certificate(), other.certificate()).build());
        try {
            ClientCall<byte[], byte[]> call = c.newCall(GrpcDnsService.QUERY, CallOptions.DEFAULT);
            java.util.concurrent.CompletableFuture<String> subject = new java.util.concurrent.CompletableFuture<>();
            call.start(new ClientCall.Listener<>() {
                @Override
                public void onHeaders(io.grpc.Metadata headers) {
                    javax.net.ssl.SSLSession session = call.getAttributes().get(io.grpc.Grpc.TRANSPORT_ATTR_SSL_SESSION);
                    try {
                        subject.complete(((X509Certificate) session.getPeerCertificates()[0])
                                .getSubjectX500Principal().getName());
                    } catch (SSLPeerUnverifiedException e) {
                        subject.completeExceptionally(e);
                    }
                }

                @Override
                public void onClose(Status status, io.grpc.Metadata trailers) {
                    subject.complete("closed: " + status);
                }
            }, new io.grpc.Metadata());
            call.sendMessage(TestRequests.message("whoami.example.", Type.A, DClass.IN).toWire());
            call.halfClose();
            call.request(1);
            return subject.get(10, TimeUnit.SECONDS);
        } finally {
            c.shutdownNow();
        }
    }

    @Test
    void aNewCertificateServesNewConnectionsAndTlsCanBeTurnedOnAndOff() throws Exception {
        Handler answer = new Handler() {
            @Override
            public String name() {
                return "answer";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                writer.write(new Message());
                return Rcode.NOERROR;
            }
        };
        QueryProcessor p = new QueryProcessor(new ZoneRouter(List.of(new BlockChain(".", "grpc://.:0", answer, false))),
                (k, t) -> { });
        try (GrpcListener l = new GrpcListener(new InetSocketAddress("127.0.0.1", 0), () -> p,
                new ServerTls(server.serverContext(null), false, false))) {
            l.start();
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", l.address().getPort());
            assertEquals("CN=dns.test", presented(at));
            l.tls(new ServerTls(other.serverContext(null), false, false));
            assertEquals("CN=other.test", presented(at), "the reload's certificate");
            l.tls(null);
            assertEquals(at.getPort(), l.address().getPort());
            assertEquals(Rcode.NOERROR, query(channel(at, null)).getRcode(), "plaintext after the tls plugin went");
            l.tls(new ServerTls(server.serverContext(null), false, false));
            assertEquals("CN=dns.test", presented(at), "TLS again");
        }
    }
}
