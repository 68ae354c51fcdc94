package kdns.plugin.standard.log;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import kdns.api.Controller;
import kdns.api.Log;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.text.Durations;
import kdns.plugin.standard.internal.LogSink;

/**
 * {@code log [NAMES...] [FORMAT] { class CLASSES...; minDuration [DURATION] }}, parsed as CoreDNS
 * does: no argument logs every name in the default format; one argument is a name; with more,
 * the last argument is the format when it contains a {@code {} ({@code {common}} and
 * {@code {combined}} are shortcuts) and the others are names. Each occurrence adds one rule per
 * name; the first matching rule decides.
 */
public final class LogPlugin implements Plugin {

    /** The duration {@code minDuration} without an argument stands for. */
    static final Duration DEFAULT_MIN_DURATION = Duration.ofMillis(100);

    private final LogSink sink;

    public LogPlugin() {
        this(LogSink.of(Log.plain()));
    }

    /** For tests: lines go to {@code sink} instead of standard output. */
    LogPlugin(LogSink sink) {
        this.sink = sink;
    }

    @Override
    public String name() {
        return "log";
    }

    @Override
    public String description() {
        return "logs queries and their replies to standard output";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        List<LogRule> rules = parse(c);
        c.addHandler(next -> new LogHandler(next, rules, sink));
    }

    static List<LogRule> parse(Controller c) throws PluginException {
        List<LogRule> rules = new ArrayList<>();
        while (c.next()) {
            List<String> args = new ArrayList<>(c.remainingArgs());
            String format = LogFormat.COMMON;
            if (args.isEmpty()) {
                args.add(".");
            } else if (args.size() > 1 && args.get(args.size() - 1).contains("{")) {
                String last = args.remove(args.size() - 1);
                format = switch (last) {
                    case "{common}" -> LogFormat.COMMON;
                    case "{combined}" -> LogFormat.COMBINED;
                    default -> last;
                };
            }
            EnumSet<ResponseClass> classes = EnumSet.noneOf(ResponseClass.class);
            long minDuration = 0;
            while (c.nextBlock()) {
                switch (c.val()) {
                    case "class" -> {
                        List<String> names = c.remainingArgs();
                        if (names.isEmpty()) {
                            throw c.argErr();
                        }
                        for (String n : names) {
                            ResponseClass cls = ResponseClass.fromString(n);
                            if (cls == null) {
                                throw c.err("invalid Class: " + n);
                            }
                            classes.add(cls);
                        }
                    }
                    case "minDuration" -> {
                        List<String> d = c.remainingArgs();
                        if (d.size() > 1) {
                            throw c.argErr();
                        }
                        if (d.isEmpty()) {
                            minDuration = DEFAULT_MIN_DURATION.toNanos();
                        } else {
                            try {
                                minDuration = Durations.parse(d.get(0)).toNanos();
                            } catch (IllegalArgumentException e) {
                                throw c.err("Illegal duration found: '" + d.get(0) + "'");
                            }
                        }
                    }
                    default -> throw c.err("unknown property '" + c.val() + "'");
                }
            }
            LogFormat compiled = LogFormat.compile(format);
            for (String name : args) {
                rules.add(new LogRule(LogRule.normalizeScope(name), compiled, classes, minDuration));
            }
        }
        return List.copyOf(rules);
    }
}
