package kdns.e2e;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.Message;

/**
 * A stub resolver's view of its nameservers ({@code nameserver} lines of resolv.conf, in order):
 * each query goes to the first; when it gives no answer (a timeout, or the ICMP port unreachable a
 * connected UDP socket reports as an error at once, as glibc's resolver sees it) the next one is
 * asked, and so on. A reply, whatever its rcode, is the answer.
 */
final class Nameservers implements FixedRateQueries.Resolver {

    private final List<InetSocketAddress> servers;
    private final Duration timeout;

    private Nameservers(List<InetSocketAddress> servers, Duration timeout) {
        this.servers = List.copyOf(servers);
        this.timeout = timeout;
    }

    /** Asks {@code servers} in order, waiting at most {@code timeout} for each. */
    static Nameservers of(Duration timeout, InetSocketAddress... servers) {
        return new Nameservers(List.of(servers), timeout);
    }

    @Override
    public FixedRateQueries.Reply ask(Message query) throws IOException {
        IOException last = null;
        byte[] wire = query.toWire();
        for (int i = 0; i < servers.size(); i++) {
            try {
                return new FixedRateQueries.Reply(new Message(exchange(servers.get(i), wire)), i > 0);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private byte[] exchange(InetSocketAddress server, byte[] wire) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(server);
            s.setSoTimeout((int) timeout.toMillis());
            s.send(new DatagramPacket(wire, wire.length));
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            return Arrays.copyOf(buf, p.getLength());
        }
    }
}
