package kdns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import kdns.api.PluginException;
import kdns.plugin.kubernetes.autopath.AutopathPlugin;
import kdns.plugin.kubernetes.external.ExternalPlugin;
import kdns.testing.TestController;
import kdns.testing.docs.CorefileExamples;
import kdns.testing.docs.CorefileExamples.Directive;
import kdns.testing.docs.CorefileExamples.ServerBlock;
import kdns.testing.docs.CorefileExamples.Use;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code corefile} example of the README: its kubernetes directive parses with the block's
 * zones. (Parse only: setting up would build an API client, which needs a reachable configuration.)
 */
class DocsExamplesTest {

    /** The kubernetes block's {@code multicluster ZONES} option line. */
    static final Pattern MULTICLUSTER_OPTION = Pattern.compile("\\n\\s*multicluster\\s");

    @TestFactory
    Stream<DynamicTest> examples() {
        return CorefileExamples.eachExample(CorefileExamples.of(ModuleDescriptorTest.moduleDir().resolve("README.md")), 1,
                example -> {
                    List<Use> uses = example.uses("kubernetes");
                    assertFalse(uses.isEmpty(), "no kubernetes directive in " + example);
                    for (Use u : uses) {
                        // reverse zones written as CIDRs are the plugin's own; the block's zones are the names
                        List<String> blockZones = u.zones().stream().filter(z -> !z.contains("/")).toList();
                        if (MULTICLUSTER_OPTION.matcher(u.text()).find()) {
                            // Served by plugin-multicluster, which builds on this module (its DocsExamplesTest
                            // parses these examples with the option); alone, this module refuses it, naming it.
                            PluginException refused = assertThrows(PluginException.class,
                                    () -> KubernetesDirective.parse(TestController.of(u.text(), blockZones)));
                            assertTrue(refused.getMessage().contains("plugin-multicluster"), refused.getMessage());
                            continue;
                        }
                        KubernetesConfig c = KubernetesDirective.parse(TestController.of(u.text(), blockZones));
                        assertFalse(c.zones().isEmpty(), u.toString());
                    }
                });
    }

    /**
     * Every {@code corefile} example of README.k8s_external.md: its kubernetes and k8s_external
     * directives parse with the block's zones, and each block with k8s_external has kubernetes.
     */
    @TestFactory
    Stream<DynamicTest> k8sExternalExamples() {
        Path page = ModuleDescriptorTest.moduleDir().resolve("README.k8s_external.md");
        return CorefileExamples.eachExample(CorefileExamples.of(page), 1, example -> {
            int externals = 0;
            for (ServerBlock b : example.blocks()) {
                List<Directive> external = b.named("k8s_external");
                if (external.isEmpty()) {
                    continue;
                }
                List<Directive> kubernetes = b.named("kubernetes");
                assertFalse(kubernetes.isEmpty(), example + ": k8s_external needs kubernetes");
                for (Directive k : kubernetes) {
                    assertFalse(KubernetesDirective.parse(TestController.of(k.text(), b.zones())).zones().isEmpty());
                }
                for (Directive e : external) {
                    assertFalse(ExternalPlugin.parse(TestController.of(e.text(), b.zones())).zones().isEmpty());
                    externals++;
                }
            }
            assertTrue(externals > 0, "no k8s_external in " + example);
        });
    }

    /**
     * Every {@code corefile} example of README.autopath.md: its autopath directives set up with the
     * block's zones, and an {@code autopath @kubernetes} block has a kubernetes directive that parses.
     */
    @TestFactory
    Stream<DynamicTest> autopathExamples() {
        Path page = ModuleDescriptorTest.moduleDir().resolve("README.autopath.md");
        return CorefileExamples.eachExample(CorefileExamples.of(page), 1, example -> {
            int autopaths = 0;
            for (ServerBlock b : example.blocks()) {
                for (Directive a : b.named("autopath")) {
                    new AutopathPlugin().setup(TestController.of(a.text(), b.zones()));
                    if (a.text().contains("@kubernetes")) {
                        List<Directive> kubernetes = b.named("kubernetes");
                        assertFalse(kubernetes.isEmpty(), example + ": autopath @kubernetes needs kubernetes");
                        for (Directive k : kubernetes) {
                            assertFalse(KubernetesDirective.parse(TestController.of(k.text(), b.zones())).zones().isEmpty());
                        }
                    }
                    autopaths++;
                }
            }
            assertTrue(autopaths > 0, "no autopath in " + example);
        });
    }
}
