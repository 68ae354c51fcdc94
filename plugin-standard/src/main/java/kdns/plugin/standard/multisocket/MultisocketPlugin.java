package kdns.plugin.standard.multisocket;

import java.util.List;
import kdns.api.Controller;
import kdns.api.Log;
import kdns.api.Plugin;
import kdns.api.PluginException;

/**
 * {@code multisocket [N]}: CoreDNS listens with N sockets per port ({@code SO_REUSEPORT}). kdns
 * always opens one UDP socket per core on every address, which is what {@code multisocket} without
 * a number asks for; a different N is accepted with a warning saying it is not applied.
 */
public final class MultisocketPlugin implements Plugin {

    static final int MAX_SOCKETS = 1024;
    private static final Log LOG = Log.forPlugin("multisocket");

    @Override
    public String name() {
        return "multisocket";
    }

    @Override
    public String description() {
        return "accepts CoreDNS's socket count per port (kdns opens one UDP socket per core)";
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
        if (n != cores) {
            LOG.warning("multisocket " + n + " is not applied: kdns opens one UDP socket per core (" + cores
                    + ") on every address");
        }
    }
}
