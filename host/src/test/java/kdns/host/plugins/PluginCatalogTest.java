package kdns.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginCatalogTest {

    private static final ClassLoader LOADER = PluginCatalogTest.class.getClassLoader();

    @Test
    void matchesPluginCfgNamesInOrder() throws Exception {
        PluginCatalog c = PluginCatalog.fromClassPath(PluginCfg.parse("p", "orderc:t\nordera:t\n"), LOADER);
        assertEquals(List.of("orderc", "ordera"), c.order());
        assertEquals(List.of("dns.ordera", "dns.orderc"), c.describe());
        assertEquals("ordera", c.plugin("ordera").name());
    }

    @Test
    void listedNameWithoutProviderIsCoreDnsMessage() {
        PluginLoadException e = assertThrows(PluginLoadException.class,
                () -> PluginCatalog.fromClassPath(PluginCfg.parse("p", "nosuch:plugin-x\n"), LOADER));
        assertTrue(e.getMessage().startsWith(
                "no action found for directive 'nosuch' with server type 'dns' (missing a plugin?)"), e.getMessage());
    }

    @Test
    void missingModuleFolderSaysToRebuild(@TempDir Path dir) {
        PluginLoadException e = assertThrows(PluginLoadException.class,
                () -> PluginCatalog.fromLayers(PluginCfg.parse("p", "x:plugin-x\n"), dir));
        assertTrue(e.getMessage().contains("plugin-x") && e.getMessage().contains("make dist"), e.getMessage());
    }

    @Test
    void emptyModuleFolderProvidesNothing(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("plugin-x"));
        PluginLoadException e = assertThrows(PluginLoadException.class,
                () -> PluginCatalog.fromLayers(PluginCfg.parse("p", "x:plugin-x\n"), dir));
        assertTrue(e.getMessage().startsWith("no action found for directive 'x'"), e.getMessage());
    }
}
