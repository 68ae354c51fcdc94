package kdns.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import kdns.api.text.IpLiterals;

/**
 * The {@code server} label of CoreDNS's metrics: the listener a query arrived on,
 * {@code <scheme>://[<bind address>]:<port>}. So {@code dns://:53} for a block without {@code bind}
 * and {@code dns://127.0.0.53:53} with it, as dashboards built for CoreDNS expect.
 */
public final class ServerLabels {

    private ServerLabels() {
    }

    /** {@code dns://} followed by Go's {@code net.JoinHostPort(host, port)}; {@code host} may be empty. */
    public static String of(String host, int port) {
        if (host.indexOf(':') >= 0) {
            return "dns://[" + host + "]:" + port;
        }
        return "dns://" + host + ":" + port;
    }

    /**
     * The server a query that arrived on {@code local} belongs to, for a block whose {@code bind}
     * addresses are {@code hosts} ({@link Controller#listenHosts()}; empty: every address). The
     * port is the one the query arrived on, else {@code defaultPort} (the block's).
     */
    public static String forLocal(InetSocketAddress local, List<String> hosts, int defaultPort) {
        int port = local == null || local.getPort() == 0 ? defaultPort : local.getPort();
        if (hosts.isEmpty()) {
            return of("", port);
        }
        InetAddress ip = local == null ? null : local.getAddress();
        if (ip == null || ip.isAnyLocalAddress()) {
            return of(hosts.get(0), port);
        }
        String text = IpLiterals.format(ip.getAddress());
        for (String h : hosts) {
            if (h.equals(text) || h.startsWith(text + "%")) {
                return of(h, port);
            }
        }
        return of(hosts.size() == 1 ? hosts.get(0) : text, port);
    }
}
