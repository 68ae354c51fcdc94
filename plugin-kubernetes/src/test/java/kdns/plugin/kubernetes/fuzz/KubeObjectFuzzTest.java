package kdns.plugin.kubernetes.fuzz;

import kdns.plugin.kubernetes.KubernetesDirective;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.List;
import kdns.api.Request;
import kdns.plugin.kubernetes.KubernetesConfig;
import kdns.plugin.kubernetes.dns.Answerer;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.plugin.kubernetes.model.Convert;
import kdns.plugin.kubernetes.model.PodInfo;
import kdns.plugin.kubernetes.model.ServiceInfo;
import kdns.plugin.kubernetes.model.SliceInfo;
import kdns.testing.TestRequests;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;

/**
 * Service, EndpointSlice and Pod objects as the API server could send them, decoded by the
 * official client's models, converted into the index and answered: whatever the client accepts
 * never makes the conversion, the index or the answers throw. Objects the client itself rejects
 * are its business. Regression mode (make test) runs the seeds in KubeObjectFuzzTestInputs;
 * JAZZER_FUZZ=1 fuzzes.
 */
class KubeObjectFuzzTest {

    private static final KubernetesConfig CONFIG = config();
    private static final String[] NAMES = {"svc.ns.svc.cluster.local.", "_http._tcp.svc.ns.svc.cluster.local.",
        "ep.svc.ns.svc.cluster.local.", "10-0-0-1.ns.pod.cluster.local.", "1.0.0.10.in-addr.arpa.",
        "ns.svc.cluster.local.", "cluster.local."};
    private static final int[] TYPES = {Type.A, Type.AAAA, Type.SRV, Type.PTR, Type.TXT, Type.NS, Type.SOA, Type.CNAME};

    private static KubernetesConfig config() {
        try {
            return kdns.plugin.kubernetes.KubernetesDirective.parse(kdns.testing.TestController.of(
                    "kubernetes cluster.local in-addr.arpa {\n pods verified\n endpoint_pod_names\n}"));
        } catch (kdns.api.PluginException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Byte 0 picks the kind (Service, EndpointSlice, Pod); the rest is the object's JSON. */
    @FuzzTest(maxDuration = "15s")
    void decodeAndAnswer(byte[] input) {
        if (input == null || input.length < 1) {
            return;
        }
        int kind = Math.floorMod(input[0], 3);
        String json = new String(input, 1, input.length - 1, java.nio.charset.StandardCharsets.UTF_8);
        ClusterIndex index = new ClusterIndex();
        index.putNamespace("ns");
        try {
            switch (kind) {
                case 0 -> {
                    ServiceInfo s = Convert.service(JSON.deserialize(json, V1Service.class));
                    if (s != null) {
                        index.putService(s);
                        index.removeService(s.namespace(), s.name());
                        index.putService(s);
                    }
                }
                case 1 -> {
                    SliceInfo s = Convert.slice(JSON.deserialize(json, V1EndpointSlice.class));
                    if (s != null) {
                        index.putSlice(null, s);
                    }
                }
                default -> {
                    PodInfo p = Convert.pod(JSON.deserialize(json, V1Pod.class));
                    if (p != null) {
                        index.putPod(null, p);
                    }
                }
            }
        } catch (RuntimeException rejectedByTheClient) {
            if (isClientRejection(rejectedByTheClient)) {
                return;
            }
            throw rejectedByTheClient;
        }
        Answerer answerer = new Answerer(CONFIG, index, () -> true, List::of);
        for (String n : NAMES) {
            for (int t : TYPES) {
                Request r = TestRequests.from(TestRequests.message(n, t, DClass.IN), kdns.api.Transport.UDP,
                        new java.net.InetSocketAddress("10.0.0.1", 5000));
                answerer.answer(r);
            }
        }
    }

    /** Decoding errors of the client's JSON layer (its models validate as they decode). */
    private static boolean isClientRejection(RuntimeException e) {
        for (StackTraceElement f : e.getStackTrace()) {
            String c = f.getClassName();
            if (c.startsWith("kdns.plugin.kubernetes.model") || c.startsWith("kdns.plugin.kubernetes.index")) {
                return false;
            }
        }
        return true;
    }
}
