package kdns.plugin.standard.local;

import io.prometheus.metrics.core.metrics.Counter;
import java.util.List;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;

/**
 * {@code local [{ localhost_prefix on|off }]}: answers the names no query should send upstream
 * (RFC 6761): {@code localhost.} and the names below it (and, with {@code localhost_prefix on}, the
 * default, names whose first label is {@code localhost}), and the reverse zones {@code 0.}, {@code 127.}
 * and {@code 255.in-addr.arpa.}. Everything else goes to the next plugin.
 */
public final class LocalPlugin implements Plugin {

    @Override
    public String name() {
        return "local";
    }

    @Override
    public String description() {
        return "answers localhost and the loopback reverse zones locally (RFC 6761)";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        boolean prefix = true;
        while (c.next()) {
            if (!c.remainingArgs().isEmpty()) {
                throw c.argErr();
            }
            while (c.nextBlock()) {
                if (!c.val().equals("localhost_prefix")) {
                    throw c.err("unknown property '" + c.val() + "'");
                }
                List<String> args = c.remainingArgs();
                if (args.size() != 1) {
                    throw c.argErr();
                }
                prefix = switch (args.get(0)) {
                    case "on" -> true;
                    case "off" -> false;
                    default -> throw c.err("localhost_prefix expects 'on' or 'off', got \"" + args.get(0) + "\"");
                };
            }
        }
        Counter localhost = c.instance().metrics().counter("coredns_local_localhost_requests_total",
                "Counter of special localhost subdomain requests.");
        boolean localhostPrefix = prefix;
        c.addHandler(next -> new LocalHandler(next, localhostPrefix, localhost));
    }
}
