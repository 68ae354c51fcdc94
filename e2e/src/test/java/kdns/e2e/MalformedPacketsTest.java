package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import kdns.testing.DnsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * A barrage of malformed packets against bin/kdns: it keeps answering normal queries and logs no
 * stack trace per packet.
 */
class MalformedPacketsTest {

    @TempDir
    Path dir;

    static List<byte[]> barrage(long seed) {
        List<byte[]> out = new ArrayList<>();
        byte[] good = TestPackets.query("example.org.", Type.A);
        for (int len = 0; len < 12; len++) {
            out.add(java.util.Arrays.copyOf(good, len)); // truncated headers
        }
        out.add(java.util.Arrays.copyOf(good, good.length - 3)); // truncated question
        out.add(TestPackets.withQdcount(good, 0));
        out.add(TestPackets.withQdcount(good, 2));
        out.add(TestPackets.withQdcount(good, 65535));
        out.add(TestPackets.badLabelLength());
        out.add(TestPackets.compressionLoop());
        out.add(TestPackets.pointerForward());
        out.add(TestPackets.withOpcode(good, 5)); // UPDATE
        out.add(TestPackets.withOpcode(good, 4)); // NOTIFY
        out.add(TestPackets.response(good));
        Random r = new Random(seed);
        for (int i = 0; i < 500; i++) {
            byte[] b = new byte[r.nextInt(600)];
            r.nextBytes(b);
            out.add(b);
        }
        for (int i = 0; i < 300; i++) {
            byte[] b = good.clone();
            b[12 + r.nextInt(b.length - 12)] = (byte) r.nextInt(256); // one flipped byte past the header
            out.add(b);
        }
        return out;
    }

    @Test
    void serverSurvivesAndStaysQuiet() throws Exception {
        int port = KdnsProcess.freePort();
        try (KdnsProcess kdns = KdnsProcess.serve(dir, ".:" + port + " {\n    errors\n    whoami\n}\n", port)) {
            InetSocketAddress addr = new InetSocketAddress("127.0.0.1", port);
            List<byte[]> packets = barrage(42);
            try (DatagramSocket s = new DatagramSocket()) {
                for (byte[] p : packets) {
                    s.send(new DatagramPacket(p, p.length, addr));
                }
            }
            // The same over TCP, one connection per packet.
            for (byte[] p : packets.subList(0, 60)) {
                try (Socket t = new Socket()) {
                    t.connect(addr, 2000);
                    t.setSoTimeout(500);
                    var o = t.getOutputStream();
                    o.write(new byte[] {(byte) (p.length >>> 8), (byte) p.length});
                    o.write(p);
                    o.flush();
                    try {
                        t.getInputStream().read(new byte[512]);
                    } catch (java.net.SocketTimeoutException dropped) {
                        // a dropped packet gets no reply
                    }
                }
            }
            Message m = DnsClient.udp(addr, "example.org.", Type.A);
            assertEquals(Rcode.NOERROR, m.getRcode());
            m = DnsClient.tcp(addr, "example.org.", Type.A);
            assertEquals(Rcode.NOERROR, m.getRcode());
            String log = kdns.output();
            assertFalse(log.contains("Exception"), log);
            assertFalse(log.contains("\tat "), log);
        }
    }
}
