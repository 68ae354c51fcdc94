package kdns.testing.upstream;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** A port on 127.0.0.1 that is free for both TCP and UDP right now. */
public final class FreePorts {

    private FreePorts() {
    }

    public static int tcpAndUdp() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        for (int i = 0; i < 50; i++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, lo)) {
                port = s.getLocalPort();
            }
            try (DatagramSocket d = new DatagramSocket(new InetSocketAddress(lo, port))) {
                return port;
            } catch (IOException busy) {
                // UDP side taken: try another
            }
        }
        throw new IOException("no port free for both TCP and UDP on 127.0.0.1");
    }
}
