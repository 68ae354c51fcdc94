package kdns.testing.upstream;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A test server on a port of 127.0.0.1, and the ways tests write its address. */
public interface LoopbackServer {

    /** The port it serves on. */
    int port();

    /** 127.0.0.1 and the port. */
    default InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
    }

    /** {@code 127.0.0.1:port}, as a forward TO and the {@code to} metric label write it. */
    default String hostPort() {
        return "127.0.0.1:" + port();
    }
}
