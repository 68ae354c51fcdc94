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
        return of("dns", host, port);
    }

    /** {@code scheme://} followed by Go's {@code net.JoinHostPort(host, port)}: {@code tls://:853}. */
    public static String of(String scheme, String host, int port) {
        if (host.indexOf(':') >= 0) {
            return scheme + "://[" + host + "]:" + port;
        }
        return scheme + "://" + host + ":" + port;
    }

    /** The scheme of the servers of a transport: {@code dns}, {@code tls}, {@code https}, {@code grpc} or {@code quic}. */
    public static String scheme(Transport transport) {
        return switch (transport) {
            case TLS -> "tls";
            case HTTPS -> "https";
            case GRPC -> "grpc";
            case QUIC -> "quic";
            default -> "dns";
        };
    }

    /**
     * The server {@code request} arrived at, for a block whose {@code bind} addresses are
     * {@code hosts}: {@link #forLocal} with the scheme of the request's transport
     * ({@code tls://:853} for DNS over TLS).
     */
    public static String forRequest(Request request, List<String> hosts, int defaultPort) {
        return forLocal(scheme(request.transport()), request.localAddress(), hosts, defaultPort);
    }

    /**
     * The server a query that arrived on {@code local} belongs to, for a block whose {@code bind}
     * addresses are {@code hosts} ({@link Controller#listenHosts()}; empty: every address). The
     * port is the one the query arrived on, else {@code defaultPort} (the block's).
     */
    public static String forLocal(InetSocketAddress local, List<String> hosts, int defaultPort) {
        return forLocal("dns", local, hosts, defaultPort);
    }

    /** As {@link #forLocal(InetSocketAddress, List, int)}, for a server of {@code scheme}. */
    public static String forLocal(String scheme, InetSocketAddress local, List<String> hosts, int defaultPort) {
        int port = local == null || local.getPort() == 0 ? defaultPort : local.getPort();
        if (hosts.isEmpty()) {
            return of(scheme, "", port);
        }
        InetAddress ip = local == null ? null : local.getAddress();
        if (ip == null || ip.isAnyLocalAddress()) {
            return of(scheme, hosts.get(0), port);
        }
        String text = IpLiterals.format(ip.getAddress());
        for (String h : hosts) {
            if (h.equals(text) || h.startsWith(text + "%")) {
                return of(scheme, h, port);
            }
        }
        return of(scheme, hosts.size() == 1 ? hosts.get(0) : text, port);
    }
}
