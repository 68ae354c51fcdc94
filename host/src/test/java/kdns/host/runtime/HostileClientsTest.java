package kdns.host.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kdns.host.server.TcpListener;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Abusive clients on 127.0.0.1: idle connection floods and names at the protocol's limits. */
class HostileClientsTest {

    private static Message udp(InetSocketAddress a, Message q) throws IOException {
        byte[] b = q.toWire();
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(3000);
            s.send(new DatagramPacket(b, b.length, a));
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            return new Message(java.util.Arrays.copyOf(buf, p.getLength()));
        }
    }

    private static void awaitOpen(EmbeddedServer s, int want) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.server().openTcpConnections() != want && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @Test
    void thousandsOfIdleConnectionsAreCappedThenTimedOutWhileUdpAnswers() throws Exception {
        int limit = 500;
        TcpListener.Limits limits = new TcpListener.Limits(Duration.ofSeconds(1), Duration.ofSeconds(2), limit);
        try (EmbeddedServer s = HostTestServers.start(".:0 {\n    testanswer\n}\n", limits)) {
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 2000; i++) {
                    Socket c = new Socket();
                    c.connect(s.address(), 2000);
                    clients.add(c);
                }
                awaitOpen(s, limit);
                assertEquals(limit, s.server().openTcpConnections(), "the connection limit holds");
                Message q = Message.newQuery(Record.newRecord(Name.fromConstantString("x.example."), Type.A, DClass.IN));
                assertEquals(Rcode.NOERROR, udp(s.address(), q).getRcode(), "UDP keeps answering");
                awaitOpen(s, 0);
                assertEquals(0, s.server().openTcpConnections(), "idle connections are closed after the idle timeout");
                assertEquals(Rcode.NOERROR, udp(s.address(), q).getRcode());
            } finally {
                for (Socket c : clients) {
                    c.close();
                }
            }
        }
    }

    @Test
    void namesAtThe255OctetLimitAreAnswered() throws Exception {
        // 4 labels of 63 octets: 4 * 64 + 1 = 257 > 255, so 3 of 63 and one of 61: 3*64 + 62 + 1 = 255.
        String l63 = "a".repeat(63);
        Name longest = Name.fromString(l63 + "." + l63 + "." + l63 + "." + "b".repeat(61) + ".");
        assertEquals(255, longest.length());
        try (EmbeddedServer s = HostTestServers.start(".:0 {\n    testanswer 3\n}\n")) {
            Message q = Message.newQuery(Record.newRecord(longest, Type.A, DClass.IN));
            Message r = udp(s.address(), q);
            assertEquals(Rcode.NOERROR, r.getRcode());
            assertEquals(longest, r.getQuestion().getName());
            assertTrue(r.toWire().length <= 512);
        }
    }
}
