package kdns.plugin.standard.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import kdns.api.MetricsRegistry;
import kdns.plugin.standard.CapturingSink;
import kdns.plugin.standard.process.SharedTimer;
import kdns.testing.RecordingReloader;
import kdns.testing.TestController;
import org.junit.jupiter.api.Test;

/** The periodic check against a recording reloader. */
class ReloadingTest {

    private final TestController c = TestController.of("reload");
    private final RecordingReloader reloader = c.instance().reloader();
    private final CapturingSink sink = new CapturingSink();
    private final MetricsRegistry registry = c.instance().metrics();

    /** A check that never fires by itself: the test calls {@link Reloading#check()}. */
    private Reloading manual() {
        return new Reloading(() -> reloader, ReloadMetrics.of(registry), sink, SharedTimer.scheduler(),
                Duration.ofHours(1));
    }

    private double failed() {
        return registry.counter(ReloadMetrics.FAILED, "Counter of the number of failed reload attempts.")
                .get();
    }

    private String text() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter.create().write(out,
                    registry.prometheus().scrape());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void startLogsAndExportsTheRunningHash() {
        Reloading r = manual();
        r.start();
        try {
            assertEquals(List.of("[INFO] Running configuration SHA512 = running"), sink.lines());
            assertTrue(text().contains("coredns_reload_version_info{hash=\"sha512\",value=\"running\"} 1"), text());
        } finally {
            r.stop();
        }
    }

    @Test
    void reloadsOnceWhenTheHashChanges() {
        Reloading r = manual();
        r.start();
        try {
            r.check();
            assertEquals(0, reloader.reloads(), "unchanged");
            reloader.onDisk("new");
            r.check();
            assertEquals(1, reloader.reloads());
            assertEquals("new", reloader.runningHash());
            r.check();
            assertEquals(1, reloader.reloads(), "nothing changed since");
            assertTrue(text().contains("coredns_reload_version_info{hash=\"sha512\",value=\"new\"} 1"), text());
            assertFalse(text().contains("value=\"running\""), "the old hash is gone");
            assertEquals(0.0, failed());
        } finally {
            r.stop();
        }
    }

    @Test
    void aFailedReloadIsCountedLoggedAndNotRetriedForTheSameContent() {
        Reloading r = manual();
        r.start();
        try {
            reloader.failWith("Corefile:3 - Error during parsing: Unknown directive 'nosuch'");
            reloader.onDisk("broken");
            r.check();
            r.check();
            assertEquals(1, reloader.reloads());
            assertEquals(1.0, failed());
            assertNotNull(sink.lines().stream().filter(l -> l.equals("[ERROR] Corefile changed but reload failed: "
                    + "Corefile:3 - Error during parsing: Unknown directive 'nosuch'")).findFirst().orElse(null),
                    sink.lines().toString());
            // Fixed: a new content is tried.
            reloader.failWith(null);
            reloader.onDisk("fixed");
            r.check();
            assertEquals(2, reloader.reloads());
            assertEquals(1.0, failed());
        } finally {
            r.stop();
        }
    }

    @Test
    void aParseErrorIsLoggedOncePerDistinctErrorAndNotCounted() {
        Reloading r = manual();
        r.start();
        try {
            reloader.onDisk(null); // hashOnDisk throws a parse error
            r.check();
            r.check();
            r.check();
            assertEquals(0, reloader.reloads());
            assertEquals(1, sink.lines().stream().filter(l -> l.startsWith("[WARNING] Corefile parse failed: "
                    + "Corefile:1 - Error during parsing: simulated parse error")).count(), sink.lines().toString());
            assertEquals(0.0, failed());
            reloader.onDisk("running");
            r.check();
            reloader.onDisk(null);
            r.check();
            assertEquals(2, sink.lines().stream().filter(l -> l.startsWith("[WARNING]")).count(),
                    "the same error after a good read is logged again");
        } finally {
            r.stop();
        }
    }

    @Test
    void theTimerChecksUntilStopped() throws Exception {
        Reloading r = new Reloading(() -> reloader, ReloadMetrics.of(registry), sink, SharedTimer.scheduler(),
                Duration.ofMillis(50));
        r.start();
        try {
            reloader.onDisk("changed");
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (reloader.reloads() == 0 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertEquals(1, reloader.reloads());
        } finally {
            r.stop();
        }
        assertFalse(r.running());
        reloader.onDisk("changed again");
        Thread.sleep(200);
        assertEquals(1, reloader.reloads(), "no check after stop");
        r.check();
        assertEquals(1, reloader.reloads(), "a stopped check does nothing");
    }

    @Test
    void theRunningHashIsLearnedOnceTheHostKnowsIt() throws Exception {
        // On the first start the host answers "" until its start-up hooks are done.
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        kdns.api.Reloader late = new kdns.api.Reloader() {
            @Override
            public String runningHash() {
                return started.get() ? reloader.runningHash() : "";
            }

            @Override
            public String hashOnDisk() throws kdns.api.PluginException {
                return reloader.hashOnDisk();
            }

            @Override
            public void reload(java.util.function.Consumer<String> outcome) {
                reloader.reload(outcome);
            }
        };
        Reloading r = new Reloading(() -> late, ReloadMetrics.of(registry), sink, SharedTimer.scheduler(),
                Duration.ofHours(1));
        r.start();
        try {
            r.check();
            assertEquals(0, reloader.reloads(), "no reload before the running hash is known");
            assertEquals(List.of(), sink.lines());
            started.set(true);
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (sink.lines().isEmpty() && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertEquals(List.of("[INFO] Running configuration SHA512 = running"), sink.lines());
            r.check();
            assertEquals(0, reloader.reloads());
            reloader.onDisk("changed");
            r.check();
            assertEquals(1, reloader.reloads());
        } finally {
            r.stop();
        }
    }

    @Test
    void setupStartsOnStartupAndStopsOnShutdown() throws Exception {
        new ReloadPlugin(sink).setup(c);
        c.runStartup();
        Reloading r = c.instance().shared("reload", Reloading.class, () -> null);
        assertTrue(r.running());
        assertTrue(r.interval().compareTo(Duration.ofMillis(22_500)) >= 0
                && r.interval().compareTo(Duration.ofMillis(37_500)) <= 0, r.interval().toString());
        c.runShutdown();
        assertFalse(r.running());
    }
}
