package kdns.host.corefile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import kdns.host.plugins.PluginCfg;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every case of {@code cases/corefile.json} (the shared CoreDNS Corefile cases) through the
 * parser and the key normalisation, in a scratch directory per case, with the case's own
 * environment map and {@code -dns.port}. Cases marked {@code "stage": "setup"} need a real
 * plugin's setup and are covered by the plugin tests.
 */
class CorefileCasesTest {

    private static final String FILE_NAME = "Corefile";

    @TempDir
    Path scratch;

    @TestFactory
    Stream<DynamicTest> corefileCases() throws IOException {
        JsonNode root = new ObjectMapper().readTree(resource("cases/corefile.json"));
        List<String> pluginCfg = pluginCfg();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            String name = c.get("name").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> run(c, pluginCfg)));
        }
        return tests.stream();
    }

    private void run(JsonNode c, List<String> pluginCfg) throws Exception {
        Assumptions.assumeFalse("setup".equals(c.path("stage").asText()),
                "raised by a plugin's setup function, not the parser: covered by the plugin's own tests");
        Path dir = Files.createDirectory(scratch.resolve(c.get("name").asText()));
        String corefile = c.get("corefile").asText();
        Files.writeString(dir.resolve(FILE_NAME), corefile);
        for (Map.Entry<String, JsonNode> f : c.path("files").properties()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue().asText());
        }
        Map<String, String> env = new HashMap<>();
        c.path("env").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
        int port = c.path("flags").has("dns.port") ? Integer.parseInt(c.path("flags").get("dns.port").asText()) : 53;
        JsonNode expect = c.get("expect");
        if (expect.has("error")) {
            String wanted = expect.get("error").asText();
            CorefileException e = assertThrows(CorefileException.class,
                    () -> load(dir, corefile, pluginCfg, env, port));
            assertTrue(e.getMessage().contains(wanted), () -> "expected \"" + wanted + "\" in: " + e.getMessage());
            return;
        }
        Loaded loaded = load(dir, corefile, pluginCfg, env, port);
        JsonNode servers = expect.get("servers");
        assertEquals(servers.size(), loaded.blocks.size(), "number of server blocks");
        for (int i = 0; i < servers.size(); i++) {
            compare(servers.get(i), loaded.blocks.get(i), loaded.keys.get(i), pluginCfg);
        }
    }

    private record Loaded(List<ServerBlock> blocks, List<List<ServerKey>> keys) {
    }

    /** What {@code kdns -validate} does before running setups: parse, default, keys, duplicates. */
    private static Loaded load(Path dir, String corefile, List<String> pluginCfg, Map<String, String> env, int port)
            throws CorefileException {
        Set<String> valid = Set.copyOf(pluginCfg);
        List<ServerBlock> blocks = CorefileParser.parse(FILE_NAME, corefile, dir, valid, env, w -> { });
        if (blocks.isEmpty()) {
            blocks = CorefileParser.parse(FILE_NAME, CorefileParser.defaultCorefile(port), dir, valid, env, w -> { });
        }
        List<List<ServerKey>> keys = new ArrayList<>();
        for (ServerBlock b : blocks) {
            keys.add(ServerKeys.inspect(b, port));
        }
        ServerKeys.checkDuplicates(keys);
        return new Loaded(blocks, keys);
    }

    private static void compare(JsonNode want, ServerBlock block, List<ServerKey> keys, List<String> pluginCfg) {
        assertEquals(strings(want.get("keys")), keys.stream().map(ServerKey::toString).toList(), "keys");
        assertEquals(want.get("port").asInt(), keys.get(0).port(), "port of the first key");
        List<List<String>> directives = new ArrayList<>();
        for (JsonNode d : want.get("directives")) {
            directives.add(strings(d));
        }
        assertEquals(directives,
                block.directives().stream().map(d -> d.tokens().stream().map(Token::text).toList()).toList(),
                "directive tokens");
        List<Integer> lines = new ArrayList<>();
        want.get("directive_lines").forEach(n -> lines.add(n.asInt()));
        assertEquals(lines, block.directives().stream().map(ServerBlock.Directive::line).toList(), "directive lines");
        List<String> order = new ArrayList<>(new LinkedHashSet<>(
                block.directives().stream().map(ServerBlock.Directive::name).toList()));
        order.sort(Comparator.comparingInt(pluginCfg::indexOf));
        assertEquals(strings(want.get("order")), order, "execution order (plugin.cfg)");
    }

    @Test
    void errorShapesOfKeyNormalisationAndDuplicates() throws Exception {
        List<String> cfg = pluginCfg();
        Path dir = scratch;
        CorefileException colon = assertThrows(CorefileException.class,
                () -> load(dir, "example.org: {\n    whoami\n}\n", cfg, Map.of(), 53));
        assertEquals("error inspecting server blocks: expecting data after last colon: \"example.org:\"", colon.getMessage());
        CorefileException zone = assertThrows(CorefileException.class,
                () -> load(dir, ":53 {\n    whoami\n}\n", cfg, Map.of(), 53));
        assertEquals("error inspecting server blocks: zone is not a valid domain name: ", zone.getMessage());
        CorefileException cidr = assertThrows(CorefileException.class,
                () -> load(dir, "::fFFF:B:F/115 {\n    whoami\n}\n", cfg, Map.of(), 53));
        assertEquals("error inspecting server blocks: invalid CIDR ::fFFF:B:F/115", cidr.getMessage());
        CorefileException dup = assertThrows(CorefileException.class,
                () -> load(dir, ". {\n    whoami\n}\n.:53 {\n    log\n}\n", cfg, Map.of(), 53));
        assertEquals("cannot serve dns://.:53 - it is already defined", dup.getMessage());
        CorefileException dupFlag = assertThrows(CorefileException.class,
                () -> load(dir, ". {\n    whoami\n}\n.:1053 {\n    log\n}\n", cfg, Map.of(), 1053));
        assertEquals("cannot serve dns://.:1053 - it is already defined", dupFlag.getMessage());
    }

    @Test
    void pluginCfgIsCoreDnsOrder() throws Exception {
        List<String> cfg = pluginCfg();
        assertEquals("root", cfg.get(0));
        assertEquals("nomad", cfg.get(cfg.size() - 1));
        assertEquals(cfg.size(), Set.copyOf(cfg).size(), "no duplicates");
        assertTrue(cfg.indexOf("prometheus") < cfg.indexOf("errors"));
        assertTrue(cfg.indexOf("cache") < cfg.indexOf("forward"));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** CoreDNS's directive names in execution order (the shared cases/coredns-plugin.cfg). */
    private static List<String> pluginCfg() throws IOException {
        try (InputStream in = resource("cases/coredns-plugin.cfg")) {
            return PluginCfg.parse("coredns-plugin.cfg", new String(in.readAllBytes(), StandardCharsets.UTF_8)).names();
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = CorefileCasesTest.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("test resource missing: " + name);
        }
        return in;
    }
}
