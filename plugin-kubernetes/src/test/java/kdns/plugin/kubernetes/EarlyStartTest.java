package kdns.plugin.kubernetes;

import static kdns.testing.Polling.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import kdns.api.Handler;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import kdns.testing.kubernetes.FakeApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The informers' first lists begin in the prepare hook (before the listeners are bound), not in the
 * start-up hook; an instance that never serves stops them in its abandon hook.
 */
@Timeout(60)
class EarlyStartTest {

    @TempDir
    Path dir;

    private FakeApiServer api;
    private TestController controller;

    @AfterEach
    void tearDown() {
        if (controller != null) {
            controller.runShutdown();
        }
        if (api != null) {
            api.close();
        }
    }

    private void setup() throws Exception {
        api = FakeApiServer.start();
        api.loadObjects(AcceptanceCases.root().get("objects"));
        controller = TestController.of("kubernetes cluster.local {\n kubeconfig " + api.kubeconfig(dir) + "\n}");
        new KubernetesPlugin().setup(controller);
    }

    private long serviceRequests() {
        return api.requests().stream().filter(r -> r.startsWith("GET /api/v1/services")).count();
    }

    private static long informerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("kubernetes-informer-")).count();
    }

    @Test
    void prepareStartsTheListsAndStartupWaitsForThem() throws Exception {
        setup();
        Handler h = controller.handler(TestHandlers.answering(Rcode.NOERROR));
        assertEquals(0, serviceRequests(), "setup itself makes no request");
        controller.runPrepare();
        eventually("the services list was requested before the start-up hooks ran", () -> serviceRequests() > 0);
        controller.runStartup();
        RecordingWriter w = new RecordingWriter();
        h.serve(TestRequests.query("svc1.testns.svc.cluster.local.", Type.A), w);
        assertEquals(Rcode.NOERROR, w.msg().getRcode(), "served from the lists begun in prepare");
        assertEquals("10.0.0.1", ((ARecord) w.msg().getSection(Section.ANSWER).get(0)).getAddress().getHostAddress());
    }

    @Test
    void abandonStopsWhatPrepareStarted() throws Exception {
        setup();
        controller.runPrepare();
        eventually("the services list was requested", () -> serviceRequests() > 0);
        controller.runAbandon();
        eventually("no informer thread left", () -> informerThreads() == 0);
        controller = null;
    }

    @Test
    void abandonWithoutPrepareIsHarmless() throws Exception {
        setup();
        controller.runAbandon();
        assertEquals(0, serviceRequests(), "nothing was started");
        controller = null;
    }
}
