package kdns.plugin.standard.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import kdns.api.MetricsRegistry;
import kdns.plugin.standard.CapturingSink;
import kdns.plugin.standard.Http;
import kdns.plugin.standard.endpoint.HostPort;
import kdns.plugin.standard.process.ProcessState;
import kdns.testing.TestController;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthServerTest {

    private final CapturingSink sink = new CapturingSink();
    private int port;

    private TestController health(String extra) throws Exception {
        port = port == 0 ? Http.freePort() : port;
        TestController c = TestController.of("health 127.0.0.1:" + port + extra);
        new HealthPlugin(sink).setup(c);
        return c;
    }

    @AfterEach
    void closeLeftovers() {
        if (port != 0) {
            HealthServers.close(HostPort.parse("127.0.0.1:" + port));
        }
    }

    @Test
    void servesHealthUntilFinalShutdown() throws Exception {
        TestController c = health("");
        c.runStartup();
        assertEquals(new Http.Response(200, "OK"), Http.get(port, "/health"));
        assertEquals(404, Http.get(port, "/").status());
        assertEquals(404, Http.get(port, "/healthz").status());
        c.runShutdown();
        assertEquals(200, Http.get(port, "/health").status(), "a plain shutdown is the first half of the final one");
        c.runFinalShutdown();
        assertTrue(Http.refused(port));
    }

    @Test
    void lameduckAnswers503ThenCloses() throws Exception {
        TestController c = health(" {\n    lameduck 1s\n}");
        c.runStartup();
        assertEquals(200, Http.get(port, "/health").status());
        long start = System.nanoTime();
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(c::runFinalShutdown);
        assertNotNull(sink.await(l -> l.equals("[INFO] Going into lameduck mode for 1s"), Duration.ofSeconds(5)));
        assertEquals(new Http.Response(503, "Service Unavailable"), Http.get(port, "/health"));
        assertTrue(ProcessState.lameduck());
        stopping.get();
        assertTrue(System.nanoTime() - start >= 900_000_000L, "waited the lameduck duration");
        assertTrue(Http.refused(port));
        assertTrue(!ProcessState.lameduck(), "reset once every listener is closed");
    }

    @Test
    void listenerSurvivesAReload() throws Exception {
        TestController old = health("");
        old.runStartup();
        HealthServer server = HealthServers.get(HostPort.parse("127.0.0.1:" + port));

        old.runRestart();
        TestController fresh = health("");
        fresh.runStartup();  // would fail with "address in use" if a second listener were opened
        old.runShutdown();
        assertEquals(200, Http.get(port, "/health").status());
        assertTrue(server == HealthServers.get(HostPort.parse("127.0.0.1:" + port)), "the same listener");

        fresh.runFinalShutdown();
        assertTrue(Http.refused(port));
    }

    @Test
    void reloadWithoutHealthClosesTheListener() throws Exception {
        TestController old = health("");
        old.runStartup();
        old.runRestart();
        old.runShutdown();
        assertTrue(Http.refused(port));
        assertNull(HealthServers.get(HostPort.parse("127.0.0.1:" + port)));
    }

    @Test
    void failedReloadKeepsServing() throws Exception {
        TestController c = health("");
        c.runStartup();
        c.runRestart();
        c.runRestartFailed();
        c.runShutdown();
        assertEquals(200, Http.get(port, "/health").status());
        c.runFinalShutdown();
        assertTrue(Http.refused(port));
    }

    @Test
    void busyAddressFailsStartup() throws Exception {
        port = Http.freePort();
        try (java.net.ServerSocket busy = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertEquals(port, busy.getLocalPort());
            TestController c = health("");
            Exception e = assertThrows(Exception.class, c::runStartup);
            assertTrue(e.getMessage().contains("health: cannot listen on 127.0.0.1:" + port), e.getMessage());
        }
    }

    @Test
    void selfCheckRecordsDurationAndFailures() throws Exception {
        TestController c = health("");
        MetricsRegistry metrics = c.instance().metrics();
        c.runStartup();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (histogramCount(metrics) < 1 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(histogramCount(metrics) >= 1, "the self-check runs once per second");
        assertEquals(0.0, failures(metrics));

        // A self-check against a closed listener fails.
        HealthServer server = HealthServers.get(HostPort.parse("127.0.0.1:" + port));
        c.runFinalShutdown();
        double before = failures(metrics);
        server.selfCheck();
        assertTrue(failures(metrics) >= before + 1, "failures counted");
        assertNotNull(sink.await(l -> l.startsWith("[WARNING] Local health request to \"http://127.0.0.1:" + port
                + "/health\" failed: "), Duration.ofSeconds(1)));
    }

    private static MetricSnapshot snapshot(MetricsRegistry metrics, String name) {
        for (MetricSnapshot s : metrics.prometheus().scrape()) {
            if (name.startsWith(s.getMetadata().getName())) {
                return s;
            }
        }
        return null;
    }

    private static long histogramCount(MetricsRegistry metrics) {
        HistogramSnapshot h = (HistogramSnapshot) snapshot(metrics, HealthMetrics.DURATION);
        return h == null || h.getDataPoints().isEmpty() ? 0 : h.getDataPoints().get(0).getCount();
    }

    private static double failures(MetricsRegistry metrics) {
        CounterSnapshot s = (CounterSnapshot) snapshot(metrics, HealthMetrics.FAILURES);
        return s == null || s.getDataPoints().isEmpty() ? 0 : s.getDataPoints().get(0).getValue();
    }
}
