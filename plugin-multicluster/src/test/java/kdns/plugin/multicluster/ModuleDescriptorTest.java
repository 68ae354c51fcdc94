package kdns.plugin.multicluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import kdns.testing.PluginModuleChecks;
import kdns.plugin.kubernetes.spi.ClusterSetOption;
import kdns.testing.TestInstance;
import org.junit.jupiter.api.Test;

/** module-info, META-INF/services and the README agree. */
class ModuleDescriptorTest {

    static Path moduleDir() {
        return PluginModuleChecks.moduleDir("plugin-multicluster");
    }

    @Test
    void moduleInfoAndServiceFileAgree() throws Exception {
        ModuleDescriptor d = PluginModuleChecks.descriptor(MulticlusterPlugin.class);
        assertEquals("kdns.plugin.multicluster", d.name());
        Set<String> requires = d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertTrue(requires.containsAll(Set.of("kdns.api", "kdns.plugin.kubernetes")), requires.toString());
        assertTrue(d.exports().isEmpty(), "nothing is exported");
        assertEquals(List.of(MulticlusterPlugin.class.getName()),
                PluginModuleChecks.providersAgree(MulticlusterPlugin.class));
        // The kubernetes block's multicluster option: provided through the kubernetes extension
        // API, in module-info (distribution) and in META-INF/services (class path) alike.
        assertEquals(List.of(KubernetesClusterSetOption.class.getName()), d.provides().stream()
                .filter(p -> p.service().equals(ClusterSetOption.class.getName()))
                .flatMap(p -> p.providers().stream()).toList());
    }

    @Test
    void theKubernetesPluginFindsTheClusterSetOption() {
        assertEquals(List.of(KubernetesClusterSetOption.class),
                new TestInstance().extensions(ClusterSetOption.class).stream().map(Object::getClass).toList());
    }

    @Test
    void serviceLoaderFindsIt() {
        PluginModuleChecks.serviceLoaderFinds("multicluster", MulticlusterPlugin.class);
    }

    @Test
    void readmeHasCoreDnsSections() throws Exception {
        PluginModuleChecks.readmeHasCoreDnsSections(moduleDir().resolve("README.md"), "multicluster");
    }
}
