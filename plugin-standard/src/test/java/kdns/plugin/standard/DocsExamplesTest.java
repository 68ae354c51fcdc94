package kdns.plugin.standard;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import kdns.api.Plugin;
import kdns.testing.TestController;
import kdns.testing.docs.CorefileExamples;
import kdns.testing.docs.CorefileExamples.Directive;
import kdns.testing.docs.CorefileExamples.Example;
import kdns.testing.docs.CorefileExamples.ServerBlock;
import kdns.testing.upstream.TestCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code corefile} example of the docs: each directive of this module in each server block is
 * set up through the test controller (parse only: nothing is started).
 */
class DocsExamplesTest {

    /** The examples of README.md and of every page under docs/, in file-name order. */
    static List<Example> examples() throws IOException {
        Path dir = ModuleDescriptorTest.moduleDir();
        List<Example> out = new ArrayList<>(CorefileExamples.of(dir.resolve("README.md")));
        try (Stream<Path> docs = Files.list(dir.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(p -> out.addAll(CorefileExamples.of(p)));
        }
        return out;
    }

    private static Map<String, Plugin> plugins() {
        Map<String, Plugin> out = new HashMap<>();
        for (Plugin p : ServiceLoader.load(Plugin.class)) {
            if (p.getClass().getPackageName().startsWith("kdns.plugin.standard.")) {
                out.put(p.name(), p);
            }
        }
        return out;
    }

    @Test
    void everyDocHasExamples() throws IOException {
        List<Example> all = examples();
        for (String name : plugins().keySet()) {
            assertTrue(all.stream().anyMatch(e -> e.page().equals(name + ".md")), name);
        }
    }

    private static Path tlsDir;

    /** A directory holding a throw-away cert.pem, key.pem and ca.pem for the tls examples. */
    private static synchronized Path tlsFiles() throws IOException {
        if (tlsDir == null) {
            Path d = Files.createTempDirectory("kdns-docs-tls");
            TestCertificate cert = TestCertificate.generate(d, "example", "example.org", "dns:example.org");
            Files.copy(cert.certPem(), d.resolve("cert.pem"));
            Files.copy(cert.keyPem(), d.resolve("key.pem"));
            Files.copy(cert.certPem(), d.resolve("ca.pem"));
            tlsDir = d;
        }
        return tlsDir;
    }

    @AfterAll
    static void removeTlsFiles() throws IOException {
        if (tlsDir != null) {
            try (Stream<Path> files = Files.walk(tlsDir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> examplesSetUp() throws IOException {
        Map<String, Plugin> plugins = plugins();
        return CorefileExamples.eachExample(examples(), plugins.size(), ex -> {
            List<ServerBlock> blocks = ex.blocks();
            assertFalse(blocks.isEmpty(), ex + " has no server block");
            int used = 0;
            for (ServerBlock b : blocks) {
                for (String name : b.directives().stream().map(Directive::name).distinct().toList()) {
                    Plugin p = plugins.get(name);
                    if (p == null) {
                        continue; // another module's plugin
                    }
                    // all of a block's uses of one plugin together, as the server hands them to its setup
                    String text = String.join("", b.named(name).stream().map(Directive::text).toList());
                    try {
                        TestController c = TestController.of(text, b.zones());
                        if (name.equals("tls")) {
                            c.root(tlsFiles().toString()); // the examples name cert.pem, key.pem, ca.pem
                        }
                        p.setup(c);
                    } catch (Exception e) {
                        fail(ex + ": " + name + " does not set up: " + e.getMessage() + "\n" + text, e);
                    }
                    used++;
                }
            }
            assertTrue(used > 0, ex + " uses none of this module's plugins");
        });
    }
}
