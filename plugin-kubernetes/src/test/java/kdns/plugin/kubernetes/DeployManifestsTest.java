package kdns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kdns.testing.TestController;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/kdns.yaml (the chart charts/kdns rendered with its defaults; charts-test checks that it is):
 * the ClusterRole grants exactly what the informers of its Corefile list and watch (no pods without
 * {@code pods verified}, no serviceimports without cluster-set zones), and the ConfigMap's kubernetes
 * block is a valid configuration.
 */
class DeployManifestsTest {

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> docs() throws Exception {
        Path f = ModuleDescriptorTest.moduleDir().resolveSibling("deploy").resolve("kdns.yaml");
        List<Map<String, Object>> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(f)) {
            for (Object o : new Yaml().loadAll(r)) {
                out.add((Map<String, Object>) o);
            }
        }
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void rbacCoversTheInformers() throws Exception {
        Set<String> granted = new HashSet<>();
        for (Map<String, Object> d : docs()) {
            if ("ClusterRole".equals(d.get("kind"))) {
                for (Map<String, Object> rule : (List<Map<String, Object>>) d.get("rules")) {
                    assertEquals(List.of("list", "watch"), rule.get("verbs"));
                    for (String g : (List<String>) rule.get("apiGroups")) {
                        for (String res : (List<String>) rule.get("resources")) {
                            granted.add(g + "/" + res);
                        }
                    }
                }
            }
        }
        assertEquals(Set.of("/services", "/namespaces", "discovery.k8s.io/endpointslices"), granted);
    }

    @Test
    @SuppressWarnings("unchecked")
    void configMapCorefileParses() throws Exception {
        Set<String> kinds = new HashSet<>();
        String corefile = null;
        for (Map<String, Object> d : docs()) {
            kinds.add((String) d.get("kind"));
            if ("ConfigMap".equals(d.get("kind"))) {
                corefile = ((Map<String, String>) d.get("data")).get("Corefile");
            }
        }
        assertEquals(Set.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "Deployment",
                "Service", "PodDisruptionBudget"), kinds);
        assertTrue(corefile != null && corefile.contains("kubernetes"));
        String body = corefile.substring(corefile.indexOf('{') + 1, corefile.lastIndexOf('}'));
        KubernetesConfig c = KubernetesDirective.parse(TestController.of(AcceptanceCases.kubernetesDirective(body)));
        assertEquals(30, c.ttl());
        assertEquals(KubernetesConfig.PodMode.INSECURE, c.pods());
    }
}
