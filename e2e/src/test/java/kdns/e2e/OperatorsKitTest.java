package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kdns.testing.DnsClient;
import kdns.testing.kubernetes.FakeApiServer;
import kdns.testing.kubernetes.KubeObjects;
import kdns.testing.upstream.KnotUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;
import org.yaml.snakeyaml.Yaml;

/**
 * The operators' kit against the real binary: the Corefiles the chart (charts/kdns) renders pass
 * {@code kdns -validate}, and every metric name the alerting rules and the dashboard in monitoring/
 * use, and every series of the rules' promtool tests (name and label names), is in a scrape of
 * kdns running kubeadm's Corefile (examples/Corefile.kubeadm, changed as in KubeadmCorefileTest)
 * after the events those metrics count: queries, cache hits, forwarding, an EndpointSlice change, a
 * watch the API server ends, a failed API request, and an upstream that stops answering.
 */
class OperatorsKitTest {

    @TempDir
    Path dir;

    static Path root() {
        return KubeadmCorefileTest.examples().getParent();
    }

    /** The chart rendered as release kdns in kube-system with a values file (none: ""). */
    @SuppressWarnings("unchecked")
    static Map<String, String> configMapData(String values, String name) {
        TemplateCommand t = new Helm(root().resolve("charts/kdns")).template().withName("kdns").withNamespace("kube-system");
        if (!values.isEmpty()) {
            t = t.withValuesFile(root().resolve("charts-test/src/test/resources/values/" + values + ".yaml"));
        }
        for (Object o : new Yaml().loadAll(t.call())) {
            Map<String, Object> m = (Map<String, Object>) o;
            if (m != null && "ConfigMap".equals(m.get("kind")) && name.equals(((Map<String, Object>) m.get("metadata")).get("name"))) {
                return (Map<String, String>) m.get("data");
            }
        }
        return Map.of();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "custom", "verified", "dualstack", "no-kubernetes"})
    void chartCorefilesValidate(String values) throws Exception {
        Map<String, String> data = configMapData(values, "kdns");
        String corefile = data.get("Corefile");
        assertTrue(corefile != null && !corefile.isBlank(), "the chart renders a Corefile");
        // The pod's paths (/etc/coredns/...) point into this test's directory, with the files the
        // ConfigMaps hold: the custom imports and the zone files are read for real.
        Map<String, String> custom = configMapData(values, "kdns-custom");
        Path etc = Files.createDirectories(dir.resolve("etc/coredns/custom"));
        for (Map.Entry<String, String> f : custom.entrySet()) {
            Files.writeString(etc.resolve(f.getKey()), f.getValue().replace("/etc/coredns/", dir.resolve("etc/coredns") + "/"));
        }
        for (Map.Entry<String, String> f : data.entrySet()) {
            Files.writeString(dir.resolve("etc/coredns").resolve(f.getKey()), f.getValue());
        }
        // No service account here: the kubernetes blocks get a kubeconfig line for a fake API server
        // (the one change KubeadmCorefileTest makes too).
        KdnsProcess.Result r;
        try (FakeApiServer api = FakeApiServer.start()) {
            String local = corefile.replace("/etc/coredns/", dir.resolve("etc/coredns") + "/")
                    .replaceAll("(?m)^(\\s*)(kubernetes\\b.*\\{)$", "$1$2\n$1    kubeconfig " + api.kubeconfig(dir));
            Files.writeString(dir.resolve("Corefile"), local);
            r = KdnsProcess.runToEnd(dir, Map.of(), "-validate", "-conf", "Corefile");
        }
        assertEquals(0, r.exitCode(), corefile + "\n" + r.output());
        assertTrue(r.output().contains("Corefile OK"), r.output());
        if (!custom.isEmpty()) {
            assertTrue(!r.output().contains("No files matching import glob"), "the custom files were imported:\n" + r.output());
        }
    }

    static final Pattern METRIC = Pattern.compile("\\b((?:coredns|kdns)_[a-z0-9_]+)\\b");

    /** The coredns_ and kdns_ names a file uses (comment lines left out). */
    static Set<String> namesUsed(Path file) throws Exception {
        Set<String> out = new TreeSet<>();
        for (String line : Files.readAllLines(file)) {
            if (line.trim().startsWith("#")) {
                continue;
            }
            Matcher m = METRIC.matcher(line);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** metric name -> label names, for every sample line of a Prometheus text scrape. */
    static Map<String, Set<String>> samples(String scrape) {
        Map<String, Set<String>> out = new TreeMap<>();
        Pattern line = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s");
        Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
        for (String l : scrape.split("\n")) {
            Matcher m = line.matcher(l);
            if (l.startsWith("#") || !m.find()) {
                continue;
            }
            Set<String> labels = new TreeSet<>();
            if (m.group(3) != null) {
                Matcher lm = label.matcher(m.group(3));
                while (lm.find()) {
                    labels.add(lm.group(1));
                }
            }
            out.merge(m.group(1), labels, (a, b) -> a);
        }
        return out;
    }

    /** The promtool tests' input series, each as its name and its label names other than job and instance. */
    @SuppressWarnings("unchecked")
    static List<Map.Entry<String, Set<String>>> testSeries(Path file) throws Exception {
        List<Map.Entry<String, Set<String>>> out = new java.util.ArrayList<>();
        Map<String, Object> tests = new Yaml().load(Files.readString(file));
        for (Map<String, Object> t : (List<Map<String, Object>>) tests.get("tests")) {
            for (Map<String, Object> s : (List<Map<String, Object>>) t.get("input_series")) {
                Map<String, Set<String>> one = samples(((String) s.get("series")).replace(", ", ",") + " 0");
                for (Map.Entry<String, Set<String>> e : one.entrySet()) {
                    Set<String> labels = new TreeSet<>(e.getValue());
                    labels.removeAll(Set.of("job", "instance"));
                    if (!e.getKey().equals("up")) {
                        out.add(Map.entry(e.getKey(), labels));
                    }
                }
            }
        }
        return out;
    }

    @Test
    void monitoringMatchesAScrape() throws Exception {
        Path monitoring = root().resolve("monitoring");
        Set<String> used = new TreeSet<>(namesUsed(monitoring.resolve("kdns-alerts.yaml")));
        used.addAll(namesUsed(monitoring.resolve("kdns-dashboard.json")));
        List<Map.Entry<String, Set<String>>> series = testSeries(monitoring.resolve("kdns-alerts.test.yaml"));
        series.forEach(e -> used.add(e.getKey()));

        try (FakeApiServer api = FakeApiServer.start();
             KnotUpstream upstream = KnotUpstream.start("example.net.", KubeadmCorefileTest.EXAMPLE_NET)) {
            api.create(KubeObjects.parse("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"web\"}}"));
            api.create(KubeObjects.parse("""
                    {"apiVersion":"v1","kind":"Service","metadata":{"name":"front","namespace":"web"},
                     "spec":{"type":"ClusterIP","clusterIP":"10.96.0.20","clusterIPs":["10.96.0.20"],
                             "ports":[{"name":"http","protocol":"TCP","port":80}]}}"""));
            int dns = KdnsProcess.freePort();
            KubeadmCorefileTest.assertFree(8080, 8181, 9153);
            String kubeadm = Files.readString(KubeadmCorefileTest.examples().resolve("Corefile.kubeadm"));
            String corefile = KubeadmCorefileTest.replaceOnce(kubeadm, ".:1053 {", ".:" + dns + " {");
            corefile = KubeadmCorefileTest.replaceOnce(corefile, "forward . /etc/resolv.conf {",
                    "forward . " + upstream.hostPort() + " {");
            corefile = KubeadmCorefileTest.replaceOnce(corefile, "       pods insecure\n",
                    "       pods insecure\n       kubeconfig " + api.kubeconfig(dir) + "\n");
            try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, dns)) {
                InetSocketAddress a = new InetSocketAddress("127.0.0.1", dns);
                await(() -> KubeadmCorefileTest.http(8181, "/ready").startsWith("200"), () -> "ready", kdns);
                // Queries: a Service, a name error, a forwarded name twice (a cache hit), an AAAA.
                assertEquals(Rcode.NOERROR, DnsClient.udp(a, "front.web.svc.cluster.local.", Type.A).getRcode());
                assertEquals(Rcode.NXDOMAIN, DnsClient.udp(a, "nope.web.svc.cluster.local.", Type.A).getRcode());
                assertEquals(Rcode.NOERROR, DnsClient.udp(a, "www.example.net.", Type.A).getRcode());
                DnsClient.udp(a, "www.example.net.", Type.A);
                DnsClient.udp(a, "front.web.svc.cluster.local.", Type.AAAA);
                // An EndpointSlice change with its trigger time (DNS programming latency).
                api.create(KubeObjects.parse("""
                        {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","addressType":"IPv4",
                         "metadata":{"name":"front-1","namespace":"web","labels":{"kubernetes.io/service-name":"front"},
                           "annotations":{"endpoints.kubernetes.io/last-change-trigger-time":"2026-01-01T00:00:00Z"}},
                         "endpoints":[{"addresses":["10.244.1.7"],"conditions":{"ready":true}}],
                         "ports":[{"name":"http","protocol":"TCP","port":80}]}"""));
                // The API server ends the watches, and refuses the next request (a non-2xx code).
                api.failNextRequests(1, 500);
                api.endAllWatches();
                // The upstream stops: forward's query fails and its health checks start failing.
                upstream.close();
                DnsClient.udp(a, "gone.example.net.", Type.A);
                Set<String> missing = new TreeSet<>();
                await(() -> {
                    Map<String, Set<String>> scrape = samples(KubeadmCorefileTest.http(9153, "/metrics").substring(4));
                    missing.clear();
                    for (String name : used) {
                        if (!scrape.containsKey(name)) {
                            missing.add(name);
                        }
                    }
                    if (missing.contains("coredns_proxy_healthcheck_failures_total")) {
                        DnsClient.udp(a, "gone" + System.nanoTime() + ".example.net.", Type.A);
                    }
                    return missing.isEmpty();
                }, () -> "every metric of monitoring/ in the scrape; missing: " + missing, kdns);
                Map<String, Set<String>> scrape = samples(KubeadmCorefileTest.http(9153, "/metrics").substring(4));
                for (Map.Entry<String, Set<String>> s : series) {
                    assertEquals(scrape.get(s.getKey()), s.getValue(),
                            "the labels of " + s.getKey() + " in kdns-alerts.test.yaml are those kdns exports");
                }
            }
        }
    }

    interface Check {
        boolean ok() throws Exception;
    }

    /** Polls until the check holds, for at most 30 s; fails with the log otherwise. */
    static void await(Check check, Supplier<String> what, KdnsProcess kdns) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within 30 s: " + what.get() + "\n" + kdns.output());
            }
            Thread.sleep(200);
        }
    }
}
