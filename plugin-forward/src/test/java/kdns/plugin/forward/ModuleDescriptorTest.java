package kdns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import kdns.api.Plugin;
import kdns.plugin.forward.grpc.GrpcPlugin;
import kdns.testing.TestController;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** module-info, META-INF/services and the README agree; every corefile example of the README sets up. */
class ModuleDescriptorTest {

    static final List<String> REQUIRED = List.of("## Name", "## Description", "## Syntax", "## Examples");
    static final List<String> OPTIONAL = List.of("## Metrics", "## Ready", "## Bugs", "## See Also");

    private static Path classesDir() throws Exception {
        return Path.of(ForwardPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    static Path moduleDir() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isRegularFile(here.resolve("README.md")) && Files.isDirectory(here.resolve("src"))
                && here.getFileName().toString().equals("plugin-forward") ? here : here.resolve("plugin-forward");
    }

    @Test
    void moduleInfoAndServiceFileAgree() throws Exception {
        ModuleDescriptor d;
        try (InputStream in = Files.newInputStream(classesDir().resolve("module-info.class"))) {
            d = ModuleDescriptor.read(in);
        }
        assertEquals("kdns.plugin.forward", d.name());
        Set<String> requires = new HashSet<>();
        d.requires().forEach(r -> requires.add(r.name()));
        assertTrue(requires.contains("kdns.api"), requires.toString());
        assertTrue(d.exports().isEmpty(), "nothing is exported");
        List<String> providers = d.provides().stream().filter(p -> p.service().equals(Plugin.class.getName()))
                .flatMap(p -> p.providers().stream()).toList();
        assertEquals(List.of(ForwardPlugin.class.getName(), ProxyPlugin.class.getName(), GrpcPlugin.class.getName()),
                providers);
        List<String> file = Files.readAllLines(classesDir().resolve("META-INF/services/" + Plugin.class.getName()))
                .stream().map(l -> l.replaceAll("#.*", "").strip()).filter(l -> !l.isEmpty()).toList();
        assertEquals(providers, file);
        Set<String> names = new HashSet<>();
        for (Plugin p : ServiceLoader.load(Plugin.class)) {
            names.add(p.name());
        }
        assertTrue(names.containsAll(List.of("forward", "proxy", "grpc")),
                "ServiceLoader finds forward, proxy and grpc: " + names);
        assertTrue(requires.containsAll(List.of("io.grpc", "io.grpc.netty")), requires.toString());
        assertFalse(new ForwardPlugin().description().isBlank());
        assertFalse(new ProxyPlugin().description().isBlank());
        assertFalse(new GrpcPlugin().description().isBlank());
    }

    @Test
    void readmeHasCoreDnsSections() throws Exception {
        readmeHasCoreDnsSections("forward", moduleDir().resolve("README.md"));
    }

    /** grpc has its own page, README.grpc.md, as CoreDNS's plugin/grpc/README.md. */
    @Test
    void grpcReadmeHasCoreDnsSections() throws Exception {
        readmeHasCoreDnsSections("grpc", moduleDir().resolve("README.grpc.md"));
    }

    static void readmeHasCoreDnsSections(String plugin, Path readme) throws Exception {
        List<String> lines = Files.readAllLines(readme);
        assertEquals("# " + plugin, lines.get(0));
        List<String> sections = lines.stream().filter(l -> l.startsWith("## "))
                .filter(l -> REQUIRED.contains(l) || OPTIONAL.contains(l)).toList();
        assertEquals(REQUIRED, sections.subList(0, REQUIRED.size()));
        int last = -1;
        for (String s : sections.subList(REQUIRED.size(), sections.size())) {
            int i = OPTIONAL.indexOf(s);
            assertTrue(i > last, "misplaced section " + s);
            last = i;
        }
        String name = lines.get(lines.indexOf("## Name") + 2);
        assertTrue(name.startsWith("*" + plugin + "* - "), name);
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
