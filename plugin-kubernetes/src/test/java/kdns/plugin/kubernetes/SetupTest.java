package kdns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import kdns.api.PluginException;
import kdns.testing.TestController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The directive's syntax and CoreDNS's validation errors. */
class SetupTest {

    private static KubernetesConfig parse(String text) throws PluginException {
        return KubernetesDirective.parse(TestController.of(text, List.of("cluster.local")));
    }

    @Test
    void defaults() throws Exception {
        KubernetesConfig c = parse("kubernetes");
        assertEquals(List.of("cluster.local."), c.zones());
        assertEquals("cluster.local.", c.primaryZone());
        assertEquals(5, c.ttl());
        assertEquals(KubernetesConfig.PodMode.DISABLED, c.pods());
        assertEquals(Duration.ofSeconds(5), c.startupTimeout());
        assertFalse(c.noEndpoints());
        assertFalse(c.fallthrough().through("foo.cluster.local."));
    }

    @Test
    void everyOption() throws Exception {
        KubernetesConfig c = parse("""
                kubernetes cluster.local 10.0.0.0/17 ip6.arpa {
                    endpoint https://10.0.0.1:6443 https://ignored
                    tls cert.pem key.pem ca.pem
                    kubeconfig /tmp/kc ctx
                    apiserver_qps 12.5
                    apiserver_burst 20
                    apiserver_max_inflight 4
                    namespaces a b
                    labels app=web,tier!=db
                    pods verified
                    endpoint_pod_names
                    ttl 30
                    noendpoints
                    fallthrough in-addr.arpa ip6.arpa
                    ignore empty_service
                    startup_timeout 1m
                }""");
        assertFalse(c.zonal());
        assertEquals(1 + 128 + 1, c.zones().size());
        assertTrue(c.zones().contains("127.0.10.in-addr.arpa."));
        assertEquals("https://10.0.0.1:6443", c.connection().endpoint());
        assertEquals(List.of("cert.pem", "key.pem", "ca.pem"), c.connection().tls());
        assertEquals("/tmp/kc", c.connection().kubeconfig());
        assertEquals("ctx", c.connection().kubeContext());
        assertEquals(12.5, c.connection().apiserverQps());
        assertEquals(20, c.connection().apiserverBurst());
        assertEquals(4, c.connection().apiserverMaxInflight());
        assertEquals(Set.of("a", "b"), c.namespaces());
        assertEquals("app=web,tier!=db", c.labels());
        assertEquals(KubernetesConfig.PodMode.VERIFIED, c.pods());
        assertTrue(c.endpointPodNames());
        assertEquals(30, c.ttl());
        assertTrue(c.noEndpoints());
        assertTrue(c.fallthrough().through("1.0.0.10.in-addr.arpa."));
        assertFalse(c.fallthrough().through("svc.cluster.local."));
        assertTrue(c.ignoreEmptyService());
        assertEquals(Duration.ofMinutes(1), c.startupTimeout());
    }

    @Test
    void zonal() throws Exception {
        assertTrue(parse("kubernetes {\n zonal\n}").zonal());
    }

    @Test
    void bareIgnoreIsANoOp() throws Exception {
        assertFalse(parse("kubernetes {\n ignore\n}").ignoreEmptyService());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "kubernetes in-addr.arpa|non-reverse zone name must be used",
        "kubernetes {\\n pods foo\\n}|wrong value for pods: foo,  must be one of: disabled, verified, insecure",
        "kubernetes {\\n pods\\n}|Wrong argument count",
        "kubernetes {\\n ttl 3601\\n}|ttl must be in range [0, 3600]: 3601",
        "kubernetes {\\n ttl -1\\n}|ttl must be in range [0, 3600]: -1",
        "kubernetes {\\n ttl x\\n}|invalid syntax",
        "kubernetes {\\n namespaces\\n}|Wrong argument count",
        "kubernetes {\\n namespaces a\\n namespace_labels env=prod\\n}|namespaces and namespace_labels cannot both be set",
        "kubernetes {\\n tls a b\\n}|Wrong argument count",
        "kubernetes {\\n kubeconfig a b c\\n}|Wrong argument count",
        "kubernetes {\\n endpoint_pod_names x\\n}|Wrong argument count",
        "kubernetes {\\n noendpoints x\\n}|Wrong argument count",
        "kubernetes {\\n ignore foo\\n}|unable to parse ignore value: 'foo'",
        "kubernetes {\\n startup_timeout 10\\n}|missing unit",
        "kubernetes {\\n labels a=b=c\\n}|unable to parse label selector value",
        "kubernetes {\\n apiserver_qps -1\\n}|apiserver_qps must be a non-negative number",
        "kubernetes {\\n apiserver_burst x\\n}|apiserver_burst must be a non-negative integer",
        "kubernetes {\\n resyncperiod 10s\\n}|unknown property 'resyncperiod'",
        "kubernetes {\\n upstream\\n}|unknown property 'upstream'",
        "kubernetes {\\n zonal x\\n}|Wrong argument count",
        "kubernetes {\\n zonal\\n noendpoints\\n}|zonal needs the EndpointSlices",
        "kubernetes {\\n multicluster clusterset.local\\n}|multicluster zone 'clusterset.local.' must also be one of",
    })
    void errors(String text, String message) {
        PluginException e = assertThrows(PluginException.class, () -> parse(text.replace("\\n", "\n")));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().startsWith("Corefile:"), "file:line in " + e.getMessage());
    }

    /**
     * A distribution without plugin-multicluster (no {@code ClusterSetOption} provider: this
     * module's tests have none on their path) refuses the option at its line, naming the plugin.
     */
    @Test
    void multiclusterOptionWithoutTheMulticlusterPluginIsRefused() {
        PluginException e = assertThrows(PluginException.class, () -> new KubernetesPlugin().setup(TestController.of(
                "kubernetes cluster.local clusterset.local {\n ttl 30\n multicluster clusterset.local\n}",
                List.of("cluster.local", "clusterset.local"))));
        assertTrue(e.getMessage().startsWith("Corefile:3 - Error during parsing:"), e.getMessage());
        assertTrue(e.getMessage().contains("multicluster plugin (module plugin-multicluster)"), e.getMessage());
        assertTrue(e.getMessage().contains("'multicluster:plugin-multicluster' to plugin.cfg"), e.getMessage());
    }

    @Test
    void oncePerServerBlock() {
        PluginException e = assertThrows(PluginException.class, () -> parse("kubernetes\nkubernetes"));
        assertTrue(e.getMessage().contains("only be used once"), e.getMessage());
    }

    @Test
    void inClusterWithoutServiceEnvironmentIsAClearSetupError() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("KUBERNETES_SERVICE_HOST") == null);
        PluginException e = assertThrows(PluginException.class,
                () -> new KubernetesPlugin().setup(TestController.of("kubernetes cluster.local")));
        assertTrue(e.getMessage().contains("KUBERNETES_SERVICE_HOST"), e.getMessage());
    }

    @Test
    void missingKubeconfigIsAClearSetupError() {
        PluginException e = assertThrows(PluginException.class, () -> new KubernetesPlugin()
                .setup(TestController.of("kubernetes cluster.local {\n kubeconfig /nonexistent/kc\n}")));
        assertTrue(e.getMessage().contains("/nonexistent/kc"), e.getMessage());
    }
}
