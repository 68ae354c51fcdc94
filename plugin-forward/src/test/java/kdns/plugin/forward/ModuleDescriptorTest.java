package kdns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import kdns.api.Plugin;
import kdns.plugin.forward.grpc.GrpcPlugin;
import kdns.testing.PluginModuleChecks;
import kdns.testing.TestController;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** module-info, META-INF/services and the README agree; every corefile example of the README sets up. */
class ModuleDescriptorTest {

    static Path moduleDir() {
        return PluginModuleChecks.moduleDir("plugin-forward");
    }

    @Test
    void moduleInfoAndServiceFileAgree() throws Exception {
        ModuleDescriptor d = PluginModuleChecks.descriptor(ForwardPlugin.class);
        assertEquals("kdns.plugin.forward", d.name());
        Set<String> requires = d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertTrue(requires.containsAll(List.of("kdns.api", "io.grpc", "io.grpc.netty")), requires.toString());
        assertTrue(d.exports().isEmpty(), "nothing is exported");
        assertEquals(List.of(ForwardPlugin.class.getName(), ProxyPlugin.class.getName(), GrpcPlugin.class.getName()),
                PluginModuleChecks.providersAgree(ForwardPlugin.class));
        PluginModuleChecks.serviceLoaderFinds("forward", ForwardPlugin.class);
        PluginModuleChecks.serviceLoaderFinds("proxy", ProxyPlugin.class);
        PluginModuleChecks.serviceLoaderFinds("grpc", GrpcPlugin.class);
    }

    @Test
    void readmeHasCoreDnsSections() throws Exception {
        PluginModuleChecks.readmeHasCoreDnsSections(moduleDir().resolve("README.md"), "forward");
    }

    /** grpc has its own page, README.grpc.md, as CoreDNS's plugin/grpc/README.md. */
    @Test
    void grpcReadmeHasCoreDnsSections() throws Exception {
        PluginModuleChecks.readmeHasCoreDnsSections(moduleDir().resolve("README.grpc.md"), "grpc");
    }

    /** The body of each server block of a corefile example (its forward or proxy stanzas). */
    static List<String> forwardDirectives(String example) {
        List<String> out = new ArrayList<>();
        StringBuilder block = null;
        int depth = 0;
        for (String raw : example.split("\n")) {
            String l = raw.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int after = depth + count(l, '{') - count(l, '}');
            if (depth == 0) {
                block = new StringBuilder();
            } else if (after == 0) {
                out.add(block.toString());
            } else {
                if (depth == 1 && !l.startsWith("forward ") && !l.startsWith("proxy ")) {
                    throw new AssertionError("only forward and proxy stanzas in the README's examples: " + l);
                }
                if (depth == 1 && block.length() > 0 && !l.startsWith(block.substring(0, block.indexOf(" ") + 1))) {
                    throw new AssertionError("forward and proxy in one example block: " + l);
                }
                block.append(l).append('\n');
            }
            depth = after;
        }
        return out;
    }

    private static int count(String s, char c) {
        return (int) s.chars().filter(ch -> ch == c).count();
    }

    @TestFactory
    Stream<DynamicTest> readmeExamplesSetUp() throws Exception {
        List<String> lines = Files.readAllLines(moduleDir().resolve("README.md"));
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("~~~ corefile")) {
                int start = i + 1;
                StringBuilder sb = new StringBuilder();
                for (i = i + 1; i < lines.size() && !lines.get(i).strip().equals("~~~"); i++) {
                    sb.append(lines.get(i)).append('\n');
                }
                String text = sb.toString();
                tests.add(DynamicTest.dynamicTest("README.md:" + start, () -> {
                    List<String> directives = forwardDirectives(text);
                    assertFalse(directives.isEmpty(), "no forward or proxy in\n" + text);
                    for (String d : directives) {
                        Plugin p = d.startsWith("proxy ") ? new ProxyPlugin(w -> { }) : new ForwardPlugin();
                        try {
                            p.setup(TestController.of(d));
                        } catch (Exception e) {
                            fail("README.md:" + start + " does not set up: " + e.getMessage() + "\n" + d, e);
                        }
                    }
                }));
            }
        }
        assertTrue(tests.size() >= 8, "examples found: " + tests.size());
        return tests.stream();
    }

    /** Every corefile example of README.grpc.md: its grpc stanzas set up (other plugins are not checked). */
    @TestFactory
    Stream<DynamicTest> grpcReadmeExamplesSetUp() throws Exception {
        List<String> lines = Files.readAllLines(moduleDir().resolve("README.grpc.md"));
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("~~~ corefile")) {
                int start = i + 1;
                List<String> stanzas = new ArrayList<>();
                StringBuilder current = null;
                int depth = 0;
                for (i = i + 1; i < lines.size() && !lines.get(i).strip().equals("~~~"); i++) {
                    String l = lines.get(i).strip();
                    if (depth == 1 && l.startsWith("grpc ")) {
                        current = new StringBuilder();
                    }
                    int after = depth + count(l, '{') - count(l, '}');
                    if (current != null) {
                        current.append(l).append('\n');
                        if (after == 1) {
                            stanzas.add(current.toString());
                            current = null;
                        }
                    }
                    depth = after;
                }
                tests.add(DynamicTest.dynamicTest("README.grpc.md:" + start, () -> {
                    assertFalse(stanzas.isEmpty(), "no grpc stanza in the example at line " + start);
                    for (String d : stanzas) {
                        TestController c = TestController.of(d);
                        try {
                            new GrpcPlugin().setup(c);
                        } catch (Exception e) {
                            fail("README.grpc.md:" + start + " does not set up: " + e.getMessage() + "\n" + d, e);
                        } finally {
                            c.runShutdown();
                        }
                    }
                }));
            }
        }
        assertTrue(tests.size() >= 7, "examples found: " + tests.size());
        return tests.stream();
    }
}
