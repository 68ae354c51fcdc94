package kdns.host.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Real sockets on 127.0.0.1: UDP and TCP serving, pipelining, timeouts, limits, chain order. */
class ServerSocketsTest {

    private static byte[] query(String name, int type, int id) {
        Message q = Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
        q.getHeader().setID(id);
        return q.toWire();
    }

    private static Message udp(InetSocketAddress a, byte[] q) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(3000);
            s.send(new DatagramPacket(q, q.length, a));
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            return new Message(java.util.Arrays.copyOf(buf, p.getLength()));
        }
    }

    private static void writeFramed(OutputStream out, byte[] q) throws IOException {
        out.write(new byte[] {(byte) (q.length >>> 8), (byte) q.length});
        out.write(q);
    }

    private static Message readFramed(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] b = new byte[d.readUnsignedShort()];
        d.readFully(b);
        return new Message(b);
    }

    @Test
    void chainOrderIsPluginCfgOrderNotCorefileOrder() throws Exception {
        try (EmbeddedServer s = HostTestServers.start(".:0 {\n    orderc\n    ordera\n    orderb\n}\n")) {
            Message m = udp(s.address(), query("example.org.", Type.TXT, 1));
            TXTRecord txt = (TXTRecord) m.getSection(Section.ANSWER).get(0);
            assertEquals("ordera,orderb,orderc", String.join("", txt.getStrings()));
        }
    }

    @Test
    void longestZoneAcrossBlocks() throws Exception {
        try (EmbeddedServer s = HostTestServers.start(
                "example.org:0 {\n    testanswer 2\n}\nsub.example.org:0 {\n    testanswer 3\n}\n")) {
            assertEquals(2, udp(s.address(), query("a.example.org.", Type.A, 1)).getSection(Section.ANSWER).size());
            assertEquals(3, udp(s.address(), query("a.sub.example.org.", Type.A, 1)).getSection(Section.ANSWER).size());
            assertEquals(Rcode.REFUSED, udp(s.address(), query("example.com.", Type.A, 1)).getRcode());
        }
    }

    @Test
    void pluginFailuresAreAnsweredAndServingGoesOn() throws Exception {
        try (EmbeddedServer s = HostTestServers.start(".:0 {\n    testpanic\n    testanswer\n}\n")) {
            assertEquals(Rcode.SERVFAIL, udp(s.address(), query("panic.example.org.", Type.A, 1)).getRcode());
            assertEquals(Rcode.SERVFAIL, udp(s.address(), query("fail.example.org.", Type.A, 2)).getRcode());
            assertEquals(Rcode.REFUSED, udp(s.address(), query("refuse.example.org.", Type.A, 3)).getRcode());
            assertEquals(Rcode.NOERROR, udp(s.address(), query("ok.example.org.", Type.A, 4)).getRcode());
            assertEquals(1, s.server().panics());
        }
    }

    @Test
    void tcpPipelinedQueriesAnsweredOutOfOrderWithMatchingIds() throws Exception {
        try (EmbeddedServer s = HostTestServers.start(".:0 {\n    testdefer\n}\n");
             Socket sock = new Socket()) {
            sock.connect(s.address(), 2000);
            sock.setSoTimeout(5000);
            OutputStream out = sock.getOutputStream();
            // The first asks for a 300 ms delay, the others for none: replies come back reordered.
            writeFramed(out, query("d300.example.org.", Type.A, 100));
            writeFramed(out, query("d0.example.org.", Type.A, 101));
            writeFramed(out, query("d10.example.org.", Type.A, 102));
            out.flush();
            List<Integer> ids = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                Message m = readFramed(sock.getInputStream());
                ids.add(m.getHeader().getID());
                names.add(m.getQuestion().getName().toString() + m.getHeader().getID());
            }
            assertEquals(Set.of("d300.example.org.100", "d0.example.org.101", "d10.example.org.102"), names);
            assertEquals(100, ids.get(2), "the slow answer came last: " + ids);
        }
    }

    @Test
    void udpDeferredAnswersDoNotBlockTheReader() throws Exception {
        try (EmbeddedServer s = HostTestServers.start(".:0 {\n    testdefer\n}\n");
             DatagramSocket sock = new DatagramSocket()) {
            sock.setSoTimeout(3000);
            InetSocketAddress a = s.address();
            // Two sockets on 2 readers: many slow queries, then a fast one that must not wait behind them.
            for (int i = 0; i < 20; i++) {
                byte[] q = query("d1000.example.org.", Type.A, i);
                sock.send(new DatagramPacket(q, q.length, a));
            }
            long start = System.nanoTime();
            Message fast = udp(a, query("d0.example.org.", Type.A, 999));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(999, fast.getHeader().getID());
            assertTrue(ms < 900, "fast answer waited " + ms + " ms behind deferred ones");
        }
    }

    @Test
    void idleTcpConnectionIsClosed() throws Exception {
        try (EmbeddedServer s = HostTestServers.start(".:0 {\n    testanswer\n}\n", HostTestServers.shortTimeouts(100));
             Socket sock = new Socket()) {
            sock.connect(s.address(), 2000);
            sock.setSoTimeout(5000);
            long start = System.nanoTime();
            assertEquals(-1, sock.getInputStream().read(), "server closes an idle connection");
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 4000);
        }
    }

    @Test
    void lengthPrefixWithoutBodyIsClosedAfterTheReadTimeout() throws Exception {
        try (EmbeddedServer s = HostTestServers.start(".:0 {\n    testanswer\n}\n", HostTestServers.shortTimeouts(100));
             Socket sock = new Socket()) {
            sock.connect(s.address(), 2000);
            sock.setSoTimeout(5000);
            sock.getOutputStream().write(new byte[] {(byte) 0xff, (byte) 0xff});
            sock.getOutputStream().flush();
            assertEquals(-1, sock.getInputStream().read());
            assertEquals(Rcode.NOERROR, udp(s.address(), query("x.example.", Type.A, 1)).getRcode());
        }
    }

    @Test
    void connectionLimitHoldsAndUdpKeepsAnswering() throws Exception {
        try (EmbeddedServer s = HostTestServers.start(".:0 {\n    testanswer\n}\n",
                new kdns.host.server.TcpListener.Limits(java.time.Duration.ofSeconds(3),
                        java.time.Duration.ofSeconds(10), 20))) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    Socket c = new Socket();
                    c.connect(s.address(), 2000);
                    held.add(c);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (s.server().openTcpConnections() < 20 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                Thread.sleep(100);
                assertEquals(20, s.server().openTcpConnections());
                assertEquals(Rcode.NOERROR, udp(s.address(), query("x.example.", Type.A, 7)).getRcode());
            } finally {
                for (Socket c : held) {
                    c.close();
                }
            }
        }
    }

    @Test
    void manyQueriesOnOneTcpConnection() throws Exception {
        try (EmbeddedServer s = HostTestServers.start(".:0 {\n    testanswer\n}\n");
             Socket sock = new Socket()) {
            sock.connect(s.address(), 2000);
            sock.setSoTimeout(5000);
            for (int i = 0; i < 50; i++) {
                writeFramed(sock.getOutputStream(), query("q" + i + ".example.", Type.A, i));
            }
            sock.getOutputStream().flush();
            for (int i = 0; i < 50; i++) {
                assertEquals(i, readFramed(sock.getInputStream()).getHeader().getID());
            }
        }
    }
}
