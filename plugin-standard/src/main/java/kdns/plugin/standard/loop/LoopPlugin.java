package kdns.plugin.standard.loop;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import kdns.api.Controller;
import kdns.api.Plugin;
import kdns.api.PluginException;

/**
 * {@code loop}, once per block, without arguments: at start-up, sends
 * {@code HINFO <random>.<random>.<zone>} (the zone of the block's first key) to the block's own
 * address and stops the process when that query comes back more than twice, because the server
 * forwards to itself.
 */
public final class LoopPlugin implements Plugin {

    private final LoopExit onLoop;

    public LoopPlugin() {
        this(LoopExit.PROCESS);
    }

    /** For tests: the fatal line and the exit go elsewhere instead of stdout and the process. */
    LoopPlugin(LoopExit onLoop) {
        this.onLoop = onLoop;
    }

    @Override
    public String name() {
        return "loop";
    }

    @Override
    public String description() {
        return "detects forwarding loops at start-up and stops the server when it finds one";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        String zone = parse(c);
        String qname = qname(zone);
        int port = c.port();
        List<String> hosts = c.listenHosts(); // bind runs before loop in plugin.cfg order
        LoopHandler[] built = new LoopHandler[1];
        Probe[] probe = new Probe[1];
        c.addHandler(next -> {
            LoopHandler h = new LoopHandler(next, zone, qname, onLoop);
            synchronized (built) {
                built[0] = h;
            }
            return h;
        });
        c.onStartup(() -> {
            LoopHandler h;
            synchronized (built) {
                h = built[0];
            }
            if (h == null) {
                return;
            }
            String host = hosts.isEmpty() ? "" : hosts.get(0);
            String shown = host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
            Probe p;
            try {
                p = new Probe(h, Probe.target(host, port), shown);
            } catch (IOException e) {
                h.disable();
                return;
            }
            synchronized (probe) {
                probe[0] = p;
            }
            p.start();
        });
        c.onShutdown(() -> {
            Probe p;
            synchronized (probe) {
                p = probe[0];
            }
            if (p != null) {
                p.stop();
            }
        });
    }

    /** The zone the probe is asked in: the block's first zone. */
    static String parse(Controller c) throws PluginException {
        c.once(null, LoopPlugin::withoutArguments);
        List<String> zones = c.serverBlockZones();
        return zones.isEmpty() ? "." : zones.get(0);
    }

    private static Void withoutArguments(Controller c) throws PluginException {
        if (c.nextArg()) {
            throw c.argErr(); // also for a block, as in CoreDNS
        }
        return null;
    }

    /** {@code <random>.<random>.<zone>} with two non-negative random numbers, as CoreDNS. */
    static String qname(String zone) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String labels = (r.nextLong() & Long.MAX_VALUE) + "." + (r.nextLong() & Long.MAX_VALUE) + ".";
        return zone.equals(".") ? labels : labels + zone;
    }
}
