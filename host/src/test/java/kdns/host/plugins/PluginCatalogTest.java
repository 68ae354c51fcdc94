package kdns.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
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
    void emptyModuleFolderProvidesNothingWhenUsed(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("plugin-x"));
        PluginCatalog c = PluginCatalog.fromLayers(PluginCfg.parse("p", "x:plugin-x\n"), dir);
        PluginLoadException e = assertThrows(PluginLoadException.class, () -> c.require(Set.of("x")));
        assertTrue(e.getMessage().startsWith("no action found for directive 'x'"), e.getMessage());
    }

    @Test
    void definesOnlyTheFoldersOfUsedDirectives(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("plugin-x"));
        Path broken = Files.createDirectories(dir.resolve("plugin-broken"));
        Files.writeString(broken.resolve("broken.jar"), "not a jar");
        PluginCatalog c = PluginCatalog.fromLayers(PluginCfg.parse("p", "a:plugin-x\nb:plugin-broken\n"), dir);
        assertEquals(Set.of(), c.loadedFolders());
        assertEquals(List.of("a", "b"), c.order());
        assertEquals(List.of("dns.a", "dns.b"), c.describe());
        c.require(Set.of("whoami")); // a name plugin.cfg does not list is the parser's to refuse
        assertEquals(Set.of(), c.loadedFolders());
        assertThrows(PluginLoadException.class, () -> c.require(Set.of("a")));
        assertEquals(Set.of("plugin-x"), c.loadedFolders()); // the broken folder's jar was never read
    }

    @Test
    void brokenFolderFailsWhenUsedAndAgainOnTheNextTry(@TempDir Path dir) throws Exception {
        Path broken = Files.createDirectories(dir.resolve("plugin-broken"));
        Files.writeString(broken.resolve("broken.jar"), "not a jar");
        PluginCatalog c = PluginCatalog.fromLayers(PluginCfg.parse("p", "b:plugin-broken\n"), dir);
        for (int i = 0; i < 2; i++) { // a reload asking again gets the same error, not a cycle report
            PluginLoadException e = assertThrows(PluginLoadException.class, () -> c.require(Set.of("b")));
            assertTrue(e.getMessage().startsWith("cannot load plugin module folder " + broken), e.getMessage());
        }
    }

    @Test
    void pluginsListingLoadsEveryFolder(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("plugin-x"));
        Files.createDirectories(dir.resolve("plugin-y"));
        PluginCatalog c = PluginCatalog.fromLayers(PluginCfg.parse("p", "a:plugin-x\nb:plugin-y\n"), dir);
        PluginLoadException e = assertThrows(PluginLoadException.class, c::providers);
        assertTrue(e.getMessage().startsWith("no action found for directive 'a'"), e.getMessage());
        assertEquals(Set.of("plugin-x"), c.loadedFolders()); // stops at the first folder at fault
    }

    @Test
    void extensionLookupDefinesEveryFolder(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("plugin-x"));
        Files.createDirectories(dir.resolve("plugin-y"));
        PluginCatalog c = PluginCatalog.fromLayers(PluginCfg.parse("p", "a:plugin-x\nb:plugin-y\n"), dir);
        assertEquals(List.of(), c.extensions().providers(Runnable.class));
        assertEquals(Set.of("plugin-x", "plugin-y"), c.loadedFolders());
    }

    @Test
    void classPathCatalogHasEveryPluginAtOnce() throws Exception {
        PluginCatalog c = PluginCatalog.fromClassPath(PluginCfg.parse("p", "orderc:t\nordera:t\n"), LOADER);
        c.require(Set.of("ordera"));
        assertEquals("orderc", c.plugin("orderc").name());
    }
}
