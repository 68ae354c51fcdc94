package kdns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import kdns.api.MetadataProvider;
import kdns.api.Request;
import kdns.api.Transport;
import kdns.plugin.kubernetes.dns.Answerer;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.plugin.kubernetes.model.PodInfo;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;

/**
 * The kubernetes handler as a metadata provider: CoreDNS's metadata_test.go cases (names of the
 * cluster and cluster-set zones, a name outside them, a parse error) and the client pod found by
 * source IP with {@code pods verified}.
 */
class MetadataTest {

    private static final String OTHER_CLIENT = "10.10.10.10";
    private static final String POD_IP = "10.240.0.1";

    private static KubernetesHandler handler(String directive, ClusterIndex index) throws Exception {
        return handler(KubernetesDirective.parse(
                TestController.of(directive, List.of("cluster.local", "clusterset.local"))), index);
    }

    private static KubernetesHandler handler(KubernetesConfig config, ClusterIndex index) {
        return new KubernetesHandler(new Answerer(config, index, () -> true, List::of), null, () -> true,
                TestController.of("kubernetes"), List.of());
    }

    /**
     * CoreDNS's test setup: both zones, the second a cluster-set zone (set on the parsed
     * configuration: without plugin-multicluster on the path the directive refuses the option).
     */
    private static KubernetesHandler multicluster() throws Exception {
        KubernetesConfig config = KubernetesDirective.parse(
                TestController.of("kubernetes cluster.local clusterset.local", List.of("cluster.local", "clusterset.local")));
        return handler(config.withMulticlusterZones(List.of("clusterset.local.")), new ClusterIndex());
    }

    /** CoreDNS's APIConnServeTest pod: podns/foo at 10.240.0.1, two labels. */
    private static final PodInfo FOO = new PodInfo("podns", "foo", POD_IP,
            Map.of("app.kubernetes.io/name", "foo", "bar", "baz"));

    private static ClusterIndex podIndex() {
        ClusterIndex index = new ClusterIndex();
        index.putPod(null, FOO);
        return index;
    }

    private static Request query(String name, int type, String client) {
        return TestRequests.from(TestRequests.message(name, type, DClass.IN), Transport.UDP,
                new InetSocketAddress(client, 40000));
    }

    /** Every label the provider set, with its value. */
    private static Map<String, String> metadata(MetadataProvider p, Request r) {
        p.provideMetadata(r);
        Map<String, String> md = new TreeMap<>();
        for (String label : r.metadataLabels()) {
            md.put(label, r.metadata(label));
        }
        return md;
    }

    private static Map<String, String> parts(String endpoint, String kind, String namespace, String port,
                                             String protocol, String service) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kubernetes/endpoint", endpoint);
        m.put("kubernetes/kind", kind);
        m.put("kubernetes/namespace", namespace);
        m.put("kubernetes/port-name", port);
        m.put("kubernetes/protocol", protocol);
        m.put("kubernetes/service", service);
        return m;
    }

    private static Map<String, String> with(Map<String, String> m, String label, String value) {
        Map<String, String> out = new LinkedHashMap<>(m);
        out.put(label, value);
        return out;
    }

    private static void check(MetadataProvider p, String name, int type, String client, Map<String, String> expected) {
        assertEquals(new TreeMap<>(expected), metadata(p, query(name, type, client)), name + " from " + client);
    }

    @Test
    void coreDnsCases() throws Exception {
        KubernetesHandler k = multicluster();
        check(k, "foo.bar.notapod.cluster.local.", Type.A, OTHER_CLIENT,
                Map.of("kubernetes/parse-error", "invalid query name"));
        check(k, "10-240-0-1.podns.pod.cluster.local.", Type.A, OTHER_CLIENT,
                parts("", "pod", "podns", "", "", "10-240-0-1"));
        check(k, "s.ns.svc.cluster.local.", Type.A, POD_IP, parts("", "svc", "ns", "", "", "s"));
        check(k, "s.ns.svc.cluster.local.", Type.A, OTHER_CLIENT, parts("", "svc", "ns", "", "", "s"));
        check(k, "_http._tcp.s.ns.svc.cluster.local.", Type.SRV, OTHER_CLIENT,
                parts("", "svc", "ns", "http", "tcp", "s"));
        check(k, "ep.s.ns.svc.cluster.local.", Type.A, OTHER_CLIENT, parts("ep", "svc", "ns", "", "", "s"));
        check(k, "ep.c1.s.ns.svc.clusterset.local.", Type.A, OTHER_CLIENT,
                with(parts("ep", "svc", "ns", "", "", "s"), "kubernetes/cluster", "c1"));
        check(k, "example.com.", Type.A, OTHER_CLIENT, Map.of());
    }

    @Test
    void namesAsTheHandlerParsesThem() throws Exception {
        KubernetesHandler k = handler("kubernetes cluster.local", new ClusterIndex());
        check(k, "*.*.svc.cluster.local.", Type.A, OTHER_CLIENT, parts("", "svc", "*", "", "", "*"));
        check(k, "_http._tcp.svc1.testns.svc.cluster.local.", Type.SRV, OTHER_CLIENT,
                parts("", "svc", "testns", "http", "tcp", "svc1"));
        check(k, "_HTTP._Tcp.Svc1.TestNS.svc.Cluster.Local.", Type.SRV, OTHER_CLIENT,
                parts("", "svc", "testns", "http", "tcp", "svc1"));
        check(k, "ep.c1.s.ns.svc.cluster.local.", Type.A, OTHER_CLIENT, parts("", "svc", "ns", "ep", "c1", "s"));
        check(k, "testns.svc.cluster.local.", Type.A, OTHER_CLIENT, parts("", "svc", "testns", "", "", ""));
        check(k, "svc.cluster.local.", Type.A, OTHER_CLIENT, parts("", "", "", "", "", ""));
        check(k, "cluster.local.", Type.SOA, OTHER_CLIENT, parts("", "", "", "", "", ""));
        check(k, "a.b.c.s.ns.svc.cluster.local.", Type.A, OTHER_CLIENT,
                Map.of("kubernetes/parse-error", "invalid query name"));
        check(k, "dns-version.cluster.local.", Type.TXT, OTHER_CLIENT,
                Map.of("kubernetes/parse-error", "invalid query name"));
        check(k, "cluster.local.example.com.", Type.A, OTHER_CLIENT, Map.of());
    }

    @Test
    void zonalNamesGiveTheZone() throws Exception {
        KubernetesHandler k = handler("kubernetes cluster.local {\n zonal\n}", new ClusterIndex());
        check(k, "eu-west-1a.pin._zone.web.ns.svc.cluster.local.", Type.A, OTHER_CLIENT,
                with(parts("", "svc", "ns", "", "", "web"), "kubernetes/zone", "eu-west-1a"));
        check(k, "web.ns.svc.cluster.local.", Type.A, OTHER_CLIENT,
                with(parts("", "svc", "ns", "", "", "web"), "kubernetes/zone", ""));
        check(k, "a.florp._zone.web.ns.svc.cluster.local.", Type.A, OTHER_CLIENT,
                Map.of("kubernetes/parse-error", "invalid query name"));
    }

    @Test
    void clientPodWithPodsVerified() throws Exception {
        KubernetesHandler k = handler("kubernetes cluster.local {\n pods verified\n}", podIndex());
        Map<String, String> client = Map.of(
                "kubernetes/client-namespace", "podns",
                "kubernetes/client-pod-name", "foo",
                "kubernetes/client-label/app.kubernetes.io/name", "foo",
                "kubernetes/client-label/bar", "baz");
        check(k, "example.com.", Type.A, POD_IP, client);
        Map<String, String> both = new LinkedHashMap<>(parts("", "svc", "ns", "", "", "s"));
        both.putAll(client);
        check(k, "s.ns.svc.cluster.local.", Type.A, POD_IP, both);
        check(k, "example.com.", Type.A, OTHER_CLIENT, Map.of());
    }

    @Test
    void clientPodByAnyTextOfItsAddress() throws Exception {
        ClusterIndex index = new ClusterIndex();
        index.putPod(null, new PodInfo("v6", "bar", "fd00::a", Map.of()));
        KubernetesHandler k = handler("kubernetes cluster.local {\n pods verified\n}", index);
        check(k, "example.com.", Type.A, "fd00:0:0:0:0:0:0:a",
                Map.of("kubernetes/client-namespace", "v6", "kubernetes/client-pod-name", "bar"));
    }

    @Test
    void noClientPodWithoutPodsVerified() throws Exception {
        for (String mode : List.of("insecure", "disabled")) {
            KubernetesHandler k = handler("kubernetes cluster.local {\n pods " + mode + "\n}", podIndex());
            check(k, "example.com.", Type.A, POD_IP, Map.of());
        }
    }

    @Test
    void aLabelledPodChangesItsLabels() throws Exception {
        ClusterIndex index = podIndex();
        KubernetesHandler k = handler("kubernetes cluster.local {\n pods verified\n}", index);
        PodInfo relabelled = new PodInfo("podns", "foo", POD_IP, Map.of("bar", "qux"));
        index.putPod(FOO, relabelled);
        check(k, "example.com.", Type.A, POD_IP, Map.of(
                "kubernetes/client-namespace", "podns",
                "kubernetes/client-pod-name", "foo",
                "kubernetes/client-label/bar", "qux"));
        index.removePod(relabelled);
        check(k, "example.com.", Type.A, POD_IP, Map.of());
    }
}
