package kdns.plugin.forward.grpc;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import kdns.api.grpc.DnsPacket;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A {@code DnsService/Query} upstream on 127.0.0.1 for the tests, answering A queries from a map
 * (names it does not know are NXDOMAIN); {@code notfound.} is answered with gRPC's NOT_FOUND status,
 * {@code broken.} with INTERNAL, {@code wrong.} with a reply for another name.
 */
final class GrpcTestServer implements AutoCloseable {

    final Map<String, String> answers = new ConcurrentHashMap<>();
    final AtomicInteger queries = new AtomicInteger();
    private final Server server;

    private GrpcTestServer(SSLContext tls, boolean needClientCertificate) throws IOException {
        ServerServiceDefinition service = ServerServiceDefinition.builder(DnsPacket.SERVICE)
                .addMethod(DnsPacketCodec.QUERY, ServerCalls.asyncUnaryCall((byte[] req, io.grpc.stub.StreamObserver<byte[]> out) -> {
                    queries.incrementAndGet();
                    try {
                        Message q = new Message(req);
                        String name = q.getQuestion().getName().toString();
                        switch (name) {
                            case "notfound." -> out.onError(Status.NOT_FOUND.asRuntimeException());
                            case "broken." -> out.onError(Status.INTERNAL.asRuntimeException());
                            default -> {
                                out.onNext(answer(q, name).toWire());
                                out.onCompleted();
                            }
                        }
                    } catch (IOException e) {
                        out.onError(Status.INVALID_ARGUMENT.asRuntimeException());
                    }
                }))
                .build();
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service);
        if (tls != null) {
            b.sslContext(new JdkSslContext(tls, false, null, IdentityCipherSuiteFilter.INSTANCE,
                    new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "h2"),
                    needClientCertificate ? ClientAuth.REQUIRE : ClientAuth.NONE, null, false));
        }
        server = b.build().start();
    }

    static GrpcTestServer start() throws IOException {
        return new GrpcTestServer(null, false);
    }

    static GrpcTestServer startTls(SSLContext tls) throws IOException {
        return new GrpcTestServer(tls, false);
    }

    /** TLS that requires a client certificate the context trusts. */
    static GrpcTestServer startMutualTls(SSLContext tls) throws IOException {
        return new GrpcTestServer(tls, true);
    }

    private Message answer(Message q, String name) throws IOException {
        Message m = new Message(q.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.RD);
        Record question = q.getQuestion();
        if (name.equals("wrong.")) {
            question = Record.newRecord(Name.fromString("other."), question.getType(), question.getDClass());
        }
        m.addRecord(question, Section.QUESTION);
        String ip = answers.get(name);
        if (ip == null) {
            m.getHeader().setRcode(Rcode.NXDOMAIN);
        } else {
            m.addRecord(new ARecord(Name.fromString(name), 1, 30, java.net.InetAddress.getByName(ip)), Section.ANSWER);
        }
        return m;
    }

    int port() {
        return server.getPort();
    }

    String addr() {
        return "127.0.0.1:" + port();
    }

    /** A port nothing listens on (bound once, then released). */
    static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
