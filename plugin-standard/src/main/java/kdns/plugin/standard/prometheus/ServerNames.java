package kdns.plugin.standard.prometheus;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import kdns.api.text.IpLiterals;

/**
 * The {@code server} label as CoreDNS writes it: the listening address
 * {@code <scheme>://[<bind>]:<port>}, so {@code dns://:53} for a block without {@code bind} and
 * {@code dns://127.0.0.53:53} with it.
 */
final class ServerNames {

    private ServerNames() {
    }

    /** {@code dns://} + Go's {@code net.JoinHostPort(host, port)}. */
    static String of(String host, int port) {
        if (host.indexOf(':') >= 0) {
            return "dns://[" + host + "]:" + port;
        }
        return "dns://" + host + ":" + port;
    }

    /**
     * The server a query that arrived on {@code local} belongs to, for a block restricted to
     * {@code hosts} (empty: every address). The port is the one the query arrived on.
     */
    static String forLocal(InetSocketAddress local, List<String> hosts, int defaultPort) {
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
