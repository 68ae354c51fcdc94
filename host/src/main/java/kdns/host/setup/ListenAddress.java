package kdns.host.setup;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Where a server listens.
 *
 * @param transport {@code dns}
 * @param host      an IP literal set by {@code bind}, or null for every address
 * @param port      the port
 */
public record ListenAddress(String transport, String host, int port) {

    /** The socket address to bind. */
    public InetSocketAddress socketAddress() throws UnknownHostException {
        return host == null ? new InetSocketAddress(port) : new InetSocketAddress(InetAddress.getByName(host), port);
    }

    @Override
    public String toString() {
        String h = host == null ? "" : host.contains(":") ? "[" + host + "]" : host;
        return transport + "://" + h + ":" + port;
    }
}
