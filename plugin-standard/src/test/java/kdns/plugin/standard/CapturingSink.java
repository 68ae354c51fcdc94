package kdns.plugin.standard;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import kdns.plugin.standard.telemetry.LogSink;

/** A log sink that keeps every line as {@code [LEVEL] line}, for assertions. */
public final class CapturingSink implements LogSink {

    private final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public void info(String line) {
        lines.add("[INFO] " + line);
    }

    @Override
    public void warning(String line) {
        lines.add("[WARNING] " + line);
    }

    @Override
    public void error(String line) {
        lines.add("[ERROR] " + line);
    }

    @Override
    public void debug(String line) {
        lines.add("[DEBUG] " + line);
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    public void clear() {
        lines.clear();
    }

    /** Waits up to {@code timeout} for a line matching {@code p}; returns it or null. */
    public String await(Predicate<String> p, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (String l : lines) {
                if (p.test(l)) {
                    return l;
                }
            }
            Thread.sleep(10);
        }
        return null;
    }
}
