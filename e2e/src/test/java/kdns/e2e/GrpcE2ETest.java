package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import kdns.testing.DnsClient;
import kdns.testing.upstream.TestCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * bin/kdns serving CoreDNS's DNS over gRPC, asked by a grpc-java client in this JVM whose
 * {@code coredns.dns.DnsService/Query} messages are encoded by protobuf-java itself
 * ({@code google.protobuf.BytesValue} has {@code DnsPacket}'s wire form: one bytes field 1): the same
 * answer as plain DNS in the clear and over TLS, CoreDNS's status for a request it cannot unpack, and
 * a certificate replaced on disk served after a reload. This is gRPC, Netty and Guava loaded from the
 * distribution's boot layer.
 */
@Timeout(120)
class GrpcE2ETest {

    /** {@code DnsPacket} as protobuf-java encodes and decodes it. */
    private static final MethodDescriptor.Marshaller<byte[]> PACKET = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] msg) {
            return BytesValue.of(ByteString.copyFrom(msg)).toByteString().newInput();
        }

        @Override
        public byte[] parse(InputStream in) {
            try {
                return BytesValue.parseFrom(in).getValue().toByteArray();
            } catch (IOException e) {
                throw Status.INTERNAL.withCause(e).asRuntimeException();
            }
        }
    };

    static final MethodDescriptor<byte[], byte[]> QUERY = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("coredns.dns.DnsService/Query")
            .setRequestMarshaller(PACKET)
            .setResponseMarshaller(PACKET)
            .build();

    private static byte[] ask(int port, Path trusted, byte[] dns) throws Exception {
        NettyChannelBuilder b = NettyChannelBuilder.forAddress("127.0.0.1", port);
        if (trusted == null) {
            b.usePlaintext();
        } else {
            b.sslContext(GrpcSslContexts.forClient().trustManager(trusted.toFile()).build()).overrideAuthority("dns.test");
        }
        ManagedChannel c = b.build();
        try {
            return ClientCalls.blockingUnaryCall(c, QUERY, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                    dns);
        } finally {
            c.shutdownNow();
            c.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static byte[] query(String name) {
        return Message.newQuery(org.xbill.DNS.Record.newRecord(org.xbill.DNS.Name.fromConstantString(name), Type.A, 1))
                .toWire();
    }

    private static String answer(Message m) {
        return Rcode.string(m.getRcode()) + " " + m.getSection(Section.ANSWER);
    }

    @Test
    void grpcInTheClearAndOverTlsAnswersAsPlainDnsAndReloadServesANewCertificate(@TempDir Path dir) throws Exception {
        TestCertificate first = TestCertificate.generate(dir, "first", "dns.test", "dns:dns.test,ip:127.0.0.1");
        Files.copy(first.certPem(), dir.resolve("server.crt"));
        Files.copy(first.keyPem(), dir.resolve("server.key"));
        int port = KdnsProcess.freePort();
        int clear = KdnsProcess.freePort();
        int tls = KdnsProcess.freePort();
        String hosts = "    hosts {\n        10.1.2.3 app.example\n    }\n";
        String corefile = "grpc://.:" + tls + " {\n    bind 127.0.0.1\n    tls server.crt server.key\n" + hosts + "}\n"
                + "grpc://.:" + clear + " {\n    bind 127.0.0.1\n" + hosts + "}\n"
                + ".:" + port + " {\n    bind 127.0.0.1\n" + hosts + "}\n";
        try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
            assertTrue(kdns.output().contains("grpc://.:" + tls), "the banner names the grpc:// servers: " + kdns.output());
            Message plain = DnsClient.udp(new InetSocketAddress("127.0.0.1", port), "app.example.", Type.A);
            Message inTheClear = new Message(ask(clear, null, query("app.example.")));
            Message overTls = new Message(ask(tls, first.certPem(), query("app.example.")));
            assertTrue(answer(plain).contains("10.1.2.3"), answer(plain));
            assertEquals(answer(plain), answer(inTheClear));
            assertEquals(answer(plain), answer(overTls));

            Status bad = assertThrows(StatusRuntimeException.class, () -> ask(clear, null, new byte[] {1, 2, 3}))
                    .getStatus();
            assertEquals(Status.Code.UNKNOWN, bad.getCode(), "CoreDNS's status for a request it cannot unpack");
            assertEquals(Status.Code.UNAVAILABLE, assertThrows(StatusRuntimeException.class,
                    () -> ask(tls, null, query("app.example."))).getStatus().getCode(), "h2c against TLS");

            TestCertificate second = TestCertificate.generate(dir, "second", "dns.test", "dns:dns.test,ip:127.0.0.1");
            Files.copy(second.certPem(), dir.resolve("server.crt"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(second.keyPem(), dir.resolve("server.key"), StandardCopyOption.REPLACE_EXISTING);
            CommandLine.run("kill", "-USR1", String.valueOf(kdns.process().pid()));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            Message renewed = null;
            while (renewed == null && System.nanoTime() < deadline) {
                try {
                    renewed = new Message(ask(tls, second.certPem(), query("app.example.")));
                } catch (StatusRuntimeException e) {
                    Thread.sleep(100);
                }
            }
            assertTrue(renewed != null, "the new certificate after the reload:\n" + kdns.output());
            assertEquals(answer(plain), answer(renewed));
            assertEquals(Status.Code.UNAVAILABLE, assertThrows(StatusRuntimeException.class,
                    () -> ask(tls, first.certPem(), query("app.example."))).getStatus().getCode(), "the old one is gone");
            assertEquals(answer(plain), answer(new Message(ask(clear, null, query("app.example.")))),
                    "the plaintext listener serves on after the reload");
        }
    }
}
