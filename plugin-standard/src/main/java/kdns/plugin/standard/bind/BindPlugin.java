package kdns.plugin.standard.bind;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.text.IpLiterals;

/**
 * {@code bind ADDRESS|INTERFACE ... { except ADDRESS|INTERFACE ... }}: the block listens only on
 * the given addresses. An interface name stands for all its addresses (IPv6 link-local ones with
 * their {@code %interface} zone); {@code except} removes addresses from that directive's list.
 * Several {@code bind} directives in a block add up. Addresses are written in Go's canonical form
 * ({@code ::1}); duplicates are dropped. Adds no handler.
 */
public final class BindPlugin implements Plugin {

    private final Interfaces interfaces;

    public BindPlugin() {
        this(SystemInterfaces.INSTANCE);
    }

    /** For tests: interfaces from {@code interfaces} instead of the host's. */
    BindPlugin(Interfaces interfaces) {
        this.interfaces = interfaces;
    }

    @Override
    public String name() {
        return "bind";
    }

    @Override
    public String description() {
        return "restricts the addresses or interfaces a server block listens on";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        List<String> hosts = parse(c);
        c.listenHosts(hosts);
    }

    List<String> parse(Controller c) throws PluginException {
        Set<String> all = new LinkedHashSet<>();
        while (c.next()) {
            List<String> addrs = c.remainingArgs();
            if (addrs.isEmpty()) {
                throw c.err("at least one address or interface name is expected");
            }
            List<String> ips = list(c, addrs);
            List<String> except = new ArrayList<>();
            while (c.nextBlock()) {
                if (!c.val().equals("except")) {
                    throw c.err("unknown property '" + c.val() + "'");
                }
                List<String> ex = c.remainingArgs();
                if (ex.isEmpty()) {
                    throw c.err("at least one address or interface must be given to except subdirective");
                }
                except.addAll(list(c, ex));
            }
            for (String ip : ips) {
                if (!except.contains(ip)) {
                    all.add(ip);
                }
            }
        }
        return List.copyOf(all);
    }

    /** The addresses that {@code args} (IP literals or interface names) stand for. */
    private List<String> list(Controller c, List<String> args) throws PluginException {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            List<InetAddress> addresses;
            try {
                addresses = interfaces.addresses(a);
            } catch (SocketException e) {
                throw c.err("failed to get the IP addresses of the interface: \"" + a + "\": " + e.getMessage());
            }
            if (addresses != null) {
                for (InetAddress ip : addresses) {
                    out.add(text(ip, a));
                }
                continue;
            }
            String canonical = IpLiterals.canonical(a);
            if (canonical == null) {
                throw c.err("not a valid IP address or interface name: \"" + a + "\"");
            }
            out.add(canonical);
        }
        return out;
    }

    /** Go's text for an interface address; link-local IPv6 gets its interface as zone. */
    private static String text(InetAddress ip, String iface) {
        if (ip instanceof Inet6Address v6 && (v6.isLinkLocalAddress() || v6.isMCLinkLocal())) {
            return IpLiterals.format(v6.getAddress()) + "%" + iface;
        }
        return IpLiterals.format(ip.getAddress());
    }
}
