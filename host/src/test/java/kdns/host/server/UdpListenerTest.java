package kdns.host.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import kdns.api.Handler;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Both UDP transports (the JDK's DatagramChannel and Netty's batched epoll) against the same
 * expectations: answers with the client's own address, bursts answered in full, replies written
 * later from another thread, bad datagrams that leave the reader serving, and sockets sharing one
 * port.
 */
class UdpListenerTest {

    private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "udp-test-later");
        t.setDaemon(true);
        return t;
    });

    private UdpListener listener;

    @AfterEach
    void close() {
        if (listener != null) {
            listener.close();
        }
    }

    /** The writer of the last query named {@code kept.}: answered when the test says so. */
    private static final AtomicReference<ResponseWriter> KEPT = new AtomicReference<>();
    /** Counted down when a {@code hold.} query is blocking its reader; the reader waits for {@code release}. */
    private static volatile CountDownLatch holding = new CountDownLatch(1);
    private static volatile CountDownLatch release = new CountDownLatch(1);

    /**
     * Answers every name with an A record holding the client's address; names starting with
     * {@code later} are answered 50 ms later from another thread ({@code latervirtual} from a
     * virtual thread), {@code kept} when the test writes the kept reply, and {@code hold} once the
     * test releases the reader thread it blocks.
     */
    private static final Handler ECHO = new Handler() {
        @Override
        public String name() {
            return "echo";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) {
            Message reply = new Message(request.id());
            reply.addRecord(request.message().getQuestion(), Section.QUESTION);
            reply.addRecord(new ARecord(request.qname(), DClass.IN, 0, request.remoteAddress().getAddress()),
                    Section.ANSWER);
            if (request.name().startsWith("latervirtual")) {
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    writer.write(reply);
                });
                return Handler.DEFERRED;
            }
            if (request.name().startsWith("later")) {
                LATER.schedule(() -> writer.write(reply), 50, TimeUnit.MILLISECONDS);
                return Handler.DEFERRED;
            }
            if (request.name().startsWith("kept")) {
                KEPT.set(writer);
                return Handler.DEFERRED;
            }
            if (request.name().startsWith("hold")) {
                holding.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            writer.write(reply);
            return 0;
        }
    };

    private UdpListener open(String transport, int sockets) throws IOException {
        if (transport.equals("epoll")) {
            assumeTrue(EpollUdpListener.available(), "no native epoll here: " + EpollUdpListener.unavailabilityCause());
        }
        QueryProcessor processor = new QueryProcessor(
                new ZoneRouter(List.of(new BlockChain(".", "dns://.:0", ECHO, false))), (k, t) -> { });
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        listener = transport.equals("epoll") ? new EpollUdpListener(at, sockets, () -> processor)
                : new NioUdpListener(at, sockets, () -> processor);
        listener.start();
        return listener;
    }

    private static byte[] query(String name, int id) throws IOException {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
        q.getHeader().setID(id);
        return q.toWire();
    }

    private static Message receive(DatagramSocket s) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
        s.receive(p);
        return new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
    }

    @org.junit.jupiter.api.Test
    void anUnknownTransportIsRefusedNamingTheChoices() {
        QueryProcessor processor = new QueryProcessor(new ZoneRouter(List.of()), (k, t) -> { });
        System.setProperty("kdns.udp.transport", "dpdk");
        try {
            IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> UdpListener.open(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, () -> processor));
            assertEquals("unknown -Dkdns.udp.transport=dpdk: use auto, epoll or nio", e.getMessage());
        } finally {
            System.clearProperty("kdns.udp.transport");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll"})
    void answersWithTheClientsAddressOnTheBoundPort(String transport) throws Exception {
        UdpListener l = open(transport, 2);
        assertNotEquals(0, l.address().getPort());
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(3000);
            byte[] q = query("www.example.org.", 4242);
            s.send(new DatagramPacket(q, q.length, l.address()));
            Message r = receive(s);
            assertEquals(4242, r.getHeader().getID());
            ARecord a = (ARecord) r.getSection(Section.ANSWER).get(0);
            assertEquals(InetAddress.getLoopbackAddress(), a.getAddress());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll"})
    void aBurstIsAnsweredInFull(String transport) throws Exception {
        UdpListener l = open(transport, 2);
        int n = 300;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setReceiveBufferSize(1 << 20);
            s.setSoTimeout(3000);
            for (int i = 0; i < n; i++) {
                byte[] q = query("n" + i + ".example.org.", i);
                s.send(new DatagramPacket(q, q.length, l.address()));
            }
            Set<Integer> ids = new HashSet<>();
            for (int i = 0; i < n; i++) {
                Message r = receive(s);
                assertEquals("n" + r.getHeader().getID() + ".example.org.", r.getQuestion().getName().toString());
                ids.add(r.getHeader().getID());
            }
            assertEquals(n, ids.size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll"})
    void repliesWrittenLaterFromAnotherThreadAreSent(String transport) throws Exception {
        UdpListener l = open(transport, 1);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(3000);
            byte[] later = query("later.example.org.", 1);
            byte[] now = query("now.example.org.", 2);
            s.send(new DatagramPacket(later, later.length, l.address()));
            s.send(new DatagramPacket(now, now.length, l.address()));
            // the deferred answer does not hold up the reader: the second query overtakes it
            assertEquals(2, receive(s).getHeader().getID());
            assertEquals(1, receive(s).getHeader().getID());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll"})
    void repliesWrittenLaterFromAVirtualThreadAreSent(String transport) throws Exception {
        UdpListener l = open(transport, 1);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(3000);
            byte[] later = query("latervirtual.example.org.", 3);
            s.send(new DatagramPacket(later, later.length, l.address()));
            assertEquals(3, receive(s).getHeader().getID());
        }
    }

    /**
     * A deferred reply goes out from the thread that writes it, not through the socket's reader:
     * it arrives while that reader is kept busy by another query (a forwarder's replies then cost
     * no wake-up of the reader).
     */
    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll"})
    void aDeferredReplyIsSentWhileTheReaderIsBusy(String transport) throws Exception {
        KEPT.set(null);
        holding = new CountDownLatch(1);
        release = new CountDownLatch(1);
        UdpListener l = open(transport, 1);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(3000);
            byte[] kept = query("kept.example.org.", 11);
            s.send(new DatagramPacket(kept, kept.length, l.address()));
            for (int i = 0; i < 300 && KEPT.get() == null; i++) {
                Thread.sleep(10);
            }
            byte[] hold = query("hold.example.org.", 12);
            s.send(new DatagramPacket(hold, hold.length, l.address()));
            assertTrue(holding.await(5, TimeUnit.SECONDS), "the reader never took the hold query");
            Message reply = new Message(11);
            reply.addRecord(Record.newRecord(Name.fromString("kept.example.org."), Type.A, DClass.IN), Section.QUESTION);
            KEPT.get().write(reply);
            try {
                assertEquals(11, receive(s).getHeader().getID(), "the kept reply, sent while the reader is held");
            } finally {
                release.countDown();
            }
            assertEquals(12, receive(s).getHeader().getID());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll"})
    void badDatagramsLeaveTheReaderServing(String transport) throws Exception {
        UdpListener l = open(transport, 1);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(500);
            s.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, l.address()));
            s.send(new DatagramPacket(new byte[0], 0, l.address()));
            try {
                receive(s);
                throw new AssertionError("a datagram shorter than a header must get no reply");
            } catch (SocketTimeoutException expected) {
                // dropped
            }
            byte[] garbage = new byte[40];
            garbage[0] = 0x12;
            garbage[1] = 0x34;
            garbage[5] = 1; // one question, whose name points outside the packet
            garbage[12] = (byte) 0xC0;
            garbage[13] = (byte) 0xC8;
            s.send(new DatagramPacket(garbage, garbage.length, l.address()));
            Message formerr = receive(s);
            assertEquals(0x1234, formerr.getHeader().getID());
            assertEquals(Rcode.FORMERR, formerr.getRcode());
            s.setSoTimeout(3000);
            byte[] q = query("after.example.org.", 7);
            s.send(new DatagramPacket(q, q.length, l.address()));
            assertEquals(7, receive(s).getHeader().getID());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "epoll"})
    void clientsOnManySourcePortsAreAllAnsweredAcrossTheSharedSockets(String transport) throws Exception {
        UdpListener l = open(transport, 2);
        for (int c = 0; c < 8; c++) {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                s.setSoTimeout(3000);
                byte[] q = query("c" + c + ".example.org.", c);
                s.send(new DatagramPacket(q, q.length, l.address()));
                assertEquals(c, receive(s).getHeader().getID());
            }
        }
        assertTrue(l.address().getAddress().isLoopbackAddress());
    }
}
