package kdns.plugin.standard.ready;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.api.Readiness;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.plugin.standard.CapturingSink;
import kdns.plugin.standard.Http;
import kdns.plugin.standard.process.ProcessState;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReadyPluginTest {

    private final CapturingSink sink = new CapturingSink();
    private TestController controller;

    /** A handler that needs warm-up, ready when {@code flag} is set. */
    static final class WarmingUp implements Handler, Readiness {
        final String name;
        final AtomicBoolean flag = new AtomicBoolean();
        int asked;

        WarmingUp(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int serve(Request request, ResponseWriter writer) {
            return 0;
        }

        @Override
        public synchronized boolean ready() {
            asked++;
            return flag.get();
        }
    }

    private static ReadyPlugin.Config parse(String text) throws PluginException {
        return ReadyPlugin.parse(TestController.of(text));
    }

    private static String error(String text) {
        return assertThrows(PluginException.class, () -> parse(text)).getMessage();
    }

    @AfterEach
    void stop() {
        if (controller != null) {
            controller.runFinalShutdown();
        }
        ProcessState.lameduck(false);
    }

    @Test
    void parsing() throws Exception {
        assertEquals(":8181", parse("ready").address().text());
        assertFalse(parse("ready").continuously());
        assertEquals("localhost:1234", parse("ready localhost:1234").address().text());
        assertFalse(parse("ready {\n    monitor until-ready\n}").continuously());
        assertTrue(parse("ready {\n    monitor continuously\n}").continuously());
        ReadyPlugin.Config c = parse("ready localhost:1234 {\n    monitor continuously\n}");
        assertEquals(1234, c.address().port());
        assertTrue(c.continuously());
    }

    @Test
    void parseErrors() {
        assertEquals("Corefile:2 - Error during parsing: monitor type '404' is not supported, expected until-ready or "
                + "continuously", error("ready localhost:1234 {\n    monitor 404\n}"));
        assertEquals("Corefile:2 - Error during parsing: unknown property 'monitro'",
                error("ready {\n    monitro continuously\n}"));
        assertTrue(error("ready {\n    monitor\n}").contains("Wrong argument count"));
        assertEquals("Corefile:1 - Error during parsing: Wrong argument count or unexpected line ending after 'b'",
                error("ready localhost:1234 b"));
        assertEquals("Corefile:1 - Error during parsing: address bla: missing port in address", error("ready bla"));
        assertTrue(error("ready bla bla").contains("Wrong argument count"));
        assertTrue(error("ready 127.0.0.1:0").contains("invalid port \"0\""));
        assertEquals("this plugin can only be used once per Server Block", error("ready\nready :8182"));
    }

    private int start(String extra, List<Handler> handlers) throws Exception {
        int port = Http.freePort();
        controller = TestController.of("ready 127.0.0.1:" + port + extra);
        new ReadyPlugin(sink).setup(controller);
        controller.instance().handlers(handlers);
        controller.runStartup();
        return port;
    }

    @Test
    void readyWhenEveryReadinessHandlerIs() throws Exception {
        WarmingUp k8s = new WarmingUp("kubernetes");
        WarmingUp etcd = new WarmingUp("etcd");
        int port = start("", List.of(TestHandlers.answering(0), k8s, etcd));

        assertEquals(new Http.Response(503, "etcd,kubernetes"), Http.get(port, "/ready"));
        assertNotNull(sink.await(l -> l.equals("[INFO] Plugins not ready: \"etcd,kubernetes\""), Duration.ofSeconds(1)));
        etcd.flag.set(true);
        assertEquals(new Http.Response(503, "kubernetes"), Http.get(port, "/ready"));
        k8s.flag.set(true);
        assertEquals(new Http.Response(200, "OK"), Http.get(port, "/ready"));
        assertEquals(404, Http.get(port, "/health").status());

        // until-ready: once ready, a plugin is not asked again.
        int asked = k8s.asked;
        k8s.flag.set(false);
        assertEquals(200, Http.get(port, "/ready").status());
        assertEquals(asked, k8s.asked);
    }

    @Test
    void continuously() throws Exception {
        WarmingUp k8s = new WarmingUp("kubernetes");
        k8s.flag.set(true);
        int port = start(" {\n    monitor continuously\n}", List.of(k8s));
        assertEquals(200, Http.get(port, "/ready").status());
        k8s.flag.set(false);
        assertEquals(new Http.Response(503, "kubernetes"), Http.get(port, "/ready"));
    }

    @Test
    void readyWithoutReadinessHandlers() throws Exception {
        int port = start("", List.of(TestHandlers.answering(0)));
        assertEquals(new Http.Response(200, "OK"), Http.get(port, "/ready"));
    }

    @Test
    void sameNameInSeveralBlocksIsReportedOnce() throws Exception {
        WarmingUp a = new WarmingUp("kubernetes");
        WarmingUp b = new WarmingUp("kubernetes");
        a.flag.set(true);
        int port = start("", List.of(a, b));
        assertEquals(new Http.Response(503, "kubernetes"), Http.get(port, "/ready"));
        b.flag.set(true);
        assertEquals(200, Http.get(port, "/ready").status());
    }

    @Test
    void shuttingDownDuringLameduck() throws Exception {
        int port = start("", List.of());
        ProcessState.lameduck(true);
        assertEquals(new Http.Response(503, "Shutting down"), Http.get(port, "/ready"));
    }

    @Test
    void blocksNamingTheSameAddressShareOneListener() throws Exception {
        int port = Http.freePort();
        controller = TestController.of("ready 127.0.0.1:" + port);
        new ReadyPlugin(sink).setup(controller);
        TestController second = TestController.nextBlock(controller, "ready 127.0.0.1:" + port);
        new ReadyPlugin(sink).setup(second);
        WarmingUp k8s = new WarmingUp("kubernetes");
        controller.instance().handlers(List.of(k8s));
        controller.runStartup(); // both blocks' hooks: the second must not bind again
        assertEquals(503, Http.get(port, "/ready").status());
        k8s.flag.set(true);
        assertEquals(200, Http.get(port, "/ready").status());
        second.runFinalShutdown();
        assertTrue(Http.refused(port));
    }

    @Test
    void reloadClosesAndFailedReloadReopens() throws Exception {
        int port = start("", List.of());
        controller.runRestart();
        assertTrue(Http.refused(port), "closed before the new instance opens its own");
        controller.runRestartFailed();
        assertEquals(200, Http.get(port, "/ready").status());
        controller.runShutdown();
        assertTrue(Http.refused(port));
    }

    @Test
    void busyAddressFailsStartup() throws Exception {
        int port = Http.freePort();
        try (java.net.ServerSocket busy = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertEquals(port, busy.getLocalPort());
            TestController c = TestController.of("ready 127.0.0.1:" + port);
            new ReadyPlugin(sink).setup(c);
            Exception e = assertThrows(Exception.class, c::runStartup);
            assertTrue(e.getMessage().contains("ready: cannot listen on 127.0.0.1:" + port), e.getMessage());
        }
    }

    @Test
    void pluginIdentity() {
        assertEquals("ready", new ReadyPlugin().name());
        assertFalse(new ReadyPlugin().description().isBlank());
    }
}
