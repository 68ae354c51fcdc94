package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import kdns.host.plugins.PluginCfg;
import kdns.testing.TestPluginCfg;
import kdns.testing.cases.CaseFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of cases/corefile.json through the real binary: {@code kdns -validate} must accept
 * what CoreDNS accepts and reject what it rejects with the same message. A case whose Corefile
 * uses a plugin this distribution does not hold is reported as skipped (the parser-level checks of
 * the same case run in the host module's CorefileCasesTest against CoreDNS's full directive list).
 */
class CorefileCasesTest {

    /**
     * The plugins of CoreDNS (the shared cases/coredns-plugin.cfg) and of kdns's full distribution:
     * an unknown directive among them is a plugin this distribution lacks, not a typo.
     */
    static final Set<String> KNOWN_PLUGINS = knownPlugins();

    private static Set<String> knownPlugins() {
        Set<String> names = new HashSet<>(TestPluginCfg.distribution().names());
        try (InputStream in = CorefileCasesTest.class.getResourceAsStream("/cases/coredns-plugin.cfg")) {
            names.addAll(PluginCfg.parse("coredns-plugin.cfg", new String(in.readAllBytes(), StandardCharsets.UTF_8)).names());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(names);
    }

    @TestFactory
    Stream<DynamicTest> everyCase() throws Exception {
        JsonNode root = CaseFiles.read("corefile.json");
        Set<String> available = availablePlugins();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> runCase(c, available)));
        }
        return tests.stream();
    }

    private static Set<String> availablePlugins() throws Exception {
        Path tmp = Files.createTempDirectory("kdns-plugins");
        KdnsProcess.Result r = KdnsProcess.runToEnd(tmp, Map.of(), "-plugins");
        Set<String> names = new HashSet<>();
        r.output().lines().map(String::strip).filter(l -> l.startsWith("dns.")).forEach(l -> names.add(l.substring(4)));
        return names;
    }

    private static void runCase(JsonNode c, Set<String> available) throws Exception {
        JsonNode expect = c.get("expect");
        Set<String> used = new HashSet<>();
        if (expect.has("servers")) {
            for (JsonNode s : expect.get("servers")) {
                for (JsonNode d : s.get("directives")) {
                    used.add(d.get(0).asText());
                }
            }
        }
        used.removeAll(available);
        Assumptions.assumeTrue(used.isEmpty(), "this distribution has no plugin " + used);

        Path dir = Files.createTempDirectory("kdns-case");
        Files.writeString(dir.resolve("Corefile"), c.get("corefile").asText());
        if (c.has("files")) {
            var it = c.get("files").fields();
            while (it.hasNext()) {
                var f = it.next();
                Path p = dir.resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.getValue().asText());
            }
        }
        Map<String, String> env = new HashMap<>();
        if (c.has("env")) {
            c.get("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        }
        List<String> args = new ArrayList<>(List.of("-validate", "-conf", "Corefile"));
        if (c.has("flags") && c.get("flags").has("dns.port")) {
            args.add("-dns.port");
            args.add(c.get("flags").get("dns.port").asText());
        }
        KdnsProcess.Result r = KdnsProcess.runToEnd(dir, env, args.toArray(String[]::new));
        if (expect.has("error")) {
            // A rejected Corefile may use a plugin this distribution lacks: the parser then stops
            // at that directive, before the error the case is about.
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Unknown directive '([^']+)'").matcher(r.output());
            if (m.find() && !available.contains(m.group(1)) && KNOWN_PLUGINS.contains(m.group(1))
                    && !expect.get("error").asText().contains(m.group(1))) {
                Assumptions.abort("this distribution has no plugin " + m.group(1));
            }
            assertNotEquals(0, r.exitCode(), "must be rejected:\n" + r.output());
            assertTrue(r.output().contains(expect.get("error").asText()),
                    "want error containing: " + expect.get("error").asText() + "\ngot:\n" + r.output());
        } else if (c.has("note") && c.get("note").asText().contains("setup will usually reject")) {
            // The parser accepts these and CoreDNS's plugin setup then rejects them (e.g. a directive
            // block whose '{' is on the next line): either outcome is CoreDNS's, but a failure must
            // come from the setup of a plugin the case uses, not from the parser.
            if (r.exitCode() != 0) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("^plugin/([a-z0-9_]+): ", java.util.regex.Pattern.MULTILINE)
                        .matcher(r.output());
                assertTrue(m.find(), "only a plugin's setup may reject this Corefile:\n" + r.output());
                Set<String> caseDirectives = new HashSet<>();
                expect.get("servers").forEach(sv -> sv.get("directives").forEach(d -> caseDirectives.add(d.get(0).asText())));
                assertTrue(caseDirectives.contains(m.group(1)), r.output());
            }
        } else {
            assertEquals(0, r.exitCode(), "must be accepted:\n" + r.output());
        }
    }
}
