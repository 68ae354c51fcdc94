package kdns.testing;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

    @Test
    void portsAreBelowTheEphemeralRangeAndBindableForBothProtocols() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        int port = LoopbackPorts.free();
        assertTrue(port >= LoopbackPorts.FIRST && port < LoopbackPorts.LAST, "port " + port);
        try (ServerSocket tcp = new ServerSocket(port, 1, loopback);
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, port))) {
            assertTrue(tcp.isBound() && udp.isBound());
        }
    }

    @Test
    void aPortHandedOutIsNotHandedOutAgain() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        int first = LoopbackPorts.free();
        // The first port is now a server's: the next call must give another one, still bindable.
        try (DatagramSocket held = new DatagramSocket(new InetSocketAddress(loopback, first))) {
            int second = LoopbackPorts.free();
            assertNotEquals(first, second);
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, second))) {
                assertTrue(udp.isBound());
            }
        }
    }
}
