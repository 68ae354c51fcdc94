package kdns.plugin.standard.bind;

import java.net.InetAddress;
import java.net.SocketException;
import java.util.List;

/** The network interfaces bind can name; an interface for tests. */
interface Interfaces {

    /**
     * The addresses of the interface called {@code name}, IPv4 first, or null when there is no
     * such interface.
     */
    List<InetAddress> addresses(String name) throws SocketException;
}
