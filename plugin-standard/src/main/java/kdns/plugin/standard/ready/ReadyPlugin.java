package kdns.plugin.standard.ready;

import java.util.List;
import kdns.api.Controller;
import kdns.api.Log;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.plugin.standard.endpoint.HostPort;
import kdns.plugin.standard.telemetry.LogSink;

/** {@code ready [ADDRESS] { monitor until-ready|continuously }}, once per block. */
public final class ReadyPlugin implements Plugin {

    /** The address without ADDRESS. */
    static final String DEFAULT_ADDRESS = ":8181";

    private final LogSink sink;

    public ReadyPlugin() {
        this(LogSink.of(Log.forPlugin("ready")));
    }

    /** For tests: lines go to {@code sink} instead of standard output. */
    ReadyPlugin(LogSink sink) {
        this.sink = sink;
    }

    @Override
    public String name() {
        return "ready";
    }

    @Override
    public String description() {
        return "serves /ready, 200 once every plugin that needs warm-up is ready";
    }

    /** The parsed directive. */
    record Config(HostPort address, boolean continuously) {
    }

    @Override
    public void setup(Controller c) throws PluginException {
        Config config = parse(c);
        ReadyEndpoint ep = c.instance().shared("ready:" + config.address().key(), ReadyEndpoint.class,
                () -> new ReadyEndpoint(config.address(), c.instance(), sink));
        if (config.continuously()) {
            ep.monitorContinuously();
        }
        c.onStartup(ep::start);
        c.onRestartFailed(ep::start);
        c.onRestart(ep::stop);
        c.onShutdown(ep::stop);
        c.onFinalShutdown(ep::stop);
    }

    static Config parse(Controller c) throws PluginException {
        return c.once(new Config(HostPort.parse(DEFAULT_ADDRESS), false), ReadyPlugin::occurrence);
    }

    private static Config occurrence(Controller c) throws PluginException {
        HostPort address = HostPort.fromArgs(c, DEFAULT_ADDRESS);
        boolean continuously = false;
        while (c.nextBlock()) {
            if (!c.val().equals("monitor")) {
                throw c.err("unknown property '" + c.val() + "'");
            }
            List<String> m = c.remainingArgs();
            if (m.size() != 1) {
                throw c.argErr();
            }
            continuously = switch (m.get(0)) {
                case "until-ready" -> false;
                case "continuously" -> true;
                default -> throw c.err("monitor type '" + m.get(0)
                        + "' is not supported, expected until-ready or continuously");
            };
        }
        return new Config(address, continuously);
    }
}
