package kdns.plugin.kubernetes;

import static kdns.testing.Polling.eventually;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import kdns.api.Handler;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import kdns.testing.kubernetes.FakeApiServer;
import kdns.testing.kubernetes.KubeObjects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The same API outage fifty times (every watch dropped, then 500s), with a service added and one
 * deleted during each: the answers follow once the API is back, and neither the thread count nor
 * the heap grows from outage to outage (no leaked informer, watch or connection).
 */
@Timeout(300)
class RepeatedOutagesTest {

    private static final int OUTAGES = 50;

    @TempDir
    Path dir;

    private static String service(String name, String ip) {
        return """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"%s","namespace":"outage"},
                 "spec":{"type":"ClusterIP","clusterIP":"%s","clusterIPs":["%s"],
                         "ports":[{"name":"http","protocol":"TCP","port":80}]}}""".formatted(name, ip, ip);
    }

    private static String answer(Handler h, String name) {
        try {
            RecordingWriter w = new RecordingWriter();
            h.serve(TestRequests.query(name, Type.A), w);
            Message m = w.msg();
            if (m == null || m.getRcode() != Rcode.NOERROR || m.getSection(Section.ANSWER).isEmpty()) {
                return "";
            }
            return ((ARecord) m.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress();
        } catch (Exception e) {
            return "";
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void fiftyOutagesLeakNothing() throws Exception {
        try (FakeApiServer api = FakeApiServer.start()) {
            api.create(KubeObjects.parse("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"outage\"}}"));
            api.create(KubeObjects.parse(service("svc", "10.0.0.1")));
            api.create(KubeObjects.parse(service("keep", "10.0.0.2")));
            TestController c = TestController.of("kubernetes cluster.local {\n kubeconfig " + api.kubeconfig(dir) + "\n}");
            new KubernetesPlugin().setup(c);
            Handler h = c.handler(TestHandlers.answering(Rcode.NOERROR));
            c.runStartup();
            try {
                eventually("synced", () -> answer(h, "svc.outage.svc.cluster.local.").equals("10.0.0.1"));
                int threadsAfterWarmUp = 0;
                long heapAfterWarmUp = 0;
                for (int i = 1; i <= OUTAGES; i++) {
                    api.dropAllWatches();
                    api.failNextRequests(3, 500);
                    String ip = "10.1." + (i / 250) + "." + (i % 250 + 1);
                    String name = "svc" + i;
                    String previous = i == 1 ? "svc" : "svc" + (i - 1);
                    api.create(KubeObjects.parse(service(name, ip)));
                    api.delete("services", "outage", previous);
                    // The service that exists throughout still answers from the last known state.
                    assertTrue(!answer(h, "keep.outage.svc.cluster.local.").isEmpty(), "answers during outage " + i);
                    eventually("outage " + i + " resynced", () -> answer(h, name + ".outage.svc.cluster.local.").equals(ip)
                            && answer(h, previous + ".outage.svc.cluster.local.").isEmpty());
                    if (i == 10) {
                        threadsAfterWarmUp = Thread.activeCount();
                        heapAfterWarmUp = usedHeapAfterGc();
                    }
                }
                int threads = Thread.activeCount();
                long heap = usedHeapAfterGc();
                System.out.printf("after 10 outages: %d threads, %d KiB heap; after %d: %d threads, %d KiB heap%n",
                        threadsAfterWarmUp, heapAfterWarmUp / 1024, OUTAGES, threads, heap / 1024);
                assertTrue(threads <= threadsAfterWarmUp + 5, "threads grew from " + threadsAfterWarmUp + " to " + threads);
                assertTrue(heap <= heapAfterWarmUp + 16L * 1024 * 1024,
                        "heap grew from " + heapAfterWarmUp / 1024 + " KiB to " + heap / 1024 + " KiB");
            } finally {
                c.runShutdown();
            }
        }
    }
}
