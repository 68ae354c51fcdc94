package kdns.plugin.standard.dns64;

import io.prometheus.metrics.core.metrics.Counter;
import java.util.List;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.lookup.UpstreamLookup;
import kdns.api.text.IpLiterals;
import kdns.plugin.standard.golang.Subnet;

/**
 * {@code dns64 [PREFIX]} or {@code dns64 { prefix PREFIX; translate_all; allow_ipv4 }}: AAAA
 * answers synthesized from A records (RFC 6147) for IPv6-only clients behind NAT64.
 */
public final class Dns64Plugin implements Plugin {

    /** RFC 6052's well-known prefix. */
    static final Prefix DEFAULT_PREFIX = new Prefix(IpLiterals.parse("64:ff9b::"), 96);

    /** An IPv6 prefix of 32 to 96 bits, a multiple of 8. */
    record Prefix(byte[] address, int bits) {
    }

    @Override
    public String name() {
        return "dns64";
    }

    @Override
    public String description() {
        return "synthesizes AAAA answers from A records for NAT64 (RFC 6147)";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        Prefix prefix = DEFAULT_PREFIX;
        boolean translateAll = false;
        boolean allowIpv4 = false;
        while (c.next()) {
            List<String> args = c.remainingArgs();
            if (args.size() == 1) {
                prefix = prefix(c, args.get(0));
                continue;
            }
            if (!args.isEmpty()) {
                throw c.argErr();
            }
            while (c.nextBlock()) {
                switch (c.val()) {
                    case "prefix" -> {
                        if (!c.nextArg()) {
                            throw c.argErr();
                        }
                        prefix = prefix(c, c.val());
                    }
                    case "translate_all" -> translateAll = true;
                    case "allow_ipv4" -> allowIpv4 = true;
                    default -> throw c.err("unknown property '" + c.val() + "'");
                }
            }
        }
        Counter translated = c.instance().metrics().counter("coredns_dns64_requests_translated_total",
                "Counter of DNS requests translated by dns64.", "server");
        Dns64Handler.Options options = new Dns64Handler.Options(prefix, translateAll, allowIpv4);
        UpstreamLookup upstream = new UpstreamLookup("dns64", c.instance());
        List<String> hosts = c.listenHosts();
        int port = c.port();
        c.addHandler(next -> new Dns64Handler(next, options, upstream, translated, hosts, port));
    }

    /** Go's ParseCIDR, then CoreDNS's checks: IPv6, 32 to 96 bits, a multiple of 8. */
    static Prefix prefix(Controller c, String text) throws PluginException {
        Subnet net;
        try {
            net = Subnet.parse(text);
        } catch (IllegalArgumentException e) {
            throw c.err(e.getMessage());
        }
        if (net.network().length != 16) {
            throw c.err("invalid netmask " + (net.network().length * 8) + " IPv6 address: \"" + text + "\"");
        }
        if (net.bits() % 8 != 0 || net.bits() < 32 || net.bits() > 96) {
            throw c.err("invalid prefix length \"" + text + "\"");
        }
        return new Prefix(net.network(), net.bits());
    }
}
