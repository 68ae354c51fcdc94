package kdns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import kdns.api.Plugin;
import kdns.plugin.kubernetes.autopath.AutopathPlugin;
import kdns.plugin.kubernetes.external.ExternalPlugin;
import kdns.testing.PluginModuleChecks;
import org.junit.jupiter.api.Test;

/** module-info, META-INF/services and the READMEs agree. */
class ModuleDescriptorTest {

    static Path moduleDir() {
        return PluginModuleChecks.moduleDir("plugin-kubernetes");
    }

    @Test
    void moduleInfoAndServiceFileAgree() throws Exception {
        ModuleDescriptor d = PluginModuleChecks.descriptor(KubernetesPlugin.class);
        assertEquals("kdns.plugin.kubernetes", d.name());
        Set<String> requires = d.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toSet());
        assertTrue(requires.containsAll(Set.of("kdns.api", "io.kubernetes.client.java", "io.kubernetes.client.java.api",
                "okhttp3")), requires.toString());
        assertEquals(Set.of("kdns.plugin.kubernetes.spi"),
                d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()),
                "only the extension API is exported, to every module (no qualified exports of internals)");
        assertTrue(d.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified), d.exports().toString());
        assertEquals(Set.of("kdns.plugin.kubernetes.spi.ClusterSetOption"), d.uses());
        List<String> providers = PluginModuleChecks.providersAgree(KubernetesPlugin.class);
        assertTrue(providers.containsAll(List.of(KubernetesPlugin.class.getName(), AutopathPlugin.class.getName(),
                ExternalPlugin.class.getName())), providers.toString());
    }

    @Test
    void serviceLoaderFindsIt() {
        PluginModuleChecks.serviceLoaderFinds("kubernetes", KubernetesPlugin.class);
    }

    /** Every plugin the module provides has a README: README.md for kubernetes, README.NAME.md for the others. */
    @Test
    void everyPluginHasAReadme() throws Exception {
        for (String cls : PluginModuleChecks.providersAgree(KubernetesPlugin.class)) {
            Plugin p = (Plugin) Class.forName(cls).getConstructor().newInstance();
            String file = p.name().equals("kubernetes") ? "README.md" : "README." + p.name() + ".md";
            PluginModuleChecks.readmeHasCoreDnsSections(moduleDir().resolve(file), p.name());
        }
    }
}
