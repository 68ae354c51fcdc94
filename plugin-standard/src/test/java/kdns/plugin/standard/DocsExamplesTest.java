package kdns.plugin.standard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import kdns.api.Plugin;
import kdns.testing.TestController;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@code corefile} example of the docs: each directive of this module in each server block is
 * set up through the test controller (parse only: nothing is started).
 */
class DocsExamplesTest {

    /** One fenced example. */
    record Example(Path file, int line, String text) {
        @Override
        public String toString() {
            return file.getFileName() + ":" + line;
        }
    }

    /** A token of an example, with its line. */
    record Tok(String text, int line) {
    }

    /** One server block: its keys and, per directive, the lines of all its occurrences. */
    record Block(List<String> keys, Map<String, List<String>> directives) {
    }

    static List<Example> examples() throws IOException {
        List<Example> out = new ArrayList<>();
        Path dir = ModuleDescriptorTest.moduleDir();
        List<Path> files = new ArrayList<>();
        files.add(dir.resolve("README.md"));
        try (Stream<Path> docs = Files.list(dir.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                if (l.matches("(~~~|```)\\s*corefile")) {
                    String fence = l.substring(0, 3);
                    StringBuilder sb = new StringBuilder();
                    int start = i + 1;
                    for (i = i + 1; i < lines.size() && !lines.get(i).strip().equals(fence); i++) {
                        sb.append(lines.get(i)).append('\n');
                    }
                    out.add(new Example(f, start, sb.toString()));
                }
            }
        }
        return out;
    }

    static List<Tok> tokens(String text) {
        List<Tok> out = new ArrayList<>();
        int line = 1;
        int i = 0;
        while (i < text.length()) {
            char ch = text.charAt(i);
            if (ch == '\n') {
                line++;
                i++;
            } else if (Character.isWhitespace(ch)) {
                i++;
            } else if (ch == '#') {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
            } else {
                StringBuilder sb = new StringBuilder();
                int startLine = line;
                boolean quoted = false;
                while (i < text.length()) {
                    ch = text.charAt(i);
                    if (!quoted && Character.isWhitespace(ch)) {
                        break;
                    }
                    if (ch == '"') {
                        quoted = !quoted;
                    } else if (ch == '\\' && quoted && i + 1 < text.length()) {
                        sb.append(text.charAt(++i));
                    } else {
                        if (ch == '\n') {
                            line++;
                        }
                        sb.append(ch);
                    }
                    i++;
                }
                out.add(new Tok(sb.toString(), startLine));
            }
        }
        return out;
    }

    /** Splits an example into server blocks and the source lines of each directive. */
    static List<Block> blocks(String text) {
        String[] lines = text.split("\n", -1);
        List<Tok> toks = tokens(text);
        List<Block> out = new ArrayList<>();
        int i = 0;
        while (i < toks.size()) {
            List<String> keys = new ArrayList<>();
            while (i < toks.size() && !toks.get(i).text().equals("{")) {
                keys.add(toks.get(i++).text());
            }
            i++; // "{"
            Map<String, List<String>> directives = new LinkedHashMap<>();
            int depth = 1;
            String current = null;
            int from = 0;
            int to = 0;
            int prevLine = toks.get(i - 1).line();
            while (i < toks.size() && depth > 0) {
                Tok t = toks.get(i++);
                if (depth == 1 && t.text().equals("}")) {
                    depth = 0;
                    break;
                }
                if (depth == 1 && t.line() > prevLine) {
                    if (current != null) {
                        directives.computeIfAbsent(current, k -> new ArrayList<>()).add(lines(lines, from, to));
                    }
                    current = t.text();
                    from = t.line();
                }
                if (t.text().equals("{")) {
                    depth++;
                } else if (t.text().equals("}")) {
                    depth--;
                }
                to = t.line();
                prevLine = t.line();
            }
            if (current != null) {
                directives.computeIfAbsent(current, k -> new ArrayList<>()).add(lines(lines, from, to));
            }
            assertEquals(0, depth, "unbalanced braces in\n" + text);
            out.add(new Block(keys, directives));
        }
        return out;
    }

    private static String lines(String[] lines, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int l = from; l <= to; l++) {
            sb.append(lines[l - 1].strip()).append('\n');
        }
        return sb.toString();
    }

    /** The block key's zone: {@code dns://example.org:53} gives {@code example.org}. */
    static String zone(String key) {
        String k = key.replaceFirst("^[a-z]+://", "");
        int colon = k.lastIndexOf(':');
        return colon > 0 ? k.substring(0, colon) : k;
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
            assertTrue(all.stream().anyMatch(e -> e.file().getFileName().toString().equals(name + ".md")), name);
        }
    }

    @Test
    void splitter() {
        List<Block> b = blocks("a.org b.org {\n    log . {\n        class denial\n    }\n    bind 1.2.3.4\n"
                + "    bind ::1\n}\n\nc.org {\n whoami\n}\n");
        assertEquals(2, b.size());
        assertEquals(List.of("a.org", "b.org"), b.get(0).keys());
        assertEquals(List.of("log . {\nclass denial\n}\n"), b.get(0).directives().get("log"));
        assertEquals(List.of("bind 1.2.3.4\n", "bind ::1\n"), b.get(0).directives().get("bind"));
        assertEquals(List.of("c.org"), b.get(1).keys());
        assertEquals("example.org", zone("dns://example.org:53"));
        assertEquals(".", zone(".:53"));
    }

    private static Path tlsDir;

    /** A directory holding a throw-away cert.pem, key.pem and ca.pem for the tls examples. */
    private static synchronized Path tlsFiles() throws IOException {
        if (tlsDir == null) {
            Path d = Files.createTempDirectory("kdns-docs-tls");
            kdns.testing.upstream.TestCertificate cert =
                    kdns.testing.upstream.TestCertificate.generate(d, "example", "example.org", "dns:example.org");
            Files.copy(cert.certPem(), d.resolve("cert.pem"));
            Files.copy(cert.keyPem(), d.resolve("key.pem"));
            Files.copy(cert.certPem(), d.resolve("ca.pem"));
            tlsDir = d;
        }
        return tlsDir;
    }

    @org.junit.jupiter.api.AfterAll
    static void removeTlsFiles() throws IOException {
        if (tlsDir != null) {
            try (Stream<Path> files = Files.walk(tlsDir)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> examplesSetUp() throws IOException {
        Map<String, Plugin> plugins = plugins();
        return examples().stream().map(ex -> DynamicTest.dynamicTest(ex.toString(), () -> {
            List<Block> blocks = blocks(ex.text());
            assertFalse(blocks.isEmpty(), ex + " has no server block");
            int used = 0;
            for (Block b : blocks) {
                List<String> zones = b.keys().stream().map(DocsExamplesTest::zone).toList();
                for (Map.Entry<String, List<String>> d : b.directives().entrySet()) {
                    Plugin p = plugins.get(d.getKey());
                    if (p == null) {
                        continue; // another module's plugin
                    }
                    String text = String.join("", d.getValue());
                    try {
                        TestController c = TestController.of(text, zones);
                        if (d.getKey().equals("tls")) {
                            c.root(tlsFiles().toString()); // the examples name cert.pem, key.pem, ca.pem
                        }
                        p.setup(c);
                    } catch (Exception e) {
                        fail(ex + ": " + d.getKey() + " does not set up: " + e.getMessage() + "\n" + text, e);
                    }
                    used++;
                }
            }
            assertTrue(used > 0, ex + " uses none of this module's plugins");
        }));
    }
}
