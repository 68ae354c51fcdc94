package kdns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import kdns.api.PluginException;
import kdns.testing.TestController;
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
    Stream<DynamicTest> examples() throws Exception {
        List<String> lines = Files.readAllLines(ModuleDescriptorTest.moduleDir().resolve("README.md"));
        List<String[]> examples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().matches("(~~~|```)\\s*corefile")) {
                StringBuilder sb = new StringBuilder();
                int start = i + 1;
                for (i++; i < lines.size() && !lines.get(i).strip().matches("~~~|```"); i++) {
                    sb.append(lines.get(i)).append('\n');
                }
                examples.add(new String[] {"README.md:" + start, sb.toString()});
            }
        }
        assertFalse(examples.isEmpty());
        return examples.stream().map(e -> DynamicTest.dynamicTest(e[0], () -> {
            String text = e[1];
            String keyLine = text.lines().filter(l -> l.contains("{")).findFirst().orElseThrow();
            List<String> zones = new ArrayList<>();
            for (String k : keyLine.substring(0, keyLine.indexOf('{')).trim().split("\\s+")) {
                String z = k.replaceFirst("^[a-z]+://", "").replaceFirst(":\\d+$", "");
                zones.add(z.contains("/") ? z : z);
            }
            String body = text.substring(text.indexOf('{') + 1, text.lastIndexOf('}'));
            String directive = AcceptanceCases.kubernetesDirective(body);
            assertTrue(directive.strip().startsWith("kubernetes"), e[0]);
            List<String> blockZones = zones.stream().filter(z -> !z.contains("/")).toList();
            if (MULTICLUSTER_OPTION.matcher(directive).find()) {
                // Served by plugin-multicluster, which builds on this module (its DocsExamplesTest
                // parses these examples with the option); alone, this module refuses it, naming it.
                PluginException refused = assertThrows(PluginException.class,
                        () -> KubernetesDirective.parse(TestController.of(directive, blockZones)));
                assertTrue(refused.getMessage().contains("plugin-multicluster"), refused.getMessage());
                return;
            }
            KubernetesConfig c = KubernetesDirective.parse(TestController.of(directive, blockZones));
            assertFalse(c.zones().isEmpty());
        }));
    }

    /**
     * Every {@code corefile} example of README.k8s_external.md: its kubernetes and k8s_external
     * directives parse with the block's zones, and the block has both.
     */
    @TestFactory
    Stream<DynamicTest> k8sExternalExamples() throws Exception {
        String file = "README.k8s_external.md";
        List<String> lines = Files.readAllLines(ModuleDescriptorTest.moduleDir().resolve(file));
        List<String[]> examples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().matches("(~~~|```)\\s*corefile")) {
                StringBuilder sb = new StringBuilder();
                int start = i + 1;
                for (i++; i < lines.size() && !lines.get(i).strip().matches("~~~|```"); i++) {
                    sb.append(lines.get(i)).append('\n');
                }
                examples.add(new String[] {file + ":" + start, sb.toString()});
            }
        }
        assertFalse(examples.isEmpty());
        return examples.stream().map(e -> DynamicTest.dynamicTest(e[0], () -> {
            String text = e[1];
            String keyLine = text.lines().filter(l -> l.contains("{")).findFirst().orElseThrow();
            List<String> zones = new ArrayList<>();
            for (String k : keyLine.substring(0, keyLine.indexOf('{')).trim().split("\\s+")) {
                zones.add(k.replaceFirst("^[a-z]+://", "").replaceFirst(":\\d+$", ""));
            }
            String body = text.substring(text.indexOf('{') + 1, text.lastIndexOf('}'));
            String kubernetes = AcceptanceCases.kubernetesDirective(body);
            String external = AcceptanceCases.directive(body, "k8s_external");
            assertTrue(kubernetes.strip().startsWith("kubernetes"), e[0] + ": k8s_external needs kubernetes");
            assertTrue(external.strip().startsWith("k8s_external"), e[0]);
            assertFalse(KubernetesDirective.parse(TestController.of(kubernetes, zones)).zones().isEmpty());
            assertFalse(kdns.plugin.kubernetes.external.ExternalPlugin.parse(TestController.of(external, zones))
                    .zones().isEmpty());
        }));
    }
}
