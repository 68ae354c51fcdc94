package kdns.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import kdns.charts.Charts.Rendering;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * charts/kdns rendered by helm-java: lint, then every object of the default rendering and of the
 * values files in src/test/resources/values (kinds, names, labels, selectors, the Corefile, RBAC,
 * probes, rolling updates, the optional pieces).
 */
class ChartTest {

    static final List<String> VALUES = List.of("autoscaler", "hpa", "monitor", "custom", "dualstack", "verified",
            "no-kubernetes");

    @Test
    void lintsClean() {
        LintResult r = new Helm(Charts.chart()).lint().strict().call();
        assertFalse(r.isFailed(), r.getMessages().toString());
        for (String v : VALUES) {
            assertFalse(Charts.render(v).objects().isEmpty(), v);
        }
    }

    @Test
    void defaultsAreAClusterDns() throws Exception {
        Rendering r = Charts.render();
        assertEquals(List.of("ClusterRole/system:kdns", "ClusterRoleBinding/system:kdns", "ConfigMap/kdns",
                "Deployment/kdns", "PodDisruptionBudget/kdns", "Service/kube-dns", "ServiceAccount/kdns"), r.kinds());
        for (Map<String, Object> o : r.objects()) {
            Map<String, Object> labels = Y.map(o, "metadata.labels");
            assertEquals("kdns", labels.get("app.kubernetes.io/name"), r.kinds().toString());
            assertEquals("kdns", labels.get("app.kubernetes.io/instance"));
            assertEquals("Helm", labels.get("app.kubernetes.io/managed-by"));
            assertEquals("kube-dns", labels.get("k8s-app"));
            assertEquals("true", labels.get("kubernetes.io/cluster-service"));
            if (!o.get("kind").toString().startsWith("Cluster")) {
                assertEquals(Charts.NAMESPACE, Y.str(o, "metadata.namespace"), o.get("kind").toString());
            }
        }
        // The kubeadm Corefile, served on 53 (examples/Corefile.kubeadm serves on 1053 for a non-root run).
        String kubeadm = Files.readString(Charts.root().resolve("examples/Corefile.kubeadm")).replace(".:1053 {", ".:53 {");
        assertEquals(tokens(kubeadm), tokens(r.corefile()));

        Map<String, Object> svc = r.get("Service", "kube-dns");
        assertEquals("10.96.0.10", Y.str(svc, "spec.clusterIP"));
        assertEquals(Map.of("k8s-app", "kube-dns"), Y.map(svc, "spec.selector"),
                "kube-dns selects every k8s-app=kube-dns pod: CoreDNS's and kdns's back it side by side during a move");
        assertEquals("keep", Y.map(svc, "metadata.annotations").get("helm.sh/resource-policy"),
                "the cluster's DNS address survives helm uninstall (the way back to CoreDNS)");
        assertEquals(List.of("dns/UDP/53", "dns-tcp/TCP/53", "metrics/TCP/9153"), ports(Y.maps(svc, "spec.ports"), "port"));

        Map<String, Object> dep = r.get("Deployment", "kdns");
        assertEquals(2, Y.at(dep, "spec.replicas"));
        assertEquals(1, Y.at(dep, "spec.strategy.rollingUpdate.maxUnavailable"));
        Map<String, Object> selector = Y.map(dep, "spec.selector.matchLabels");
        Map<String, Object> podLabels = Y.map(dep, "spec.template.metadata.labels");
        assertTrue(podLabels.entrySet().containsAll(selector.entrySet()), "the selector matches the pods");
        assertTrue(podLabels.entrySet().containsAll(Y.map(svc, "spec.selector").entrySet()), "the Service selects the pods");
        assertEquals(selector, Y.map(r.get("PodDisruptionBudget", "kdns"), "spec.selector.matchLabels"));
        assertEquals(1, Y.at(r.get("PodDisruptionBudget", "kdns"), "spec.minAvailable"));
        Map<String, Object> pod = Y.map(dep, "spec.template.spec");
        assertEquals("kdns", pod.get("serviceAccountName"));
        assertEquals("Default", pod.get("dnsPolicy"));
        assertEquals("system-cluster-critical", pod.get("priorityClassName"));
        assertEquals(Map.of("kubernetes.io/os", "linux"), pod.get("nodeSelector"));
        assertEquals(true, Y.at(pod, "securityContext.runAsNonRoot"));
        Map<String, Object> c = Y.maps(pod, "containers").get(0);
        assertEquals("kdns:0.1.0", c.get("image"));
        assertEquals(List.of("-conf", "/etc/coredns/Corefile"), c.get("args"));
        assertNull(c.get("command"), "the image's entrypoint (Dockerfile) runs unchanged");
        assertEquals(List.of("dns/UDP/53", "dns-tcp/TCP/53", "metrics/TCP/9153"), ports(Y.maps(c, "ports"), "containerPort"));
        assertEquals("/health", Y.str(c, "livenessProbe.httpGet.path"));
        assertEquals(8080, Y.at(c, "livenessProbe.httpGet.port"));
        assertEquals("/ready", Y.str(c, "readinessProbe.httpGet.path"));
        assertEquals(8181, Y.at(c, "readinessProbe.httpGet.port"));
        assertEquals(false, Y.at(c, "securityContext.allowPrivilegeEscalation"));
        assertEquals(true, Y.at(c, "securityContext.readOnlyRootFilesystem"));
        assertEquals(List.of("NET_BIND_SERVICE"), Y.at(c, "securityContext.capabilities.add"));
        assertEquals(List.of("ALL"), Y.at(c, "securityContext.capabilities.drop"));
        assertEquals("170Mi", Y.str(c, "resources.limits.memory"));
        Matcher lameduck = Pattern.compile("lameduck (\\d+)s").matcher(r.corefile());
        assertTrue(lameduck.find());
        assertTrue(Integer.parseInt(lameduck.group(1)) < (Integer) pod.get("terminationGracePeriodSeconds"),
                "lameduck ends before the pod is killed");
        assertEquals(List.of("/etc/coredns", "/tmp"), Y.maps(c, "volumeMounts").stream().map(m -> m.get("mountPath")).toList());
    }

    /** What the ClusterRole grants, as group/resource, for each values file: exactly what the Corefile watches. */
    @ParameterizedTest
    @ValueSource(strings = {"", "custom", "verified", "no-kubernetes", "autoscaler"})
    void rbacGrantsWhatTheCorefileWatches(String values) {
        Rendering r = values.isEmpty() ? Charts.render() : Charts.render(values);
        Set<String> granted = new TreeSet<>();
        r.find("ClusterRole", "system:kdns").ifPresent(role -> {
            for (Map<String, Object> rule : Y.maps(role, "rules")) {
                assertEquals(List.of("list", "watch"), rule.get("verbs"), "read-only");
                for (Object g : Y.list(rule, "apiGroups")) {
                    for (Object res : Y.list(rule, "resources")) {
                        granted.add(g + "/" + res);
                    }
                }
            }
            Map<String, Object> binding = r.get("ClusterRoleBinding", "system:kdns");
            assertEquals("system:kdns", Y.str(binding, "roleRef.name"));
            assertEquals("kdns", Y.str(binding, "subjects.0.name"));
            assertEquals(Charts.NAMESPACE, Y.str(binding, "subjects.0.namespace"));
        });
        Set<String> expected = switch (values) {
            case "verified" -> Set.of("/services", "/namespaces", "/pods", "discovery.k8s.io/endpointslices",
                    "multicluster.x-k8s.io/serviceimports");
            case "no-kubernetes" -> Set.of();
            default -> Set.of("/services", "/namespaces", "discovery.k8s.io/endpointslices");
        };
        assertEquals(new TreeSet<>(expected), granted, values);
        if (values.equals("no-kubernetes")) {
            assertTrue(r.find("ClusterRoleBinding", "kdns").isEmpty() && r.find("ClusterRole", "kdns").isEmpty());
        }
    }

    @Test
    void oneReplicaNeverLosesTheLastOne() {
        Rendering r = Charts.render("verified");
        Map<String, Object> dep = r.get("Deployment", "kdns");
        assertEquals(1, Y.at(dep, "spec.replicas"));
        assertEquals(0, Y.at(dep, "spec.strategy.rollingUpdate.maxUnavailable"));
        assertEquals(List.of("dns/UDP/53", "dns-tcp/TCP/53", "udp-5353/UDP/5353", "tcp-5353/TCP/5353", "metrics/TCP/9153"),
                ports(Y.maps(r.get("Service", "kube-dns"), "spec.ports"), "port"));
        assertTrue(r.corefile().contains("internal.example.:5353 {"), r.corefile());
    }

    @Test
    void hpaOwnsTheReplicas() {
        Rendering r = Charts.render("hpa");
        Map<String, Object> hpa = r.get("HorizontalPodAutoscaler", "kdns");
        assertEquals("autoscaling/v2", hpa.get("apiVersion"));
        assertEquals("kdns", Y.str(hpa, "spec.scaleTargetRef.name"));
        assertEquals("Deployment", Y.str(hpa, "spec.scaleTargetRef.kind"));
        assertEquals(1, Y.at(hpa, "spec.minReplicas"));
        assertEquals(6, Y.at(hpa, "spec.maxReplicas"));
        Map<String, Object> dep = r.get("Deployment", "kdns");
        assertNull(Y.at(dep, "spec.replicas"), "helm upgrades must not reset what the HPA set");
        assertEquals(0, Y.at(dep, "spec.strategy.rollingUpdate.maxUnavailable"), "minReplicas 1");
    }

    @Test
    void clusterProportionalAutoscaler() {
        Rendering r = Charts.render("autoscaler");
        String name = "kdns-autoscaler";
        for (String kind : List.of("ServiceAccount", "ConfigMap", "ClusterRole", "ClusterRoleBinding", "Role",
                "RoleBinding", "Deployment")) {
            Map<String, Object> o = r.get(kind, name);
            assertEquals("kdns-autoscaler", Y.map(o, "metadata.labels").get("app.kubernetes.io/name"), kind);
        }
        assertNull(Y.at(r.get("Deployment", "kdns"), "spec.replicas"));
        assertEquals(1, Y.at(r.get("Deployment", "kdns"), "spec.strategy.rollingUpdate.maxUnavailable"),
                "min 2 and preventSinglePointFailure");
        String linear = (String) Y.map(r.get("ConfigMap", name), "data").get("linear");
        @SuppressWarnings("unchecked")
        Map<String, Object> params = (Map<String, Object>) new org.yaml.snakeyaml.Yaml().load(linear);
        assertEquals(128.0, ((Number) params.get("coresPerReplica")).doubleValue());
        assertEquals(8.0, ((Number) params.get("nodesPerReplica")).doubleValue());
        assertEquals(2, params.get("min"));
        assertEquals(20, params.get("max"));
        assertEquals(true, params.get("preventSinglePointFailure"));
        assertEquals(List.of(Map.of("apiGroups", List.of(""), "resources", List.of("nodes"), "verbs", List.of("list", "watch"))),
                Y.at(r.get("ClusterRole", name), "rules"), "cluster-wide: the nodes only");
        assertEquals(Set.of("/configmaps:get,create", "apps/deployments/scale:get,update"),
                rules(r.get("Role", name)));
        Map<String, Object> pod = Y.map(r.get("Deployment", name), "spec.template.spec");
        assertEquals(name, pod.get("serviceAccountName"));
        List<Object> cmd = Y.list(pod, "containers.0.command");
        assertTrue(cmd.contains("--target=deployment/kdns") && cmd.contains("--configmap=" + name)
                && cmd.contains("--namespace=kube-system"), cmd.toString());
        Map<String, Object> podLabels = Y.map(r.get("Deployment", name), "spec.template.metadata.labels");
        assertTrue(podLabels.entrySet().containsAll(Y.map(r.get("Deployment", name), "spec.selector.matchLabels").entrySet()));
        assertFalse(podLabels.containsValue("kube-dns"), "the autoscaler is not a DNS pod");
        assertThrows(RuntimeException.class, () -> Charts.renderText(List.of(Charts.values("autoscaler")),
                Map.of("hpa.enabled", "true")), "hpa and autoscaler exclude each other");
    }

    @Test
    void serviceMonitorScrapesTheMetricsService() {
        Rendering r = Charts.render("monitor");
        Map<String, Object> metrics = r.get("Service", "kdns-metrics");
        Map<String, Object> monitor = r.get("ServiceMonitor", "kdns");
        assertEquals("monitoring.coreos.com/v1", monitor.get("apiVersion"));
        assertTrue(Y.map(metrics, "metadata.labels").entrySet().containsAll(
                Y.map(monitor, "spec.selector.matchLabels").entrySet()), "the monitor selects the metrics Service");
        assertEquals("kube-prometheus-stack", Y.map(monitor, "metadata.labels").get("release"));
        assertEquals("metrics", Y.str(monitor, "spec.endpoints.0.port"));
        assertEquals("15s", Y.str(monitor, "spec.endpoints.0.interval"));
        assertEquals(List.of("metrics/TCP/9153"), ports(Y.maps(metrics, "spec.ports"), "port"));
        assertEquals("None", Y.str(metrics, "spec.clusterIP"));
        assertEquals(Y.map(r.get("Deployment", "kdns"), "spec.selector.matchLabels"), Y.map(metrics, "spec.selector"),
                "this release's pods only");
    }

    @Test
    void customConfigMapAndExtras() throws Exception {
        Rendering r = Charts.render("custom");
        String corefile = r.corefile();
        assertTrue(corefile.contains("    import /etc/coredns/custom/*.override\n}"), corefile);
        assertTrue(corefile.trim().endsWith("}\nimport /etc/coredns/custom/*.server"), corefile);
        Map<String, Object> custom = r.get("ConfigMap", "kdns-custom");
        assertEquals(Set.of("log.override", "example.server"), Y.map(custom, "data").keySet());
        assertEquals("192.0.2.10 printer.example.com\n", Y.map(r.get("ConfigMap", "kdns"), "data").get("example.hosts"));
        Map<String, Object> pod = Y.map(r.get("Deployment", "kdns"), "spec.template.spec");
        Map<String, Map<String, Object>> volumes = Y.maps(pod, "volumes").stream()
                .collect(Collectors.toMap(v -> (String) v.get("name"), v -> v));
        assertEquals("kdns-custom", Y.str(volumes.get("custom-config-volume"), "configMap.name"));
        assertEquals(true, Y.at(volumes.get("custom-config-volume"), "configMap.optional"), "pods start without it");
        assertEquals(List.of("Corefile", "example.hosts"), Y.maps(volumes.get("config-volume"), "configMap.items").stream()
                .map(i -> i.get("path")).toList());
        assertEquals("etcd-client-certs", Y.str(volumes.get("etcd-client-certs"), "secret.secretName"));
        assertTrue(volumes.containsKey("scratch"));
        Map<String, Object> c = Y.maps(pod, "containers").get(0);
        assertEquals(List.of("/etc/coredns", "/etc/coredns/custom", "/tmp", "/etc/coredns/tls/etcd", "/var/scratch"),
                Y.maps(c, "volumeMounts").stream().map(m -> m.get("mountPath")).toList());
        assertEquals(List.of(Map.of("name", "TZ", "value", "UTC")), c.get("env"));
        // javaOptions: the Dockerfile's entrypoint with the options before the module path.
        List<String> entrypoint = dockerfileEntrypoint();
        List<String> expected = new ArrayList<>(entrypoint);
        expected.add(entrypoint.indexOf("-p"), "-Xmx192m");
        assertEquals(expected, c.get("command"));
        assertEquals("270Mi", Y.str(c, "resources.limits.memory"));
    }

    @Test
    void dualStackService() {
        Map<String, Object> svc = Charts.render("dualstack").get("Service", "kube-dns");
        assertEquals("10.96.0.10", Y.str(svc, "spec.clusterIP"));
        assertEquals(List.of("10.96.0.10", "fd00:10:96::a"), Y.at(svc, "spec.clusterIPs"));
        assertEquals("RequireDualStack", Y.str(svc, "spec.ipFamilyPolicy"));
        assertEquals(List.of("IPv4", "IPv6"), Y.at(svc, "spec.ipFamilies"));
        assertEquals("PreferClose", Y.str(svc, "spec.trafficDistribution"));
        Map<String, Object> spread = Y.maps(Charts.render("dualstack").get("Deployment", "kdns"),
                "spec.template.spec.topologySpreadConstraints").get(0);
        assertEquals("kdns", Y.map(spread, "labelSelector.matchLabels").get("app.kubernetes.io/instance"), "templated");
    }

    @Test
    void notTheClusterDns() {
        Rendering r = Charts.render("no-kubernetes");
        assertEquals(List.of("ConfigMap/kdns", "Deployment/kdns", "PodDisruptionBudget/kdns", "Service/kdns",
                "Service/kdns-metrics", "ServiceAccount/kdns"), r.kinds());
        Map<String, Object> svc = r.get("Service", "kdns");
        assertNull(Y.at(svc, "spec.clusterIP"));
        assertEquals("LoadBalancer", Y.str(svc, "spec.type"));
        assertEquals("192.0.2.100", Y.str(svc, "spec.loadBalancerIP"));
        assertEquals("dns", Y.map(svc, "metadata.annotations").get("metallb.universe.tf/address-pool"));
        assertTrue(r.corefile().startsWith("import /etc/coredns/extra/*.conf\n.:53 {"), r.corefile());
        assertEquals(Y.map(r.get("Deployment", "kdns"), "spec.selector.matchLabels"),
                Y.map(r.get("Service", "kdns-metrics"), "spec.selector"));
        assertFalse(Y.map(svc, "metadata.labels").containsKey("k8s-app"));
        assertNull(Y.map(svc, "metadata.annotations").get("helm.sh/resource-policy"));
        assertEquals(Y.map(r.get("Deployment", "kdns"), "spec.selector.matchLabels"), Y.map(svc, "spec.selector"));
        assertNull(Y.at(r.get("Deployment", "kdns"), "spec.template.spec.dnsPolicy"));
    }

    @Test
    void refusesWhatWouldBreakAnUpdate() {
        RuntimeException e = assertThrows(RuntimeException.class, () -> Charts.renderText(List.of(),
                Map.of("terminationGracePeriodSeconds", "5")));
        assertTrue(e.getMessage().contains("lameduck"), e.getMessage());
        e = assertThrows(RuntimeException.class, () -> Charts.renderText(List.of(),
                Map.of("replicaCount", "1", "rollingUpdate.maxSurge", "0")));
        assertTrue(e.getMessage().contains("maxSurge"), e.getMessage());
        assertTrue(Charts.renderText(List.of(), Map.of("deployment.skipConfig", "true")).contains("kind: Deployment"));
        assertFalse(Charts.renderText(List.of(), Map.of("deployment.skipConfig", "true")).contains("kind: ConfigMap"));
    }

    /** name/protocol/port of each port. */
    static List<String> ports(List<Map<String, Object>> ports, String portKey) {
        return ports.stream().map(p -> p.get("name") + "/" + p.get("protocol") + "/" + p.get(portKey)).toList();
    }

    static Set<String> rules(Map<String, Object> role) {
        Set<String> out = new TreeSet<>();
        for (Map<String, Object> rule : Y.maps(role, "rules")) {
            for (Object g : Y.list(rule, "apiGroups")) {
                for (Object res : Y.list(rule, "resources")) {
                    out.add(g + "/" + res + ":" + String.join(",", Y.list(rule, "verbs").stream().map(String::valueOf).toList()));
                }
            }
        }
        return out;
    }

    /** The Corefile's words, whatever the indentation. */
    static List<String> tokens(String corefile) {
        return List.of(corefile.trim().split("\\s+"));
    }

    /** The Dockerfile's ENTRYPOINT (a JSON array over several lines). */
    static List<String> dockerfileEntrypoint() throws Exception {
        String text = Files.readString(Charts.root().resolve("Dockerfile"));
        Matcher m = Pattern.compile("(?s)ENTRYPOINT \\[(.*?)\\]").matcher(text);
        assertTrue(m.find(), "ENTRYPOINT in the Dockerfile");
        List<String> out = new ArrayList<>();
        Matcher s = Pattern.compile("\"([^\"]*)\"").matcher(m.group(1));
        while (s.find()) {
            out.add(s.group(1));
        }
        return out;
    }
}
