package kdns.plugin.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import kdns.testing.PluginModuleChecks;
import org.junit.jupiter.api.Test;

/** module-info, META-INF/services and the README agree on the plugin this module provides. */
class ModuleDescriptorTest {

    static Path moduleDir() {
        return PluginModuleChecks.moduleDir("plugin-cache");
    }

    private static final Path README = moduleDir().resolve("README.md");

    @Test
    void moduleInfoAndServiceFileListTheSamePlugin() throws Exception {
        ModuleDescriptor d = PluginModuleChecks.descriptor(CachePlugin.class);
        assertEquals("kdns.plugin.cache", d.name());
        Set<String> requires = d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertTrue(requires.containsAll(Set.of("kdns.api", "com.github.benmanes.caffeine")), requires.toString());
        assertTrue(d.exports().isEmpty(), "nothing is exported");
        assertEquals(List.of(CachePlugin.class.getName()), PluginModuleChecks.providersAgree(CachePlugin.class));
    }

    @Test
    void serviceLoaderFindsCache() {
        PluginModuleChecks.serviceLoaderFinds("cache", CachePlugin.class);
    }

    @Test
    void readmeHasCoreDnsSectionsAndTheMetrics() throws Exception {
        PluginModuleChecks.readmeHasCoreDnsSections(README, "cache");
        List<String> lines = Files.readAllLines(README);
        for (String metric : List.of(CacheMetrics.ENTRIES, CacheMetrics.REQUESTS, CacheMetrics.HITS,
                CacheMetrics.MISSES, CacheMetrics.PREFETCH, CacheMetrics.DROPS, CacheMetrics.SERVED_STALE,
                CacheMetrics.EVICTIONS)) {
            assertTrue(lines.stream().anyMatch(l -> l.contains("`" + metric + "{")), "README documents " + metric);
        }
    }
}
