package kdns.plugin.kubernetes.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.ArrayList;
import java.util.List;
import kdns.plugin.kubernetes.KubernetesConfig;
import kdns.plugin.kubernetes.KubernetesDirective;
import kdns.plugin.kubernetes.KubernetesPlugin;
import kdns.plugin.kubernetes.dns.Answerer;
import kdns.plugin.kubernetes.dns.ZoneTransfer;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.plugin.kubernetes.spi.Port;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * API objects with values no valid object has (the API server validates them; a broken server,
 * a proxy or a test fake may not): ports outside 1..65535, addresses that are not addresses,
 * names that cannot be DNS names. Conversion drops exactly the bad parts, every answer over the
 * index renders, and the rest of each object, and every other object, still serves.
 */
class HostileObjectsTest {

    private static final int[] TYPES = {Type.A, Type.AAAA, Type.SRV, Type.PTR, Type.TXT, Type.NS, Type.SOA, Type.CNAME,
        Type.ANY};
    private static final String LONG_LABEL = "x".repeat(64);
    private static final String LONG_NAME = "abcdefghi.".repeat(30) + "org";

    private static V1Service service(String json) {
        return JSON.deserialize(json, V1Service.class);
    }

    private static V1EndpointSlice slice(String json) {
        return JSON.deserialize(json, V1EndpointSlice.class);
    }

    private static String svcJson(String name, String clusterIp, String ports, String extra) {
        return "{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"ns\"},\"spec\":{\"type\":\"ClusterIP\","
                + "\"clusterIP\":\"" + clusterIp + "\",\"clusterIPs\":[\"" + clusterIp + "\"],\"ports\":" + ports
                + extra + "}}";
    }

    private static String sliceJson(String name, String svc, String endpoints, String ports) {
        return "{\"addressType\":\"IPv4\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"ns\",\"labels\":"
                + "{\"kubernetes.io/service-name\":\"" + svc + "\"}},\"endpoints\":" + endpoints + ",\"ports\":" + ports
                + "}";
    }

    @Test
    void portsOutsideTheRangeAreDroppedAndTheOtherPortsServe() {
        for (String bad : new String[] {"-10", "0", "65536", "70000", "2147483647", "-2147483648"}) {
            ServiceInfo s = Convert.service(service(svcJson("svc", "10.0.0.1",
                    "[{\"name\":\"bad\",\"protocol\":\"TCP\",\"port\":" + bad + "},{\"name\":\"dns\",\"protocol\":\"UDP\",\"port\":53}]",
                    "")));
            assertEquals(List.of(new Port("dns", "UDP", 53)), s.ports(), bad);
            SliceInfo sl = Convert.slice(slice(sliceJson("svc-1", "svc", "[{\"addresses\":[\"10.1.0.1\"]}]",
                    "[{\"name\":\"bad\",\"port\":" + bad + "},{\"name\":\"dns\",\"protocol\":\"UDP\",\"port\":53}]")));
            assertEquals(List.of(new Port("dns", "UDP", 53)), sl.ports(), bad);
        }
        ServiceInfo only = Convert.service(service(svcJson("svc", "10.0.0.1", "[{\"port\":-10}]", "")));
        assertEquals(List.of(Port.NONE), only.ports(), "no usable port: the no-port sentinel, as a Service without ports");
    }

    @Test
    void addressesThatAreNotAddressesAreDropped() {
        ServiceInfo s = Convert.service(service(svcJson("svc", "10.0.0.1", "[{\"port\":80}]",
                ",\"externalIPs\":[\"1.2.3.4\",\"1.2.3.999\",\"nope\"]")));
        assertEquals(List.of("10.0.0.1"), s.clusterIPs());
        assertEquals(List.of("1.2.3.4"), s.externalIPs());
        ServiceInfo badIp = Convert.service(service(svcJson("svc", "10.0.0.01", "[{\"port\":80}]", "")));
        assertEquals(List.of(), badIp.clusterIPs(), "a leading zero is no IP to Go either");
        ServiceInfo headless = Convert.service(service(svcJson("svc", "None", "[{\"port\":80}]", "")));
        assertTrue(headless.headless());
        SliceInfo sl = Convert.slice(slice(sliceJson("svc-1", "svc",
                "[{\"addresses\":[\"10.1.0.1\",\"bad\",\"10.1.0.256\"],\"hostname\":\"" + LONG_LABEL + "\"},"
                        + "{\"addresses\":[\"10.1.0.2\"],\"hostname\":\"a.b\"},{\"addresses\":[\"10.1.0.3\"],\"hostname\":\"web-3\"}]",
                "[{\"port\":80}]")));
        assertEquals(List.of(new Endpoint("10.1.0.1", "", null, null, null), new Endpoint("10.1.0.2", "", null, null, null),
                new Endpoint("10.1.0.3", "web-3", null, null, null)), sl.endpoints());
        PodInfo p = Convert.pod(JSON.deserialize("{\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},"
                + "\"status\":{\"podIP\":\"not-an-ip\"}}", V1Pod.class));
        assertEquals("", p.ip());
    }

    @Test
    void targetNamesAreKeptOnlyWhenAsked() {
        V1EndpointSlice withTargets = slice(sliceJson("svc-1", "svc",
                "[{\"addresses\":[\"10.1.0.1\"],\"targetRef\":{\"kind\":\"Pod\",\"name\":\"pod-a\"},"
                        + "\"nodeName\":\"node-1\"}]", "[{\"port\":80}]"));
        assertEquals(List.of(new Endpoint("10.1.0.1", "", "pod-a", "node-1", "")), Convert.slice(withTargets).endpoints());
        assertEquals(List.of(new Endpoint("10.1.0.1", "", "", "node-1", "")),
                Convert.slice(withTargets, false).endpoints(), "without endpoint_pod_names no name is made of it");
    }

    @Test
    void namesThatCannotBeDnsNamesAreDropped() {
        assertNull(Convert.service(service(svcJson(LONG_LABEL, "10.0.0.1", "[{\"port\":80}]", ""))));
        assertNull(Convert.service(service(svcJson("a.b", "10.0.0.1", "[{\"port\":80}]", ""))));
        ServiceInfo ext = Convert.service(JSON.deserialize("{\"metadata\":{\"name\":\"ext\",\"namespace\":\"ns\"},"
                + "\"spec\":{\"type\":\"ExternalName\",\"externalName\":\"" + LONG_NAME + "\"}}", V1Service.class));
        assertEquals("", ext.externalName());
        ServiceInfo lb = Convert.service(JSON.deserialize("{\"metadata\":{\"name\":\"lb\",\"namespace\":\"ns\"},"
                + "\"spec\":{\"type\":\"LoadBalancer\",\"clusterIP\":\"10.0.0.9\"},\"status\":{\"loadBalancer\":"
                + "{\"ingress\":[{\"hostname\":\"" + LONG_LABEL + ".example.com\"},{\"hostname\":\"lb.example.com\"},"
                + "{\"ip\":\"300.1.1.1\"}]}}}", V1Service.class));
        assertEquals(List.of("lb.example.com"), lb.externalIPs());
    }

    /** Every query type over every name of an index full of hostile objects: answers render, good data serves. */
    @Test
    void everyAnswerOverHostileObjectsRendersAndTheRestServes() throws Exception {
        ClusterIndex index = new ClusterIndex();
        index.putNamespace("ns");
        List<String> services = List.of(
                svcJson("good", "10.0.0.1", "[{\"name\":\"http\",\"protocol\":\"TCP\",\"port\":80}]", ""),
                svcJson("svc", "10.0.0.2", "[{\"name\":\"bad\",\"protocol\":\"TCP\",\"port\":-10},"
                        + "{\"name\":\"dns\",\"protocol\":\"UDP\",\"port\":53},{\"name\":\"" + LONG_LABEL + "\",\"port\":81}]",
                        ",\"externalIPs\":[\"nope\"]"),
                svcJson("hl", "None", "[{\"name\":\"http\",\"port\":70000}]", ""),
                "{\"metadata\":{\"name\":\"ext\",\"namespace\":\"ns\"},\"spec\":{\"type\":\"ExternalName\","
                        + "\"externalName\":\"" + LONG_NAME + "\"}}");
        for (String json : services) {
            ServiceInfo s = Convert.service(service(json));
            if (s != null) {
                index.putService(s);
            }
        }
        index.putSlice(null, Convert.slice(slice(sliceJson("hl-1", "hl",
                "[{\"addresses\":[\"10.1.0.1\",\"bad\"],\"hostname\":\"" + LONG_LABEL + "\"},"
                        + "{\"addresses\":[\"10.1.0.2\"],\"hostname\":\"web-2\"}]",
                "[{\"name\":\"http\",\"port\":-1},{\"name\":\"alt\",\"port\":8080}]"))));
        KubernetesConfig config = KubernetesDirective.parse(TestController.of(
                "kubernetes cluster.local in-addr.arpa {\n pods verified\n endpoint_pod_names\n}"));
        Answerer answerer = new Answerer(config, index, () -> true, List::of);
        List<String> names = new ArrayList<>(List.of("good.ns.svc.cluster.local.", "svc.ns.svc.cluster.local.",
                "hl.ns.svc.cluster.local.", "ext.ns.svc.cluster.local.", "_dns._udp.svc.ns.svc.cluster.local.",
                "_http._tcp.hl.ns.svc.cluster.local.", "_alt._tcp.hl.ns.svc.cluster.local.",
                "web-2.hl.ns.svc.cluster.local.", "10-1-0-1.hl.ns.svc.cluster.local.", "2.0.0.10.in-addr.arpa.",
                "1.0.1.10.in-addr.arpa.", "ns.svc.cluster.local.", "cluster.local."));
        for (String name : names) {
            for (int type : TYPES) {
                Answerer.Outcome o = answerer.answer(TestRequests.query(name, type));
                if (o instanceof Answerer.Reply r) {
                    r.message().toWire(65535);
                }
            }
        }
        List<Record> axfr = ZoneTransfer.records(answerer, "cluster.local.", 0);
        Message whole = new Message();
        axfr.forEach(r -> whole.addRecord(r, Section.ANSWER));
        whole.toWire(65535);
        assertTrue(axfr.stream().anyMatch(r -> r.getName().toString().equals("_dns._udp.svc.ns.svc.cluster.local.")),
                "the zone transfer lists the valid named port");
        assertTrue(answers(answerer, "good.ns.svc.cluster.local.", Type.A).contains("10.0.0.1"));
        List<String> srv = answers(answerer, "svc.ns.svc.cluster.local.", Type.SRV);
        assertEquals(List.of("0 50 53 svc.ns.svc.cluster.local.", "0 50 81 svc.ns.svc.cluster.local."),
                srv.stream().sorted().toList(), "the valid ports (a port name too long to query still has its port)");
        List<String> hl = answers(answerer, "_alt._tcp.hl.ns.svc.cluster.local.", Type.SRV);
        assertEquals(2, hl.size(), "both endpoints on the valid slice port: " + hl);
        assertTrue(answers(answerer, "web-2.hl.ns.svc.cluster.local.", Type.A).contains("10.1.0.2"));
        assertTrue(answers(answerer, "10-1-0-1.hl.ns.svc.cluster.local.", Type.A).contains("10.1.0.1"),
                "an endpoint whose hostname is dropped is named by its address");
    }

    private static List<String> answers(Answerer a, String name, int type) {
        Answerer.Outcome o = a.answer(TestRequests.query(name, type));
        assertTrue(o instanceof Answerer.Reply, name + ": " + o);
        Message m = ((Answerer.Reply) o).message();
        return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
    }
}
