package kdns.plugin.multicluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/serviceimport-crd.yaml defines the resource the informers watch (group, version, plural,
 * kind, the spec fields read). The chart grants list/watch on it when the Corefile uses the
 * multicluster plugin or option (charts-test, ChartTest.rbacGrantsWhatTheCorefileWatches).
 */
class DeployManifestsTest {

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> docs(String file) throws Exception {
        Path f = ModuleDescriptorTest.moduleDir().resolveSibling("deploy").resolve(file);
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
    void crdDefinesTheWatchedResource() throws Exception {
        List<Map<String, Object>> docs = docs("serviceimport-crd.yaml");
        assertEquals(1, docs.size());
        Map<String, Object> crd = docs.get(0);
        assertEquals("CustomResourceDefinition", crd.get("kind"));
        Map<String, Object> spec = (Map<String, Object>) crd.get("spec");
        assertEquals(McsInformers.GROUP, spec.get("group"));
        assertEquals("Namespaced", spec.get("scope"));
        Map<String, Object> names = (Map<String, Object>) spec.get("names");
        assertEquals(McsInformers.RESOURCE, names.get("plural"));
        assertEquals("ServiceImport", names.get("kind"));
        assertEquals(McsInformers.RESOURCE + "." + McsInformers.GROUP,
                ((Map<String, Object>) crd.get("metadata")).get("name"));
        Map<String, Object> version = ((List<Map<String, Object>>) spec.get("versions")).stream()
                .filter(v -> McsInformers.VERSION.equals(v.get("name"))).findFirst().orElseThrow();
        assertEquals(true, version.get("served"));
        Map<String, Object> props = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                ((Map<String, Object>) ((Map<String, Object>) version.get("schema")).get("openAPIV3Schema"))
                        .get("properties")).get("spec")).get("properties");
        assertTrue(props.keySet().containsAll(List.of("type", "ips", "ports")), props.keySet().toString());
        assertEquals(List.of("ClusterSetIP", "Headless"), ((Map<String, Object>) props.get("type")).get("enum"));
    }
}
