package kdns.plugin.standard.reload;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import kdns.api.Controller;
import kdns.api.Log;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.text.Durations;
import kdns.plugin.standard.process.SharedTimer;
import kdns.plugin.standard.telemetry.LogSink;

/**
 * {@code reload [INTERVAL] [JITTER]}: checks the Corefile every INTERVAL (30s; at least 2s),
 * moved once by a random amount within ±JITTER/2 (15s; at least 1s; more than INTERVAL/2 is cut
 * to INTERVAL/2, as CoreDNS does), and reloads when its parsed content changed. The check runs for
 * the instance that set it up; the instance a reload builds runs its own.
 */
public final class ReloadPlugin implements Plugin {

    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    static final Duration DEFAULT_JITTER = Duration.ofSeconds(15);
    static final Duration MIN_INTERVAL = Duration.ofSeconds(2);
    static final Duration MIN_JITTER = Duration.ofSeconds(1);

    private final LogSink sink;

    public ReloadPlugin() {
        this(LogSink.of(Log.forPlugin("reload")));
    }

    /** For tests: lines go to {@code sink} instead of standard output. */
    ReloadPlugin(LogSink sink) {
        this.sink = sink;
    }

    @Override
    public String name() {
        return "reload";
    }

    @Override
    public String description() {
        return "reloads the Corefile automatically when it changes";
    }

    /** The parsed directive; {@code interval} already moved by the jitter. */
    record Config(Duration interval, Duration jitter, Duration effective) {
    }

    @Override
    public void setup(Controller c) throws PluginException {
        Config config = parse(c);
        // One watcher per instance, whichever blocks name reload (CoreDNS's is process-wide too).
        Reloading r = c.instance().shared("reload", Reloading.class, () -> new Reloading(
                c.instance()::reloader, ReloadMetrics.of(c.instance().metrics()), sink, SharedTimer.scheduler(),
                config.effective()));
        c.onStartup(r::start);
        c.onShutdown(r::stop);
    }

    static Config parse(Controller c) throws PluginException {
        Written written = c.once(new Written(DEFAULT_INTERVAL, DEFAULT_JITTER), ReloadPlugin::occurrence);
        Duration interval = written.interval();
        Duration jitter = written.jitter();
        if (jitter.compareTo(interval.dividedBy(2)) > 0) {
            jitter = interval.dividedBy(2);
        }
        long j = jitter.toNanos();
        Duration effective = interval.plusNanos(ThreadLocalRandom.current().nextLong(j) - j / 2);
        return new Config(interval, jitter, effective);
    }

    /** {@code reload [INTERVAL] [JITTER]} as the Corefile wrote it. */
    private record Written(Duration interval, Duration jitter) {
    }

    private static Written occurrence(Controller c) throws PluginException {
        Duration interval = DEFAULT_INTERVAL;
        Duration jitter = DEFAULT_JITTER;
        List<String> args = c.remainingArgs();
        if (args.size() > 2) {
            throw c.argErr();
        }
        if (!args.isEmpty()) {
            interval = duration(c, args.get(0), "interval");
        }
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw c.err("interval value must be greater or equal to " + Durations.format(MIN_INTERVAL));
        }
        if (args.size() > 1) {
            jitter = duration(c, args.get(1), "jitter");
        }
        if (jitter.compareTo(MIN_JITTER) < 0) {
            throw c.err("jitter value must be greater or equal to " + Durations.format(MIN_JITTER));
        }
        if (c.nextBlock()) {
            throw c.err("reload takes no block, found '" + c.val() + "'");
        }
        return new Written(interval, jitter);
    }

    private static Duration duration(Controller c, String text, String what) throws PluginException {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw c.err("invalid " + what + " '" + text + "': " + e.getMessage());
        }
    }
}
