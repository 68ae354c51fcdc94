package kdns.plugin.kubernetes.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.List;
import kdns.api.Handler;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.plugin.kubernetes.model.Convert;
import kdns.plugin.kubernetes.model.ServiceInfo;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * k8s_external over Services whose external IPs, load-balancer ingress and ports hold values no
 * valid object has: the bad parts are gone at conversion, every answer renders, the rest serves.
 */
class ExternalHostileObjectsTest {

    private static final String LONG_LABEL = "x".repeat(64);

    private static void put(ClusterIndex index, String json) {
        ServiceInfo s = Convert.service(JSON.deserialize(json, V1Service.class));
        if (s != null) {
            index.putService(s);
        }
    }

    @Test
    void badExternalValuesAreDroppedAndTheRestServes() throws Exception {
        ClusterIndex index = new ClusterIndex();
        index.putNamespace("testns");
        put(index, "{\"metadata\":{\"name\":\"svc1\",\"namespace\":\"testns\"},\"spec\":{\"type\":\"ClusterIP\","
                + "\"clusterIP\":\"10.0.0.1\",\"ports\":[{\"name\":\"http\",\"port\":80},{\"name\":\"bad\",\"port\":-10},"
                + "{\"name\":\"huge\",\"port\":99999}],\"externalIPs\":[\"1.2.3.4\",\"1.2.3\",\"" + LONG_LABEL + "\"]}}");
        put(index, "{\"metadata\":{\"name\":\"lb\",\"namespace\":\"testns\"},\"spec\":{\"type\":\"LoadBalancer\","
                + "\"clusterIP\":\"10.0.0.4\",\"ports\":[{\"name\":\"http\",\"port\":0}]},\"status\":{\"loadBalancer\":"
                + "{\"ingress\":[{\"hostname\":\"" + LONG_LABEL + ".example.net\"},{\"ip\":\"2001:db8::zz\"},"
                + "{\"ip\":\"192.0.2.7\"}]}}}");
        Handler h = ExternalHandlerTest.chain("kubernetes cluster.local", "k8s_external example.com", index,
                new ExternalHandlerTest.Upstream(false), List.of("127.0.0.1"), () -> true);
        for (String name : List.of("svc1.testns.example.com.", "_http._tcp.svc1.testns.example.com.",
                "_bad._tcp.svc1.testns.example.com.", "lb.testns.example.com.", "_http._tcp.lb.testns.example.com.",
                "4.3.2.1.in-addr.arpa.", "example.com.")) {
            for (int type : new int[] {Type.A, Type.AAAA, Type.SRV, Type.CNAME, Type.PTR, Type.NS, Type.SOA, Type.TXT}) {
                ExternalHandlerTest.ask(h, name, type).toWire(65535);
            }
        }
        assertEquals(List.of("1.2.3.4"), rdata(ExternalHandlerTest.ask(h, "svc1.testns.example.com.", Type.A)));
        assertEquals(List.of("0 100 80 svc1.testns.example.com."),
                rdata(ExternalHandlerTest.ask(h, "_http._tcp.svc1.testns.example.com.", Type.SRV)));
        assertTrue(rdata(ExternalHandlerTest.ask(h, "_bad._tcp.svc1.testns.example.com.", Type.SRV)).isEmpty());
        assertEquals(List.of("192.0.2.7"), rdata(ExternalHandlerTest.ask(h, "lb.testns.example.com.", Type.A)));
    }

    private static List<String> rdata(Message m) {
        return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
    }
}
