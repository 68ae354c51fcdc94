package kdns.plugin.standard.errors;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import kdns.api.text.Durations;
import kdns.plugin.standard.process.SharedTimer;
import kdns.plugin.standard.telemetry.LogSink;

/**
 * One {@code consolidate DURATION REGEXP [LEVEL] [show_first]} option: errors whose message
 * matches are counted instead of logged; {@code DURATION} after the first of them one summary
 * line is printed, {@code N errors like 'REGEXP' occurred in last DURATION}. With
 * {@code show_first} the first error of a period is also logged in full, at {@code LEVEL}, and a
 * period with that single error prints no summary.
 */
final class Consolidation {

    private final Duration period;
    private final Pattern pattern;
    private final Level level;
    private final boolean showFirst;
    private final String summarySuffix;
    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean stopped;
    private volatile ScheduledFuture<?> timer;
    private final LogSink sink;

    Consolidation(Duration period, Pattern pattern, Level level, boolean showFirst, LogSink sink) {
        this.sink = sink;
        this.period = period;
        this.pattern = pattern;
        this.level = level;
        this.showFirst = showFirst;
        this.summarySuffix = " errors like '" + pattern.pattern() + "' occurred in last " + Durations.format(period);
    }

    Duration period() {
        return period;
    }

    Pattern pattern() {
        return pattern;
    }

    Level level() {
        return level;
    }

    boolean showFirst() {
        return showFirst;
    }

    /** True when {@code message} belongs to this option (a match anywhere, as Go's MatchString). */
    boolean matches(String message) {
        return pattern.matcher(message).find();
    }

    /**
     * Counts one error; returns false when the plugin is stopping and the caller must log it
     * itself. {@code line} is the full error line, logged at once for the first error of a period
     * when {@code show_first} is set.
     */
    boolean count(String line) {
        if (stopped) {
            return false;
        }
        if (count.incrementAndGet() == 1) {
            if (showFirst) {
                level.log(sink, line);
            }
            ScheduledFuture<?> t = SharedTimer.scheduler().schedule(this::flush, period.toNanos(), TimeUnit.NANOSECONDS);
            timer = t;
            if (stopped && t.cancel(false)) {
                flush();
            }
        }
        return true;
    }

    /** Prints the summary of the period that ends now, if there is one to print. */
    void flush() {
        int n = count.getAndSet(0);
        if (n > 1 || (n == 1 && !showFirst)) {
            level.log(sink, n + summarySuffix);
        }
    }

    /** Stops counting and prints what is pending at once. */
    void stop() {
        stopped = true;
        ScheduledFuture<?> t = timer;
        if (t != null && t.cancel(false)) {
            flush();
        }
    }
}
