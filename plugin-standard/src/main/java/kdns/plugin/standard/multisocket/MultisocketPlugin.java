package kdns.plugin.standard.multisocket;

import java.util.List;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;

/**
 * {@code multisocket [N]}: the block's plain DNS addresses listen with N UDP sockets on the same port
 * ({@code SO_REUSEPORT}), each read by its own thread; without N, one per core. Without the plugin
 * an address has one socket, as in CoreDNS.
 */
public final class MultisocketPlugin implements Plugin {

    static final int MAX_SOCKETS = 1024;

    @Override
    public String name() {
        return "multisocket";
    }

    @Override
    public String description() {
        return "listens with several UDP sockets per address (SO_REUSEPORT), one reader thread each";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        int cores = Runtime.getRuntime().availableProcessors();
        c.next();
        List<String> args = c.remainingArgs();
        if (args.size() > 1 || c.next()) {
            throw c.argErr();
        }
        if (args.isEmpty()) {
            c.udpSockets(cores);
            return;
        }
        int n;
        try {
            n = Integer.parseInt(args.get(0));
        } catch (NumberFormatException e) {
            throw c.err("invalid num sockets: strconv.Atoi: parsing \"" + args.get(0) + "\": invalid syntax");
        }
        if (n < 1) {
            throw c.err("num sockets can not be zero or negative: " + n);
        }
        if (n > MAX_SOCKETS) {
            throw c.err("num sockets exceeds maximum (" + MAX_SOCKETS + "): " + n);
        }
        c.udpSockets(n);
    }
}
