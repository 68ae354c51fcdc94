package kdns.plugin.standard.health;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kdns.api.Controller;
import kdns.api.Log;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.text.Durations;
import kdns.plugin.standard.endpoint.HostPort;
import kdns.plugin.standard.telemetry.LogSink;

/** {@code health [ADDRESS] { lameduck DURATION }}: once per block, one block per address. */
public final class HealthPlugin implements Plugin {

    /** The address without ADDRESS. */
    static final String DEFAULT_ADDRESS = ":8080";

    private final LogSink sink;

    public HealthPlugin() {
        this(LogSink.of(Log.forPlugin("health")));
    }

    /** For tests: lines go to {@code sink} instead of standard output. */
    HealthPlugin(LogSink sink) {
        this.sink = sink;
    }

    @Override
    public String name() {
        return "health";
    }

    @Override
    public String description() {
        return "serves a process-wide /health HTTP endpoint";
    }

    /** The parsed directive. */
    record Config(HostPort address, Duration lameduck) {
    }

    /** Which block of an instance claimed which health address. */
    static final class Claims {
        private final Map<String, Integer> byAddress = new HashMap<>();

        /** Claims {@code key} for {@code block}; returns the other block that holds it, or null. */
        synchronized Integer claim(String key, int block) {
            Integer other = byAddress.putIfAbsent(key, block);
            return other == null || other == block ? null : other;
        }
    }

    @Override
    public void setup(Controller c) throws PluginException {
        Config config = parse(c);
        Claims claims = c.instance().shared("health.addresses", Claims.class, Claims::new);
        Integer other = claims.claim(config.address().key(), c.serverBlockIndex());
        if (other != null) {
            throw c.err("health address " + config.address() + " is already used by server block " + (other + 1)
                    + "; health is process wide: enable it in one block, or give each block its own address");
        }
        Health h = new Health(config.address(), config.lameduck(), HealthMetrics.of(c.instance().metrics()), sink);
        c.onStartup(h::startup);
        c.onRestart(h::restart);
        c.onRestartFailed(h::restartFailed);
        c.onShutdown(h::shutdown);
        c.onFinalShutdown(h::finalShutdown);
    }

    static Config parse(Controller c) throws PluginException {
        return c.once(new Config(HostPort.parse(DEFAULT_ADDRESS), Duration.ZERO), HealthPlugin::occurrence);
    }

    private static Config occurrence(Controller c) throws PluginException {
        HostPort address = HostPort.fromArgs(c, DEFAULT_ADDRESS);
        Duration lameduck = Duration.ZERO;
        while (c.nextBlock()) {
            if (!c.val().equals("lameduck")) {
                throw c.err("unknown property '" + c.val() + "'");
            }
            List<String> d = c.remainingArgs();
            if (d.size() != 1) {
                throw c.argErr();
            }
            try {
                lameduck = Durations.parse(d.get(0));
            } catch (IllegalArgumentException e) {
                throw c.err("unable to parse lameduck duration value: '" + d.get(0) + "' : " + e.getMessage());
            }
            if (lameduck.isNegative()) {
                throw c.err("lameduck duration must not be negative: '" + d.get(0) + "'");
            }
        }
        return new Config(address, lameduck);
    }
}
