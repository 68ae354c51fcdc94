package kdns.plugin.multicluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import kdns.plugin.kubernetes.KubernetesConfig;
import kdns.plugin.kubernetes.KubernetesDirective;
import kdns.testing.TestController;
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
    Stream<DynamicTest> examples() throws Exception {
        List<String[]> examples = examples(ModuleDescriptorTest.moduleDir().resolve("README.md"), "README.md");
        assertFalse(examples.isEmpty());
        return examples.stream().map(e -> DynamicTest.dynamicTest(e[0], () -> setUp(e[1])));
    }

    /**
     * The {@code corefile} examples of plugin-kubernetes's README whose kubernetes block has the
     * {@code multicluster} option (served by this module, refused by plugin-kubernetes alone): with
     * this module's {@link KubernetesClusterSetOption} on the path the directive parses, the option's
     * zones among its own.
     */
    @TestFactory
    Stream<DynamicTest> kubernetesReadmeOptionExamples() throws Exception {
        List<String[]> examples = new ArrayList<>();
        for (String[] e : examples(ModuleDescriptorTest.moduleDir().resolveSibling("plugin-kubernetes").resolve("README.md"),
                "plugin-kubernetes/README.md")) {
            if (e[1].contains("kubernetes ") && directive(e[1], "kubernetes").matches("(?s).*\\n\\s*multicluster\\s.*")) {
                examples.add(new String[] {e[0], directive(e[1], "kubernetes")});
            }
        }
        assertFalse(examples.isEmpty(), "plugin-kubernetes/README.md shows the multicluster option");
        return examples.stream().map(e -> DynamicTest.dynamicTest(e[0], () -> {
            String d = e[1];
            String[] words = d.lines().findFirst().orElseThrow().replace("{", "").strip().split("\\s+");
            List<String> zones = List.of(words).subList(1, words.length);
            KubernetesConfig c = KubernetesDirective.parse(TestController.of(d, zones));
            assertFalse(c.multiclusterZones().isEmpty(), e[0]);
            assertTrue(c.zones().containsAll(c.multiclusterZones()), e[0]);
        }));
    }

    /** The {@code corefile} examples of a Markdown file: {@code [label:line, text]}. */
    private static List<String[]> examples(Path file, String label) throws Exception {
        List<String> lines = Files.readAllLines(file);
        List<String[]> examples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().matches("(~~~|```)\\s*corefile")) {
                StringBuilder sb = new StringBuilder();
                int start = i + 1;
                for (i++; i < lines.size() && !lines.get(i).strip().matches("~~~|```"); i++) {
                    sb.append(lines.get(i)).append('\n');
                }
                examples.add(new String[] {label + ":" + start, sb.toString()});
            }
        }
        return examples;
    }

    /** The multicluster directive of one example (with its block, if any). */
    static String directive(String text) {
        return directive(text, "multicluster");
    }

    /** The {@code name} directive of one example (with its block, if any). */
    static String directive(String text, String name) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.startsWith(name)) {
                if (!l.endsWith("{")) {
                    return l;
                }
                StringBuilder sb = new StringBuilder(l).append('\n');
                for (i++; i < lines.size(); i++) {
                    sb.append(lines.get(i)).append('\n');
                    if (lines.get(i).strip().equals("}")) {
                        return sb.toString();
                    }
                }
            }
        }
        throw new AssertionError("no " + name + " directive in\n" + text);
    }

    private static void setUp(String text) throws Exception {
        String keyLine = text.lines().filter(l -> l.contains("{")).findFirst().orElseThrow();
        List<String> zones = new ArrayList<>();
        for (String k : keyLine.substring(0, keyLine.indexOf('{')).trim().split("\\s+")) {
            zones.add(k.replaceFirst("^[a-z]+://", "").replaceFirst(":\\d+$", ""));
        }
        String d = directive(text);
        try (FakeApiServer api = FakeApiServer.start()) {
            Path dir = Files.createTempDirectory("kdns-mc-docs");
            if (!d.contains("kubeconfig") && !d.contains("endpoint")) {
                d = McsCases.withLines(d, "kubeconfig " + api.kubeconfig(dir));
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
