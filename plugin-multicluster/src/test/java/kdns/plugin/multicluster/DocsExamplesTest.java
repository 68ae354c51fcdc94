package kdns.plugin.multicluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import kdns.plugin.kubernetes.KubernetesConfig;
import kdns.plugin.kubernetes.KubernetesDirective;
import kdns.testing.Directives;
import kdns.testing.TestController;
import kdns.testing.docs.CorefileExamples;
import kdns.testing.docs.CorefileExamples.Use;
import kdns.testing.kubernetes.FakeApiServer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code corefile} example of the README: its multicluster directive sets up (with
 * {@code kubeconfig} pointed at a fake API server when the example names none, since setup builds
 * the API client) with the block's zones, and its informers start and stop.
 */
class DocsExamplesTest {

    @TestFactory
    Stream<DynamicTest> examples() {
        return CorefileExamples.eachExample(CorefileExamples.of(ModuleDescriptorTest.moduleDir().resolve("README.md")), 1,
                example -> {
                    List<Use> uses = example.uses("multicluster");
                    assertFalse(uses.isEmpty(), "no multicluster directive in " + example);
                    for (Use u : uses) {
                        setUp(u.text(), u.zones());
                    }
                });
    }

    /**
     * The {@code corefile} examples of plugin-kubernetes's README whose kubernetes block has the
     * {@code multicluster} option (served by this module, refused by plugin-kubernetes alone): with
     * this module's {@link KubernetesClusterSetOption} on the path the directive parses, the option's
     * zones among its own.
     */
    @TestFactory
    Stream<DynamicTest> kubernetesReadmeOptionExamples() {
        Path page = ModuleDescriptorTest.moduleDir().resolveSibling("plugin-kubernetes").resolve("README.md");
        List<Use> uses = CorefileExamples.of(page, "plugin-kubernetes/README.md").stream()
                .flatMap(e -> e.uses("kubernetes").stream())
                .filter(u -> u.text().matches("(?s).*\\n\\s*multicluster\\s.*")).toList();
        assertFalse(uses.isEmpty(), "plugin-kubernetes/README.md shows the multicluster option");
        return uses.stream().map(u -> DynamicTest.dynamicTest(u.example().toString(), () -> {
            String d = u.text();
            String[] words = d.lines().findFirst().orElseThrow().replace("{", "").strip().split("\\s+");
            List<String> zones = List.of(words).subList(1, words.length);
            KubernetesConfig c = KubernetesDirective.parse(TestController.of(d, zones));
            assertFalse(c.multiclusterZones().isEmpty(), u.toString());
            assertTrue(c.zones().containsAll(c.multiclusterZones()), u.toString());
        }));
    }

    private static void setUp(String directive, List<String> zones) throws Exception {
        String d = directive;
        try (FakeApiServer api = FakeApiServer.start()) {
            Path dir = Files.createTempDirectory("kdns-mc-docs");
            if (!d.contains("kubeconfig") && !d.contains("endpoint")) {
                d = Directives.withLines(d, "kubeconfig " + api.kubeconfig(dir));
            }
            TestController tc = TestController.of(d, zones);
            new MulticlusterPlugin().setup(tc);
            assertTrue(tc.handler(null) != null);
            if (d.contains(api.url()) || d.contains(dir.toString())) {
                tc.runStartup();
                tc.runShutdown();
            }
        }
    }
}
