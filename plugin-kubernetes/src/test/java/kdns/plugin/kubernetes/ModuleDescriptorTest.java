package kdns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** module-info, META-INF/services and the README agree. */
class ModuleDescriptorTest {

    static final List<String> REQUIRED = List.of("## Name", "## Description", "## Syntax", "## Examples");
    static final List<String> OPTIONAL = List.of("## Metrics", "## Ready", "## Bugs", "## See Also");

    static Path moduleDir() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isRegularFile(here.resolve("README.md")) && Files.isDirectory(here.resolve("src"))
                ? here : here.resolve("plugin-kubernetes");
    }

    private static Path classesDir() throws Exception {
        return Path.of(KubernetesPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void moduleInfoAndServiceFileAgree() throws Exception {
        ModuleDescriptor d;
        try (InputStream in = Files.newInputStream(classesDir().resolve("module-info.class"))) {
            d = ModuleDescriptor.read(in);
        }
        assertEquals("kdns.plugin.kubernetes", d.name());
        Set<String> requires = new HashSet<>();
        d.requires().forEach(r -> requires.add(r.name()));
        assertTrue(requires.containsAll(Set.of("kdns.api", "io.kubernetes.client.java", "io.kubernetes.client.java.api",
                "okhttp3")), requires.toString());
        assertEquals(Set.of("kdns.plugin.kubernetes.multicluster"),
                d.exports().stream().map(ModuleDescriptor.Exports::source).collect(java.util.stream.Collectors.toSet()),
                "only the cluster-set package (shared with the multicluster plugin) is exported");
        List<String> providers = d.provides().stream().filter(p -> p.service().equals(Plugin.class.getName()))
                .flatMap(p -> p.providers().stream()).toList();
        assertTrue(providers.contains(KubernetesPlugin.class.getName()), providers.toString());
        assertTrue(providers.contains(kdns.plugin.kubernetes.autopath.AutopathPlugin.class.getName()), providers.toString());
        assertTrue(providers.contains(kdns.plugin.kubernetes.external.ExternalPlugin.class.getName()),
                providers.toString());
        List<String> file = new ArrayList<>();
        for (String l : Files.readAllLines(classesDir().resolve("META-INF/services/" + Plugin.class.getName()))) {
            if (!l.replaceAll("#.*", "").isBlank()) {
                file.add(l.strip());
            }
        }
        assertEquals(providers, file);
    }

    @Test
    void serviceLoaderFindsIt() {
        boolean found = false;
        for (Plugin p : ServiceLoader.load(Plugin.class)) {
            found |= p.name().equals("kubernetes") && !p.description().isBlank();
        }
        assertTrue(found);
    }

    /** Every plugin the module provides has a README: README.md for kubernetes, README.NAME.md for the others. */
    @Test
    void everyPluginHasAReadme() throws Exception {
        for (String l : Files.readAllLines(classesDir().resolve("META-INF/services/" + Plugin.class.getName()))) {
            if (l.replaceAll("#.*", "").isBlank()) {
                continue;
            }
            Plugin p = (Plugin) Class.forName(l.strip()).getConstructor().newInstance();
            String file = p.name().equals("kubernetes") ? "README.md" : "README." + p.name() + ".md";
            readmeHasCoreDnsSections(p.name(), moduleDir().resolve(file));
        }
    }

    @Test
    void readmeHasCoreDnsSections() throws Exception {
        readmeHasCoreDnsSections("kubernetes", moduleDir().resolve("README.md"));
    }

    private static void readmeHasCoreDnsSections(String plugin, Path readme) throws Exception {
        assertTrue(Files.isRegularFile(readme), "no README for " + plugin + ": " + readme);
        List<String> lines = Files.readAllLines(readme);
        assertEquals("# " + plugin, lines.get(0));
        List<String> sections = lines.stream().filter(l -> REQUIRED.contains(l) || OPTIONAL.contains(l)).toList();
        assertEquals(REQUIRED, sections.subList(0, REQUIRED.size()));
        int last = -1;
        for (String s : sections.subList(REQUIRED.size(), sections.size())) {
            int i = OPTIONAL.indexOf(s);
            assertTrue(i > last, "misplaced " + s);
            last = i;
        }
        assertTrue(lines.get(lines.indexOf("## Name") + 2).startsWith("*" + plugin + "* - "), readme.toString());
    }
}
