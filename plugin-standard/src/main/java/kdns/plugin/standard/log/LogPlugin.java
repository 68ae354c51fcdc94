package kdns.plugin.standard.log;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;
import kdns.api.Controller;
import kdns.api.Log;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.text.Durations;
import kdns.plugin.standard.telemetry.LogSink;

/**
 * {@code log [NAMES...] [FORMAT] { class CLASSES...; minDuration [DURATION] }}, parsed as CoreDNS
 * does: no argument logs every name in the default format; one argument is a name; with more,
 * the last argument is the format when it contains a {@code {} ({@code {common}} and
 * {@code {combined}} are shortcuts) and the others are names. Each occurrence adds one rule per
 * name; the first matching rule decides.
 *
 * <p>The FILE argument of old CoreDNS releases ({@code log stdout}, {@code log NAME stdout [FORMAT]})
 * is still read: {@code stdout} among the names is dropped (queries always go to standard output)
 * with one warning naming the modern form; a FILE that is a path ({@code /var/log/dns.log},
 * {@code ./q.log}, {@code *.log}) or {@code stderr}/{@code syslog} is refused.
 */
public final class LogPlugin implements Plugin {

    private static final Log LOG = Log.forPlugin("log");

    /** The duration {@code minDuration} without an argument stands for. */
    static final Duration DEFAULT_MIN_DURATION = Duration.ofMillis(100);

    private final LogSink sink;
    private final Consumer<String> warnings;

    public LogPlugin() {
        this(LogSink.of(Log.plain()));
    }

    /** For tests: lines go to {@code sink} instead of standard output. */
    LogPlugin(LogSink sink) {
        this(sink, LOG::warning);
    }

    /** For tests: lines go to {@code sink}, setup warnings to {@code warnings}. */
    LogPlugin(LogSink sink, Consumer<String> warnings) {
        this.sink = sink;
        this.warnings = warnings;
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
        List<LogRule> rules = parse(c, warnings);
        c.addHandler(next -> new LogHandler(next, rules, sink));
    }

    static List<LogRule> parse(Controller c) throws PluginException {
        return parse(c, LOG::warning);
    }

    static List<LogRule> parse(Controller c, Consumer<String> warnings) throws PluginException {
        List<LogRule> rules = new ArrayList<>();
        List<String> modern = new ArrayList<>();
        while (c.next()) {
            List<String> args = new ArrayList<>(c.remainingArgs());
            String format = LogFormat.COMMON;
            String formatArg = null;
            if (args.isEmpty()) {
                args.add(".");
            } else if (args.size() > 1 && args.get(args.size() - 1).contains("{")) {
                String last = args.remove(args.size() - 1);
                formatArg = last;
                format = switch (last) {
                    case "{common}" -> LogFormat.COMMON;
                    case "{combined}" -> LogFormat.COMBINED;
                    default -> last;
                };
            }
            if (args.contains("stdout")) {
                args.removeIf("stdout"::equals);
                if (args.isEmpty()) {
                    args.add(".");
                }
                modern.add(modernForm(args, formatArg));
            }
            for (String a : args) {
                if (isFile(a)) {
                    throw c.err("kdns logs to standard output only: drop the file argument '" + a + "' (write '"
                            + modernForm(args.stream().filter(n -> !isFile(n)).toList(), formatArg) + "')");
                }
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
        if (!modern.isEmpty()) {
            warnings.accept("'log stdout' is deprecated (queries are always logged to standard output; the FILE "
                    + "argument of old CoreDNS releases is gone): use '" + String.join("' and '", modern) + "'");
        }
        return List.copyOf(rules);
    }

    /** An old FILE argument other than {@code stdout}: a path, a {@code .log} file, stderr or syslog. */
    static boolean isFile(String arg) {
        return arg.startsWith("/") || arg.startsWith("./") || arg.startsWith("../") || arg.startsWith("~")
                || arg.endsWith(".log") || arg.equals("stderr") || arg.equals("syslog");
    }

    /** The directive without a FILE argument: {@code log}, {@code log NAMES...}, {@code log NAMES... FORMAT}. */
    static String modernForm(List<String> names, String formatArg) {
        List<String> n = names.isEmpty() ? List.of(".") : names;
        StringBuilder sb = new StringBuilder("log");
        if (formatArg != null || !n.equals(List.of("."))) {
            sb.append(' ').append(String.join(" ", n));
        }
        if (formatArg != null) {
            boolean quote = formatArg.chars().anyMatch(Character::isWhitespace) || formatArg.contains("\"");
            sb.append(' ').append(quote ? "\"" + formatArg.replace("\"", "\\\"") + "\"" : formatArg);
        }
        return sb.toString();
    }
}
