package kdns.testing;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;

/** A plain DNS client for tests: one query, one reply, over UDP or TCP, with a timeout. */
public final class DnsClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private DnsClient() {
    }

    /** Asks over UDP. */
    public static Message udp(InetSocketAddress server, Message query) throws IOException {
        return new Message(udpRaw(server, query.toWire(), TIMEOUT));
    }

    /** Asks over TCP. */
    public static Message tcp(InetSocketAddress server, Message query) throws IOException {
        return new Message(tcpRaw(server, query.toWire(), TIMEOUT));
    }

    /** Asks for a name and type over UDP. */
    public static Message udp(InetSocketAddress server, String name, int type) throws IOException {
        return udp(server, TestRequests.message(name, type, DClass.IN));
    }

    /** Asks for a name and type over TCP. */
    public static Message tcp(InetSocketAddress server, String name, int type) throws IOException {
        return tcp(server, TestRequests.message(name, type, DClass.IN));
    }

    /** Sends raw bytes over UDP and returns the raw reply; a timeout throws. */
    public static byte[] udpRaw(InetSocketAddress server, byte[] packet, Duration timeout) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout((int) timeout.toMillis());
            s.send(new DatagramPacket(packet, packet.length, server));
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            return Arrays.copyOf(buf, p.getLength());
        }
    }

    /** Sends one length-prefixed message over a new TCP connection and returns the reply. */
    public static byte[] tcpRaw(InetSocketAddress server, byte[] packet, Duration timeout) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {(byte) (packet.length >>> 8), (byte) packet.length});
            out.write(packet);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int len = in.readUnsignedShort();
            byte[] reply = new byte[len];
            in.readFully(reply);
            return reply;
        }
    }
}
