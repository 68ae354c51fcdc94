package kdns.plugin.standard.reload;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import kdns.api.PluginException;
import kdns.api.Reloader;
import kdns.plugin.standard.telemetry.LogSink;

/**
 * The periodic check of one instance: every interval, parse the Corefile again and compare its
 * hash with the hash the instance was built from; when they differ, reload once for that content
 * (a failed reload is not tried again until the content changes once more, like CoreDNS). Started
 * by the instance's startup and stopped by its shutdown: after a successful reload the new
 * instance's own check takes over. Thread-safe.
 */
final class Reloading {

    private final Supplier<Reloader> reloaders;
    private Reloader reloader;
    private final ReloadMetrics metrics;
    private final LogSink sink;
    private final ScheduledExecutorService scheduler;
    private final Duration interval;
    /** How often the running hash is asked for until the host knows it. */
    static final long RESOLVE_MS = 50;

    private ScheduledFuture<?> task;
    private ScheduledFuture<?> resolving;
    /** The hash last acted on (running or tried); null until the running hash is known. */
    private String known;
    /** The parse error last logged, so a broken file is logged once per distinct error. */
    private String lastError;
    private boolean reloading;

    /** @param reloaders gives the instance's reloader once it starts (it is set after setup) */
    Reloading(Supplier<Reloader> reloaders, ReloadMetrics metrics, LogSink sink, ScheduledExecutorService scheduler,
              Duration interval) {
        this.reloaders = reloaders;
        this.metrics = metrics;
        this.sink = sink;
        this.scheduler = scheduler;
        this.interval = interval;
    }

    Duration interval() {
        return interval;
    }

    synchronized void start() {
        if (task != null) {
            return;
        }
        reloader = reloaders.get();
        long nanos = interval.toNanos();
        task = scheduler.scheduleWithFixedDelay(this::check, nanos, nanos, TimeUnit.NANOSECONDS);
        if (!resolve()) {
            // On the first start the host knows the running hash only once the start-up hooks
            // are done: ask again shortly.
            resolving = scheduler.scheduleWithFixedDelay(this::resolve, RESOLVE_MS, RESOLVE_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Learns the running hash once; logs and exports it. True when it is known. */
    synchronized boolean resolve() {
        if (known != null || task == null) {
            cancelResolving();
            return true;
        }
        String h = reloader.runningHash();
        if (h == null || h.isEmpty()) {
            return false;
        }
        known = h;
        sink.info("Running configuration SHA512 = " + h);
        metrics.running(h);
        cancelResolving();
        return true;
    }

    private void cancelResolving() {
        if (resolving != null) {
            resolving.cancel(false);
            resolving = null;
        }
    }

    synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
        cancelResolving();
    }

    synchronized boolean running() {
        return task != null;
    }

    /** One check; runs on the timer thread (tests call it directly). */
    void check() {
        String onDisk;
        Reloader reloader;
        synchronized (this) {
            if (task == null || reloading || known == null) {
                return;
            }
            reloader = this.reloader;
        }
        try {
            onDisk = reloader.hashOnDisk();
        } catch (PluginException | RuntimeException e) {
            String error = e.getMessage();
            synchronized (this) {
                if (Objects.equals(error, lastError)) {
                    return;
                }
                lastError = error;
            }
            sink.warning("Corefile parse failed: " + error);
            return;
        }
        synchronized (this) {
            lastError = null;
            if (task == null || onDisk.equals(known)) {
                return;
            }
            // Do not try again with the same content, even if this reload fails.
            known = onDisk;
            reloading = true;
        }
        reloader.reload(error -> {
            synchronized (this) {
                reloading = false;
            }
            metrics.running(onDisk);
            if (error != null) {
                sink.error("Corefile changed but reload failed: " + error);
                metrics.failed().inc();
            }
        });
    }
}
