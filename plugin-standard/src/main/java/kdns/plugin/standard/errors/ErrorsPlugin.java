package kdns.plugin.standard.errors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import kdns.api.Controller;
import kdns.api.Log;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.text.Durations;
import kdns.plugin.standard.telemetry.LogSink;

/**
 * {@code errors [stdout] { stacktrace; consolidate DURATION REGEXP [LEVEL] [show_first] }}, once
 * per server block.
 */
public final class ErrorsPlugin implements Plugin {

    /** The longest REGEXP {@code consolidate} accepts, as CoreDNS. */
    static final int MAX_REGEXP_LENGTH = 10_000;

    private final LogSink sink;

    public ErrorsPlugin() {
        this(LogSink.of(Log.forPlugin("errors")));
    }

    /** For tests: lines go to {@code sink} instead of standard output. */
    ErrorsPlugin(LogSink sink) {
        this.sink = sink;
    }

    @Override
    public String name() {
        return "errors";
    }

    @Override
    public String description() {
        return "logs the errors of the rest of the chain, optionally consolidated";
    }

    /** What one {@code errors} directive configures. */
    record Config(List<Consolidation> consolidations, boolean stacktrace) {
    }

    @Override
    public void setup(Controller c) throws PluginException {
        Config config = parse(c, sink);
        String server = c.serverBlockKeys().isEmpty() ? "" : c.serverBlockKeys().get(0);
        c.onShutdown(() -> config.consolidations().forEach(Consolidation::stop));
        c.addHandler(next -> new ErrorsHandler(next, config.consolidations(), config.stacktrace(), server, sink));
    }

    static Config parse(Controller c, LogSink sink) throws PluginException {
        return c.once(new Config(List.of(), false), at -> occurrence(at, sink));
    }

    private static Config occurrence(Controller c, LogSink sink) throws PluginException {
        List<String> args = c.remainingArgs();
        if (args.size() > 1) {
            throw c.argErr();
        }
        if (args.size() == 1 && !args.get(0).equals("stdout")) {
            throw c.err("invalid log file: " + args.get(0));
        }
        List<Consolidation> consolidations = new ArrayList<>();
        boolean stacktrace = false;
        while (c.nextBlock()) {
            switch (c.val()) {
                case "stacktrace" -> {
                    if (c.nextArg()) {
                        throw c.argErr();
                    }
                    stacktrace = true;
                }
                case "consolidate" -> consolidations.add(parseConsolidate(c, sink));
                default -> throw c.err("unknown property '" + c.val() + "'");
            }
        }
        return new Config(List.copyOf(consolidations), stacktrace);
    }

    private static Consolidation parseConsolidate(Controller c, LogSink sink) throws PluginException {
        List<String> args = c.remainingArgs();
        if (args.size() < 2 || args.size() > 4) {
            throw c.argErr();
        }
        Duration period;
        try {
            period = Durations.parse(args.get(0));
        } catch (IllegalArgumentException e) {
            throw c.err(e.getMessage());
        }
        if (period.isNegative() || period.isZero()) {
            throw c.err("consolidate DURATION must be positive: " + args.get(0));
        }
        String regexp = args.get(1);
        if (regexp.length() > MAX_REGEXP_LENGTH) {
            throw c.err("consolidate REGEXP is longer than " + MAX_REGEXP_LENGTH + " characters");
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(regexp);
        } catch (PatternSyntaxException e) {
            throw c.err("error parsing regexp: " + e.getDescription() + ": `" + regexp + "`");
        }
        Level level = Level.ERROR;
        boolean showFirst = false;
        if (args.size() >= 3) {
            String third = args.get(2);
            if (args.size() == 3 && third.equals("show_first")) {
                showFirst = true;
            } else {
                level = Level.fromString(third);
                if (level == null) {
                    throw c.err("unknown log level argument in consolidate: " + third);
                }
            }
        }
        if (args.size() == 4) {
            if (!args.get(3).equals("show_first")) {
                throw c.err("unknown option in consolidate: " + args.get(3) + ", expected show_first");
            }
            showFirst = true;
        }
        return new Consolidation(period, pattern, level, showFirst, sink);
    }
}
