package kdns.plugin.standard.loadbalance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import kdns.api.Controller;
import kdns.api.Log;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.text.Durations;
import kdns.plugin.standard.golang.Subnet;
import kdns.plugin.standard.process.SharedTimer;
import kdns.plugin.standard.telemetry.LogSink;

/**
 * {@code loadbalance [round_robin | weighted WEIGHTFILE] { reload DURATION; prefer CIDR... }}, parsed
 * as CoreDNS does: without a policy or with {@code round_robin} the block may hold {@code prefer};
 * with {@code weighted} it may hold {@code reload} (30s by default; 0s: never). CoreDNS's
 * {@code limit_answers} is not implemented yet and is a setup error that says so.
 */
public final class LoadBalancePlugin implements Plugin {

    static final String ROUND_ROBIN = "round_robin";
    static final String WEIGHTED = "weighted";
    static final Duration DEFAULT_RELOAD = Duration.ofSeconds(30);

    private final LogSink sink;

    public LoadBalancePlugin() {
        this(LogSink.of(Log.forPlugin("loadbalance")));
    }

    /** For tests: lines go to {@code sink} instead of standard output. */
    LoadBalancePlugin(LogSink sink) {
        this.sink = sink;
    }

    @Override
    public String name() {
        return "loadbalance";
    }

    @Override
    public String description() {
        return "randomizes the order of A, AAAA and MX records in replies";
    }

    /**
     * The parsed directive.
     *
     * @param weightFile the weight file of the weighted policy, or null for round robin
     */
    record Config(Path weightFile, Duration reload, List<Subnet> prefer) {
    }

    @Override
    public void setup(Controller c) throws PluginException {
        Config config = parse(c);
        Weighted weighted = null;
        if (config.weightFile() != null) {
            Weighted w = new Weighted(config.weightFile(), config.reload(), sink, SharedTimer.scheduler(),
                    Weighted.uniform());
            c.onStartup(w::start);
            c.onShutdown(w::stop);
            weighted = w;
        }
        Weighted policy = weighted;
        c.addHandler(next -> new LoadBalanceHandler(next, policy, config.prefer()));
    }

    static Config parse(Controller c) throws PluginException {
        Config config = new Config(null, DEFAULT_RELOAD, List.of());
        while (c.next()) {
            List<String> args = c.remainingArgs();
            Path weightFile = null;
            Duration reload = DEFAULT_RELOAD;
            if (!args.isEmpty()) {
                switch (args.get(0)) {
                    case ROUND_ROBIN -> {
                        if (args.size() > 1) {
                            throw c.err("unknown property for " + args.get(0));
                        }
                    }
                    case WEIGHTED -> {
                        if (args.size() < 2) {
                            throw c.err("missing weight file argument");
                        }
                        if (args.size() > 2) {
                            throw c.err("unexpected argument(s)");
                        }
                        weightFile = Path.of(args.get(1));
                        while (c.nextBlock()) {
                            if (!c.val().equals("reload")) {
                                throw unknown(c);
                            }
                            List<String> t = c.remainingArgs();
                            if (t.isEmpty()) {
                                throw c.err("reload duration value is missing");
                            }
                            if (t.size() > 1) {
                                throw c.err("unexpected argument");
                            }
                            try {
                                reload = Durations.parse(t.get(0));
                            } catch (IllegalArgumentException e) {
                                throw c.err("invalid reload duration '" + t.get(0) + "'");
                            }
                            if (reload.isNegative()) {
                                throw c.err("invalid reload duration '" + t.get(0) + "'");
                            }
                        }
                    }
                    default -> throw c.err("unknown policy: " + args.get(0));
                }
            }
            List<Subnet> prefer = new ArrayList<>();
            while (c.nextBlock()) {
                if (!c.val().equals("prefer")) {
                    throw unknown(c);
                }
                for (String cidr : c.remainingArgs()) {
                    try {
                        prefer.add(Subnet.parse(cidr));
                    } catch (IllegalArgumentException e) {
                        throw c.err("invalid CIDR \"" + cidr + "\": " + e.getMessage());
                    }
                }
            }
            config = new Config(weightFile, reload, List.copyOf(prefer));
        }
        return config;
    }

    private static PluginException unknown(Controller c) {
        if (c.val().equals("limit_answers")) {
            return c.err("'limit_answers' is not supported by kdns yet");
        }
        return c.err("unknown property '" + c.val() + "'");
    }
}
