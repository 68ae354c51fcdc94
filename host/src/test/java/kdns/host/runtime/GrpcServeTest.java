package kdns.host.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import kdns.host.setup.ListenAddress;
import kdns.host.server.GrpcDnsService;
import kdns.host.server.TcpListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** grpc:// keys in a Corefile: served beside dns://, dropped queries, reloads on the same port. */
@Timeout(60)
class GrpcServeTest {

    private static byte[] query(String name) {
        Message q = Message.newQuery(Record.newRecord(Name.fromConstantString(name), Type.A, DClass.IN));
        q.getHeader().setID(77);
        return q.toWire();
    }

    private static Message udp(InetSocketAddress a, byte[] q) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(3000);
            s.send(new DatagramPacket(q, q.length, a));
            byte[] buf = new byte[4096];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            return new Message(java.util.Arrays.copyOf(buf, p.getLength()));
        }
    }

    private static Message grpc(InetSocketAddress a, byte[] q) throws IOException {
        ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", a.getPort()).usePlaintext().build();
        try {
            return new Message(ClientCalls.blockingUnaryCall(c, GrpcDnsService.QUERY,
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), q));
        } finally {
            c.shutdownNow();
        }
    }

    private static InetSocketAddress bound(EmbeddedServer s, String transport) {
        for (Map.Entry<ListenAddress, InetSocketAddress> e : s.server().boundAddresses().entrySet()) {
            if (e.getKey().transport().equals(transport)) {
                return new InetSocketAddress("127.0.0.1", e.getValue().getPort());
            }
        }
        throw new AssertionError("no " + transport + " listener: " + s.server().boundAddresses());
    }

    /** The reply without what differs between two sockets: nothing, for testanswer. */
    private static String body(Message m) {
        return m.getHeader().getRcode() + " " + m.getSection(Section.ANSWER);
    }

    @Test
    void grpcAnswersAsPlainDnsDoes() throws Exception {
        try (EmbeddedServer s = HostTestServers.start(
                "grpc://.:0 {\n    testanswer 3\n}\n.:0 {\n    testanswer 3\n}\n")) {
            Message overGrpc = grpc(bound(s, "grpc"), query("a.example."));
            Message overUdp = udp(bound(s, "dns"), query("a.example."));
            assertEquals(3, overGrpc.getSection(Section.ANSWER).size());
            assertEquals(body(overUdp), body(overGrpc));
            assertEquals(77, overGrpc.getHeader().getID());
        }
    }

    @Test
    void aDroppedQueryComesBackUnanswered() throws Exception {
        try (EmbeddedServer s = HostTestServers.start("grpc://.:0 {\n    testanswer drop\n}\n")) {
            byte[] q = query("a.example.");
            Message back = grpc(bound(s, "grpc"), q);
            assertFalse(back.getHeader().getFlag(Flags.QR));
            assertEquals(new Message(q).toString(), back.toString());
        }
    }

    @Test
    void reloadKeepsThePortAndServesTheNewChain() throws Exception {
        AtomicReference<String> text = new AtomicReference<>("grpc://.:0 {\n    testanswer 1\n}\n");
        try (EmbeddedServer s = EmbeddedServer.start(text::get, Path.of("."), HostTestServers.CFG,
                GrpcServeTest.class.getClassLoader(), new DnsServer.Options(2, TcpListener.Limits.DEFAULT), Map.of())) {
            InetSocketAddress a = bound(s, "grpc");
            assertEquals(1, grpc(a, query("x.example.")).getSection(Section.ANSWER).size());
            text.set("grpc://.:0 {\n    testanswer 4\n}\n");
            assertNull(s.reloads().reloadNow());
            assertEquals(a, bound(s, "grpc"), "same port");
            assertEquals(4, grpc(a, query("x.example.")).getSection(Section.ANSWER).size());
        }
    }
}
