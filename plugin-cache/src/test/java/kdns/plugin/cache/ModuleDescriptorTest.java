package kdns.plugin.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import kdns.api.Plugin;
import org.junit.jupiter.api.Test;

/** module-info, META-INF/services and the README agree on the plugin this module provides. */
class ModuleDescriptorTest {

    static final List<String> REQUIRED = List.of("## Name", "## Description", "## Syntax", "## Examples");
    static final List<String> OPTIONAL = List.of("## Metrics", "## Ready", "## Bugs", "## See Also");

    static Path classesDir() throws Exception {
        return Path.of(CachePlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    static Path moduleDir() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isRegularFile(here.resolve("README.md")) && Files.isDirectory(here.resolve("src"))
                ? here : here.resolve("plugin-cache");
    }

    @Test
    void moduleInfoAndServiceFileListTheSamePlugin() throws Exception {
        ModuleDescriptor d;
        try (InputStream in = Files.newInputStream(classesDir().resolve("module-info.class"))) {
            d = ModuleDescriptor.read(in);
        }
        assertEquals("kdns.plugin.cache", d.name());
        Set<String> requires = new HashSet<>();
        d.requires().forEach(r -> requires.add(r.name()));
        assertTrue(requires.containsAll(Set.of("kdns.api", "com.github.benmanes.caffeine")), requires.toString());
        assertTrue(d.exports().isEmpty(), "nothing is exported");
        List<String> providers = d.provides().stream().filter(p -> p.service().equals(Plugin.class.getName()))
                .flatMap(p -> p.providers().stream()).toList();
        assertEquals(List.of(CachePlugin.class.getName()), providers);
        List<String> file = new ArrayList<>();
        for (String line : Files.readAllLines(classesDir().resolve("META-INF/services/" + Plugin.class.getName()))) {
            String l = line.replaceAll("#.*", "").strip();
            if (!l.isEmpty()) {
                file.add(l);
            }
        }
        assertEquals(providers, file);
    }

    @Test
    void serviceLoaderFindsCache() {
        Set<String> found = new HashSet<>();
        for (Plugin p : ServiceLoader.load(Plugin.class)) {
            found.add(p.name());
        }
        assertTrue(found.contains("cache"), found.toString());
        Plugin p = new CachePlugin();
        assertEquals("cache", p.name());
        assertFalse(p.description().isBlank());
    }

    @Test
    void readmeHasCoreDnsSectionsInOrder() throws Exception {
        List<String> lines = Files.readAllLines(moduleDir().resolve("README.md"));
        assertEquals("# cache", lines.get(0));
        List<String> sections = lines.stream().filter(l -> l.startsWith("## "))
                .filter(l -> REQUIRED.contains(l) || OPTIONAL.contains(l)).toList();
        assertEquals(REQUIRED, sections.subList(0, REQUIRED.size()));
        int last = -1;
        for (String s : sections.subList(REQUIRED.size(), sections.size())) {
            int i = OPTIONAL.indexOf(s);
            assertTrue(i > last, "misplaced section " + s);
            last = i;
        }
        int name = lines.indexOf("## Name");
        assertTrue(lines.get(name + 2).startsWith("*cache* - "), lines.get(name + 2));
        for (String metric : List.of(CacheMetrics.ENTRIES, CacheMetrics.REQUESTS, CacheMetrics.HITS,
                CacheMetrics.MISSES, CacheMetrics.PREFETCH, CacheMetrics.DROPS, CacheMetrics.SERVED_STALE,
                CacheMetrics.EVICTIONS)) {
            assertTrue(lines.stream().anyMatch(l -> l.contains("`" + metric + "{")), "README documents " + metric);
        }
    }
}
