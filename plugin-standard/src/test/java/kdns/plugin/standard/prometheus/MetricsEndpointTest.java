package kdns.plugin.standard.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.List;
import kdns.api.Handler;
import kdns.plugin.standard.Http;
import kdns.plugin.standard.endpoint.HostPort;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import org.junit.jupiter.api.Test;

/** The /metrics listener: opened at startup, shared by blocks and reloads, closed by the last user. */
class MetricsEndpointTest {

    @Test
    void servesTheRegistryInTheTextFormat() throws Exception {
        int port = Http.freePort();
        TestController c = TestController.of("prometheus 127.0.0.1:" + port);
        new PrometheusPlugin().setup(c);
        Handler h = c.handler(TestHandlers.answering(0));
        c.runStartup();
        try {
            Http.Response r = Http.get(port, "/metrics");
            assertEquals(200, r.status());
            assertTrue(r.body().contains("# TYPE coredns_build_info gauge"), r.body());
            assertTrue(r.body().matches("(?s).*coredns_build_info\\{goversion=\"java[0-9.]+\",revision=\"[^\"]+\","
                    + "version=\"[^\"]+\"} 1\n.*"), r.body());
            assertTrue(r.body().contains("coredns_plugin_enabled{name=\"prometheus\",server=\"dns://:53\",view=\"\","
                    + "zone=\".\"} 1.0"), r.body());
            assertEquals(404, Http.get(port, "/").status());
            assertEquals(404, Http.get(port, "/metrics/x").status());
            h.getClass(); // the handler is what coredns_plugin_enabled names
        } finally {
            c.runFinalShutdown();
        }
        assertTrue(Http.refused(port), "closed after the final shutdown");
    }

    @Test
    void sharedByBlocksAndKeptAcrossAReload() throws Exception {
        int port = Http.freePort();
        HostPort address = HostPort.parse("127.0.0.1:" + port);
        TestController first = TestController.of("prometheus 127.0.0.1:" + port);
        new PrometheusPlugin().setup(first);
        TestController second = TestController.nextBlock(first, "prometheus 127.0.0.1:" + port);
        new PrometheusPlugin().setup(second);
        first.runStartup();
        MetricsEndpoint ep = MetricsEndpoint.get(address);
        assertNotNull(ep);

        // A reload: the new instance starts (reusing the listener), then the old one stops.
        TestController next = TestController.of("prometheus 127.0.0.1:" + port);
        new PrometheusPlugin().setup(next);
        first.runRestart();
        next.runStartup();
        first.runShutdown();
        assertEquals(ep, MetricsEndpoint.get(address), "the same listener");
        assertEquals(200, Http.get(port, "/metrics").status());

        next.runFinalShutdown();
        assertNull(MetricsEndpoint.get(address));
        assertTrue(Http.refused(port));
    }

    @Test
    void aBusyAddressFailsTheStart() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            TestController c = TestController.of("prometheus 127.0.0.1:" + busy.getLocalPort());
            new PrometheusPlugin().setup(c);
            Exception e = assertThrows(Exception.class, c::runStartup);
            assertTrue(e.getMessage().startsWith("Failed to start metrics handler: listen tcp 127.0.0.1:"
                    + busy.getLocalPort()), e.getMessage());
            c.runFinalShutdown();
        }
    }

    @Test
    void pluginEnabledIsClearedOnRestartAndSetAgainWhenItFails() throws Exception {
        int port = Http.freePort();
        TestController c = TestController.of("prometheus 127.0.0.1:" + port);
        new PrometheusPlugin().setup(c);
        c.handler(TestHandlers.answering(0));
        c.runStartup();
        try {
            String series = "coredns_plugin_enabled{name=\"prometheus\",server=\"dns://:53\",view=\"\",zone=\".\"}";
            assertEquals(1.0, Scrape.value(Scrape.text(c.instance().metrics()), series));
            c.runRestart();
            assertTrue(Double.isNaN(Scrape.value(Scrape.text(c.instance().metrics()), series)));
            c.runRestartFailed();
            assertEquals(1.0, Scrape.value(Scrape.text(c.instance().metrics()), series));
        } finally {
            c.runFinalShutdown();
        }
    }
}
