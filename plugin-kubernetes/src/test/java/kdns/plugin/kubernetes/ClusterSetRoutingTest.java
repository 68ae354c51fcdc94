package kdns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kdns.api.Replies;
import kdns.api.Request;
import kdns.plugin.kubernetes.dns.Answerer;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.plugin.kubernetes.model.ServiceInfo;
import kdns.plugin.kubernetes.spi.ClusterSetZones;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The kubernetes handler with the {@code multicluster} option's zones (the extension API's
 * {@link ClusterSetZones}, here a recording one): names in those zones are answered there, a null
 * answer (fallthrough) goes to the next plugin, and every other name is the cluster's own.
 */
class ClusterSetRoutingTest {

    private static final int NEXT_MARKER = Rcode.NOTAUTH;

    /** Answers {@code known.*} names with YXDOMAIN (no cluster answer is), passes on the rest. */
    private static final class RecordingZones implements ClusterSetZones {
        final List<String> asked = new ArrayList<>();

        @Override
        public boolean inZones(String lowerName) {
            return lowerName.endsWith(".clusterset.local.");
        }

        @Override
        public Message answer(Request request) {
            asked.add(request.name());
            return request.name().startsWith("known.") ? Replies.authoritative(request.message(), Rcode.YXDOMAIN) : null;
        }

        @Override
        public boolean hasSynced() {
            return true;
        }

        @Override
        public void start() {
        }

        @Override
        public void startAndWait(Duration timeout) {
        }

        @Override
        public void stop() {
        }
    }

    @Test
    void clusterSetNamesGoToTheClusterSetZonesAndOtherNamesToTheCluster() throws Exception {
        KubernetesConfig config = KubernetesDirective.parse(TestController.of(
                "kubernetes cluster.local clusterset.local", List.of("cluster.local", "clusterset.local")))
                .withMulticlusterZones(List.of("clusterset.local."));
        ClusterIndex index = new ClusterIndex();
        index.putNamespace("db");
        index.putService(new ServiceInfo("db", "web", "ClusterIP", List.of("10.96.0.20"), "", List.of(), List.of()));
        RecordingZones zones = new RecordingZones();
        KubernetesHandler h = new KubernetesHandler(new Answerer(config, index, () -> true, List::of), zones,
                TestHandlers.answering(NEXT_MARKER), () -> true, TestController.of("kubernetes"));

        assertEquals(Rcode.YXDOMAIN, ask(h, "known.db.svc.clusterset.local.").getRcode());
        assertEquals(NEXT_MARKER, ask(h, "other.db.svc.clusterset.local.").getRcode(), "fallthrough: the next plugin");
        Message cluster = ask(h, "web.db.svc.cluster.local.");
        assertEquals(Rcode.NOERROR, cluster.getRcode());
        assertTrue(cluster.toString().contains("10.96.0.20"), cluster.toString());
        assertEquals(List.of("known.db.svc.clusterset.local.", "other.db.svc.clusterset.local."), zones.asked);
    }

    private static Message ask(KubernetesHandler h, String name) throws Exception {
        RecordingWriter w = new RecordingWriter();
        h.serve(TestRequests.query(name, Type.A), w);
        return w.await(5, TimeUnit.SECONDS);
    }
}
