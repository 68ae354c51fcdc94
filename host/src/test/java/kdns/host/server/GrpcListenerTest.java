package kdns.host.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import kdns.api.Handler;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** grpc:// on 127.0.0.1 with grpc-java clients: answers, CoreDNS's errors, dropped queries, limits. */
@Timeout(60)
class GrpcListenerTest {

    private final List<AutoCloseable> closing = new ArrayList<>();
    private final AtomicReference<Request> seen = new AtomicReference<>();
    /** How to answer the query for {@code held.}, once it came: the test decides when. */
    private final CompletableFuture<Runnable> held = new CompletableFuture<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    /** Answers A queries with 10.0.0.1, drops {@code drop.} and answers {@code later.} from another thread. */
    private final Handler handler = new Handler() {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

        @Override
        public String name() {
            return "test";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) {
            seen.set(request);
            if (request.name().startsWith("drop.")) {
                return Rcode.NOERROR;
            }
            if (request.name().startsWith("held.")) {
                held.complete(() -> writer.write(answer(request)));
                return Handler.DEFERRED;
            }
            if (request.name().startsWith("later.")) {
                timer.schedule(() -> writer.write(answer(request)), 100, TimeUnit.MILLISECONDS);
                return Handler.DEFERRED;
            }
            writer.write(answer(request));
            return Rcode.NOERROR;
        }
    };

    private static Message answer(Request request) {
        Message m = new Message();
        m.getHeader().setFlag(Flags.AA);
        try {
            m.addRecord(new ARecord(request.qname(), DClass.IN, 60,
                    java.net.InetAddress.getByAddress(new byte[] {10, 0, 0, 1})), Section.ANSWER);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return m;
    }

    private GrpcListener listen(int maxConnections) throws IOException {
        return listen(GrpcListener.DEFAULT_MAX_STREAMS, maxConnections);
    }

    private GrpcListener listen(int maxStreams, int maxConnections) throws IOException {
        QueryProcessor p = new QueryProcessor(new ZoneRouter(List.of(
                new BlockChain("example.org.", "grpc://example.org.:0", handler, false))), (k, t) -> { });
        GrpcListener l = new GrpcListener(new InetSocketAddress("127.0.0.1", 0), () -> p, null,
                maxStreams, maxConnections);
        closing.add(l);
        l.start();
        return l;
    }

    private ManagedChannel channel(GrpcListener l) {
        ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", l.address().getPort()).usePlaintext().build();
        closing.add(() -> {
            c.shutdownNow();
            c.awaitTermination(5, TimeUnit.SECONDS);
        });
        return c;
    }

    private static byte[] query(String name, int type) {
        Message q = Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
        q.getHeader().setID(0x1234);
        return q.toWire();
    }

    private static byte[] call(ManagedChannel c, byte[] dns) {
        return ClientCalls.blockingUnaryCall(c, GrpcDnsService.QUERY, CallOptions.DEFAULT.withDeadlineAfter(10,
                TimeUnit.SECONDS), dns);
    }

    private static Status failure(ManagedChannel c, byte[] dns) {
        return assertThrows(StatusRuntimeException.class, () -> call(c, dns)).getStatus();
    }

    /** A client whose request is raw protobuf bytes, to send what no DnsPacket encodes to. */
    private static final MethodDescriptor.Marshaller<byte[]> RAW = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    };

    @Test
    void answersAsTheChainDoesWithTheClientsAddress() throws Exception {
        GrpcListener l = listen(10);
        ManagedChannel c = channel(l);
        Message reply = new Message(call(c, query("www.example.org.", Type.A)));
        assertEquals(0x1234, reply.getHeader().getID());
        assertTrue(reply.getHeader().getFlag(Flags.QR));
        assertEquals(Rcode.NOERROR, reply.getRcode());
        assertEquals("10.0.0.1", ((ARecord) reply.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress());
        Request r = seen.get();
        assertEquals(Transport.GRPC, r.transport());
        assertEquals("127.0.0.1", r.remoteAddress().getAddress().getHostAddress());
        assertTrue(r.remoteAddress().getPort() > 0);
        assertEquals(l.address().getPort(), r.localAddress().getPort());
        assertEquals(Rcode.REFUSED, new Message(call(c, query("www.example.com.", Type.A))).getRcode(),
                "outside the zones: REFUSED, written by the server");
        assertEquals(Rcode.NOERROR, new Message(call(c, query("later.example.org.", Type.A))).getRcode(),
                "an answer written later from another thread");
    }

    @Test
    void aDroppedQueryComesBackAsItWasSent() throws Exception {
        ManagedChannel c = channel(listen(10));
        byte[] q = query("drop.example.org.", Type.A);
        Message reply = new Message(call(c, q));
        assertFalse(reply.getHeader().getFlag(Flags.QR), "CoreDNS's writer still holds the query");
        assertEquals(new Message(q).toString(), reply.toString());
    }

    @Test
    void requestsMiekgWouldNotAcceptFailWithUnknownAsCoreDnsDoes() throws Exception {
        ManagedChannel c = channel(listen(10));
        Status s = failure(c, new byte[] {1, 2, 3});
        assertEquals(Status.Code.UNKNOWN, s.getCode());
        assertEquals("dns: buffer size too small", s.getDescription());
        assertEquals("dns: buffer size too small", failure(c, new byte[0]).getDescription(), "an empty DnsPacket");

        Message response = new Message(query("www.example.org.", Type.A));
        response.getHeader().setFlag(Flags.QR);
        Message update = new Message(query("www.example.org.", Type.A));
        update.getHeader().setOpcode(Opcode.UPDATE);
        byte[] twoQuestions = query("www.example.org.", Type.A);
        twoQuestions[5] = 2;
        for (byte[] rejected : new byte[][] {response.toWire(), update.toWire(), twoQuestions}) {
            s = failure(c, rejected);
            assertEquals(Status.Code.UNKNOWN, s.getCode());
            assertEquals("dns request rejected", s.getDescription());
        }
        byte[] truncated = java.util.Arrays.copyOf(query("www.example.org.", Type.A), 20);
        s = failure(c, truncated);
        assertEquals(Status.Code.UNKNOWN, s.getCode(), "does not unpack");
        assertTrue(s.getDescription().startsWith("dns: "), s.getDescription());
        assertEquals(Rcode.NOERROR, new Message(call(c, query("www.example.org.", Type.A))).getRcode(),
                "the connection serves on");
    }

    @Test
    void sizesAreCoreDnss() throws Exception {
        ManagedChannel c = channel(listen(10));
        byte[] max = new byte[65535];
        byte[] q = query("www.example.org.", Type.A);
        System.arraycopy(q, 0, max, 0, q.length);
        assertEquals(Rcode.NOERROR, new Message(call(c, max)).getRcode(), "65535 bytes, trailing zeros: answered");
        Status s = failure(c, new byte[65536]);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, s.getCode(), "over CoreDNS's maxProtobufPayloadBytes: " + s);
    }

    @Test
    void malformedProtobufIsInternal() throws Exception {
        ManagedChannel c = channel(listen(10));
        MethodDescriptor<byte[], byte[]> raw = GrpcDnsService.QUERY.toBuilder(RAW, RAW).build();
        Status s = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(c, raw,
                CallOptions.DEFAULT, new byte[] {0x0a, 0x40, 1})).getStatus();
        assertEquals(Status.Code.INTERNAL, s.getCode());
        assertTrue(s.getDescription().startsWith("grpc: error unmarshalling request"), s.getDescription());
        MethodDescriptor<byte[], byte[]> other = GrpcDnsService.QUERY.toBuilder()
                .setFullMethodName("coredns.dns.DnsService/Other").build();
        assertEquals(Status.Code.UNIMPLEMENTED, assertThrows(StatusRuntimeException.class,
                () -> call(c, other)).getStatus().getCode());
    }

    private static byte[] call(ManagedChannel c, MethodDescriptor<byte[], byte[]> m) {
        return ClientCalls.blockingUnaryCall(c, m, CallOptions.DEFAULT, query("www.example.org.", Type.A));
    }

    @Test
    void callsBeforeStartWaitForIt() throws Exception {
        QueryProcessor p = new QueryProcessor(new ZoneRouter(List.of(
                new BlockChain("example.org.", "grpc://example.org.:0", handler, false))), (k, t) -> { });
        GrpcListener l = new GrpcListener(new InetSocketAddress("127.0.0.1", 0), () -> p, null);
        closing.add(l);
        ManagedChannel c = channel(l);
        CompletableFuture<byte[]> pending = CompletableFuture.supplyAsync(() -> call(c, query("a.example.org.", Type.A)));
        assertThrows(TimeoutException.class, () -> pending.get(300, TimeUnit.MILLISECONDS));
        l.start();
        assertEquals(Rcode.NOERROR, new Message(pending.get(10, TimeUnit.SECONDS)).getRcode());
    }

    @Test
    void connectionsOverTheLimitWaitUntilOneCloses() throws Exception {
        GrpcListener l = listen(2);
        ManagedChannel a = channel(l);
        ManagedChannel b = channel(l);
        call(a, query("a.example.org.", Type.A));
        call(b, query("b.example.org.", Type.A));
        assertEquals(2, l.openConnections());
        ManagedChannel third = channel(l);
        CompletableFuture<byte[]> pending = CompletableFuture.supplyAsync(() -> call(third, query("c.example.org.", Type.A)));
        assertThrows(TimeoutException.class, () -> pending.get(500, TimeUnit.MILLISECONDS), "waits in the accept queue");
        a.shutdownNow();
        assertEquals(Rcode.NOERROR, new Message(pending.get(10, TimeUnit.SECONDS)).getRcode(), "accepted once one closed");
    }

    @Test
    void maxStreamsBoundsTheCallsInProgressOnOneConnection() throws Exception {
        ManagedChannel c = channel(listen(1, 10)); // grpc_server { max_streams 1 }
        // a thread per call: the common pool may have a single thread on a small machine
        java.util.concurrent.ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        closing.add(threads::shutdownNow);
        CompletableFuture<byte[]> first = CompletableFuture.supplyAsync(
                () -> call(c, query("held.example.org.", Type.A)), threads);
        Runnable answerFirst = held.get(10, TimeUnit.SECONDS);
        CompletableFuture<byte[]> second = CompletableFuture.supplyAsync(
                () -> call(c, query("b.example.org.", Type.A)), threads);
        assertThrows(TimeoutException.class, () -> second.get(500, TimeUnit.MILLISECONDS),
                "the second call waits for the connection's only stream");
        answerFirst.run();
        assertEquals(Rcode.NOERROR, new Message(first.get(10, TimeUnit.SECONDS)).getRcode());
        assertEquals(Rcode.NOERROR, new Message(second.get(10, TimeUnit.SECONDS)).getRcode(), "then it is served");
    }

    @Test
    void closingFreesThePort() throws Exception {
        GrpcListener l = listen(10);
        int port = l.address().getPort();
        l.close();
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
        }
        IOException busy = assertThrows(IOException.class, () -> {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                new GrpcListener(new InetSocketAddress("127.0.0.1", s.getLocalPort()), () -> null, null).close();
            }
        });
        assertTrue(busy.getMessage().startsWith("cannot listen on grpc"), busy.getMessage());
    }
}
