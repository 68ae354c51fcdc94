package kdns.plugin.standard.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transport;
import kdns.testing.DnsClient;
import kdns.testing.InProcessServer;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class LoopTest {

    private final List<String> fatal = new CopyOnWriteArrayList<>();
    private final List<Integer> exits = new CopyOnWriteArrayList<>();

    private LoopHandler handler(String zone, Handler next) {
        return new LoopHandler(next, zone, LoopPlugin.qname(zone), new LoopExit(fatal::add, exits::add));
    }

    private static String error(String text) {
        return assertThrows(PluginException.class, () -> LoopPlugin.parse(TestController.of(text))).getMessage();
    }

    @Test
    void setup() throws Exception {
        assertEquals(".", LoopPlugin.parse(TestController.of("loop")));
        assertEquals("example.org.", LoopPlugin.parse(TestController.of("loop", List.of("example.org",
                "example.net"))));
        assertEquals("Corefile:1 - Error during parsing: Wrong argument count or unexpected line ending after 'a'",
                error("loop a"));
        assertEquals("this plugin can only be used once per Server Block", error("loop\nloop"));
        assertEquals("Corefile:1 - Error during parsing: Unexpected token '{', expecting argument",
                error("loop {\n    x\n}"));
        assertEquals("loop", new LoopPlugin().name());
        assertFalse(new LoopPlugin().description().isBlank());
    }

    @Test
    void probeNamesAreTwoRandomNumbersInTheZone() {
        String q = LoopPlugin.qname(".");
        assertTrue(q.matches("[0-9]+\\.[0-9]+\\."), q);
        assertTrue(LoopPlugin.qname("example.org.").matches("[0-9]+\\.[0-9]+\\.example\\.org\\."));
        assertFalse(LoopPlugin.qname(".").equals(LoopPlugin.qname(".")));
    }

    @Test
    void theThirdArrivalOfTheProbeIsALoop() throws Exception {
        LoopHandler h = handler(".", TestHandlers.answering(Rcode.NOERROR));
        h.address(":1053");
        Request probe = TestRequests.query(h.qname(), Type.HINFO);
        for (int i = 0; i < 2; i++) {
            assertEquals(Rcode.NOERROR, h.serve(probe, new RecordingWriter()));
        }
        assertEquals(List.of(), exits);
        RecordingWriter w = new RecordingWriter();
        assertEquals(Rcodes.SERVFAIL, h.serve(probe, w), "the loop is not fed any further");
        assertFalse(w.written());
        assertEquals(List.of(1), exits);
        assertEquals(List.of("Loop (10.240.0.1:40212 -> :1053) detected for zone \".\", see "
                + "https://coredns.io/plugins/loop#troubleshooting. Query: \"HINFO " + h.qname() + "\""), fatal);
        h.serve(probe, new RecordingWriter());
        assertEquals(List.of(1), exits, "exits once");
    }

    @Test
    void otherQueriesPassAndDoNotCount() throws Exception {
        LoopHandler h = handler("example.org.", TestHandlers.answering(Rcode.NOERROR));
        for (int i = 0; i < 5; i++) {
            assertEquals(Rcode.NOERROR, h.serve(TestRequests.query("x.example.org", Type.HINFO), new RecordingWriter()));
            assertEquals(Rcode.NOERROR, h.serve(TestRequests.query(h.qname(), Type.A), new RecordingWriter()));
            assertEquals(Rcode.NOERROR, h.serve(TestRequests.query("other.net", Type.HINFO), new RecordingWriter()));
        }
        assertEquals(0, h.seen());
        assertEquals(List.of(), exits);
        assertThrows(HandlerException.class, () -> handler(".", null).serve(TestRequests.query("a.", Type.A),
                new RecordingWriter()));
    }

    @Test
    void aResetOrADisabledHandlerForgets() throws Exception {
        LoopHandler h = handler(".", TestHandlers.answering(Rcode.NOERROR));
        Request probe = TestRequests.query(h.qname(), Type.HINFO);
        h.serve(probe, new RecordingWriter());
        h.serve(probe, new RecordingWriter());
        h.reset();
        h.serve(probe, new RecordingWriter());
        h.serve(probe, new RecordingWriter());
        h.disable();
        for (int i = 0; i < 5; i++) {
            assertEquals(Rcode.NOERROR, h.serve(probe, new RecordingWriter()));
        }
        assertEquals(List.of(), exits);
    }

    /**
     * A server that forwards to itself: every packet goes through the loop handler, whose next
     * plugin sends the query to the same socket again and never answers.
     */
    @Test
    void theProbeFindsAForwardingLoop() throws Exception {
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress self = (InetSocketAddress) server.getLocalSocketAddress();
            AtomicInteger forwarded = new AtomicInteger();
            Handler forwardToSelf = new Handler() {
                @Override
                public String name() {
                    return "forward";
                }

                @Override
                public int serve(Request request, ResponseWriter writer) {
                    if (forwarded.incrementAndGet() < 20) {
                        byte[] b = request.message().toWire();
                        try (DatagramSocket s = new DatagramSocket()) {
                            s.send(new DatagramPacket(b, b.length, self));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                    return DEFERRED;
                }
            };
            LoopHandler h = handler(".", forwardToSelf);
            Thread loop = new Thread(() -> {
                byte[] buf = new byte[4096];
                try {
                    while (exits.isEmpty()) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        server.receive(p);
                        Message m = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
                        h.serve(new Request(m, Transport.UDP, (InetSocketAddress) p.getSocketAddress(), self, "."),
                                new RecordingWriter());
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            loop.setDaemon(true);
            loop.start();
            Probe probe = new Probe(h, Probe.target("", self.getPort()), ":" + self.getPort());
            probe.start();
            long end = System.nanoTime() + 10_000_000_000L;
            while (exits.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            probe.stop();
            assertEquals(List.of(1), exits);
            assertEquals(1, fatal.size());
            assertTrue(fatal.get(0).matches("Loop \\(127\\.0\\.0\\.1:[0-9]+ -> :" + self.getPort()
                    + "\\) detected for zone \"\\.\", see https://coredns\\.io/plugins/loop#troubleshooting\\. "
                    + "Query: \"HINFO [0-9]+\\.[0-9]+\\.\""), fatal.get(0));
        }
    }

    @Test
    void aServerWithoutALoopDisablesTheCheckAfterTheProbe() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        List<String> lines = new CopyOnWriteArrayList<>();
        LoopPlugin plugin = new LoopPlugin(new LoopExit(lines::add, exits::add));
        // The plugin through a real server: the probe is answered by whoami.
        kdns.host.plugins.PluginCfg cfg = kdns.testing.TestPluginCfg.forClassPath(getClass().getClassLoader());
        try (InProcessServer s = InProcessServer.start(".:" + port + " {\n    loop\n    whoami\n}\n", cfg,
                kdns.host.server.TcpListener.Limits.DEFAULT, java.util.Map.of())) {
            Message r = DnsClient.udp(s.address(), "example.org.", Type.HINFO);
            assertEquals(Rcode.NOERROR, r.getRcode());
        }
        assertEquals(List.of(), exits);
        assertEquals(List.of(), lines);
        // And the probe itself, against that kind of server, ends the probe phase.
        LoopHandler h = handler(".", TestHandlers.answering(0));
        try (DatagramSocket answering = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[512];
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    answering.receive(p);
                    buf[2] |= (byte) 0x80;
                    answering.send(new DatagramPacket(buf, p.getLength(), p.getSocketAddress()));
                } catch (java.io.IOException e) {
                    // closed
                }
            });
            t.setDaemon(true);
            t.start();
            Probe probe = new Probe(h, Probe.target("", answering.getLocalPort()), ":" + answering.getLocalPort());
            assertTrue(probe.exchange());
            probe.stop();
            assertTrue(h.disabled());
        }
        plugin.getClass();
    }

    @Test
    void targets() throws Exception {
        assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53), Probe.target("", 53));
        assertEquals(new InetSocketAddress("127.0.0.53", 53), Probe.target("127.0.0.53", 53));
        assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), 53), Probe.target("0.0.0.0", 53));
        assertEquals(new InetSocketAddress("::1", 1053), Probe.target("::", 1053));
    }
}
