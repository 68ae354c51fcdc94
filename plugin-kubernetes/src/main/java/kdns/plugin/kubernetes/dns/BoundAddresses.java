package kdns.plugin.kubernetes.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import kdns.api.text.IpLiterals;

/**
 * CoreDNS's {@code boundIPs}: the addresses the apex NS records and {@code ns.dns.<zone>} are built
 * from are the non-loopback addresses the server block is bound to with {@code bind}; without
 * {@code bind} (or bound to a wildcard address), the host's interface addresses.
 */
public final class BoundAddresses {

    private BoundAddresses() {
    }

    /**
     * The non-loopback addresses among {@code listenHosts} (what {@code bind} set, IP literals,
     * link-local IPv6 ones with a {@code %zone}), or null when the block listens on every address
     * ({@code listenHosts} empty or a wildcard) and the interface addresses apply. An empty list
     * (bound only to loopback) means no name server addresses.
     */
    public static List<InetAddress> of(List<String> listenHosts) {
        if (listenHosts.isEmpty()) {
            return null;
        }
        List<InetAddress> out = new ArrayList<>();
        for (String host : listenHosts) {
            int zone = host.indexOf('%');
            byte[] raw = IpLiterals.parse(zone < 0 ? host : host.substring(0, zone));
            if (raw == null) {
                continue;
            }
            InetAddress ip;
            try {
                ip = InetAddress.getByAddress(raw);
            } catch (UnknownHostException e) {
                continue;
            }
            if (ip.isAnyLocalAddress()) {
                return null;
            }
            if (!ip.isLoopbackAddress() && !out.contains(ip)) {
                out.add(ip);
            }
        }
        return List.copyOf(out);
    }
}
