package kdns.plugin.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import kdns.testing.PluginModuleChecks;
import org.junit.jupiter.api.Test;

/** module-info, META-INF/services and the README agree on the plugin this module provides. */
class ModuleDescriptorTest {

    static Path moduleDir() {
        return PluginModuleChecks.moduleDir("plugin-etcd");
    }

    @Test
    void moduleInfoAndServiceFileListTheProvider() throws Exception {
        ModuleDescriptor d = PluginModuleChecks.descriptor(EtcdPlugin.class);
        assertEquals("kdns.plugin.etcd", d.name());
        assertTrue(d.exports().isEmpty(), "nothing is exported");
        Set<String> requires = d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertTrue(requires.containsAll(Set.of("kdns.api", "jetcd.core")), requires.toString());
        assertEquals(List.of(EtcdPlugin.class.getName()), PluginModuleChecks.providersAgree(EtcdPlugin.class));
    }

    @Test
    void serviceLoaderFindsIt() {
        PluginModuleChecks.serviceLoaderFinds("etcd", EtcdPlugin.class);
    }

    @Test
    void readmeHasCoreDnsSections() throws Exception {
        PluginModuleChecks.readmeHasCoreDnsSections(
                moduleDir().resolve("README.md"), "etcd");
    }
}
