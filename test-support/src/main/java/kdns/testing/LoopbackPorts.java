package kdns.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports on 127.0.0.1 for servers a test starts in another process (or configures in a Corefile)
 * and so must name before they bind.
 *
 * <p>The kernel hands ephemeral ports (Linux: 32768-60999) to every client socket on the
 * machine: a port taken with {@code bind(0)} and released for a server to bind a moment later can
 * meanwhile become some query's source port, and the server then fails with "Address already in
 * use" (seen in the e2e cases while load ran beside them). These ports are taken below that
 * range, where the kernel never picks, walking up from an offset that differs per process so that
 * two test JVMs rarely try the same ones; each is checked free for both TCP and UDP.
 */
public final class LoopbackPorts {
    static final int FIRST = 20_000;
    static final int LAST = 32_000;

    private static final AtomicInteger NEXT = new AtomicInteger(
            (int) (ProcessHandle.current().pid() * 97 % (LAST - FIRST)));

    private LoopbackPorts() {
    }

    /** A port free a moment ago for both TCP and UDP on 127.0.0.1, outside the ephemeral range. */
    public static int free() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (int tries = 0; tries < LAST - FIRST; tries++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), LAST - FIRST);
            if (bindable(loopback, port)) {
                return port;
            }
        }
        throw new IOException("no port free for both TCP and UDP on 127.0.0.1 in " + FIRST + "-" + LAST);
    }

    private static boolean bindable(InetAddress loopback, int port) {
        try (ServerSocket tcp = new ServerSocket()) {
            // As the servers bind: a port left in TIME_WAIT by an earlier test's server is reusable.
            tcp.setReuseAddress(true);
            tcp.bind(new InetSocketAddress(loopback, port), 1);
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, port))) {
                return true;
            }
        } catch (IOException taken) {
            return false;
        }
    }
}
