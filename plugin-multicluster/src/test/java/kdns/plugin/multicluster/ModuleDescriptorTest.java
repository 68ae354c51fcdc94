package kdns.plugin.multicluster;

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
                ? here : here.resolve("plugin-multicluster");
    }

    private static Path classesDir() throws Exception {
        return Path.of(MulticlusterPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void moduleInfoAndServiceFileAgree() throws Exception {
        ModuleDescriptor d;
        try (InputStream in = Files.newInputStream(classesDir().resolve("module-info.class"))) {
            d = ModuleDescriptor.read(in);
        }
        assertEquals("kdns.plugin.multicluster", d.name());
        Set<String> requires = new HashSet<>();
        d.requires().forEach(r -> requires.add(r.name()));
        assertTrue(requires.containsAll(Set.of("kdns.api", "kdns.plugin.kubernetes")), requires.toString());
        assertTrue(d.exports().isEmpty(), "nothing is exported");
        List<String> providers = d.provides().stream().filter(p -> p.service().equals(Plugin.class.getName()))
                .flatMap(p -> p.providers().stream()).toList();
        assertEquals(List.of(MulticlusterPlugin.class.getName()), providers);
        List<String> file = new ArrayList<>();
        for (String l : Files.readAllLines(classesDir().resolve("META-INF/services/" + Plugin.class.getName()))) {
            if (!l.replaceAll("#.*", "").isBlank()) {
                file.add(l.strip());
            }
        }
        assertEquals(providers, file);
        assertTrue(Files.isRegularFile(classesDir().resolve("META-INF/kdns-plugin-module")));
    }

    @Test
    void serviceLoaderFindsIt() {
        boolean found = false;
        for (Plugin p : ServiceLoader.load(Plugin.class)) {
            found |= p.name().equals("multicluster") && !p.description().isBlank();
        }
        assertTrue(found);
    }

    @Test
    void readmeHasCoreDnsSections() throws Exception {
        List<String> lines = Files.readAllLines(moduleDir().resolve("README.md"));
        assertEquals("# multicluster", lines.get(0));
        List<String> sections = lines.stream().filter(l -> REQUIRED.contains(l) || OPTIONAL.contains(l)).toList();
        assertEquals(REQUIRED, sections.subList(0, REQUIRED.size()));
        int last = -1;
        for (String s : sections.subList(REQUIRED.size(), sections.size())) {
            int i = OPTIONAL.indexOf(s);
            assertTrue(i > last, "misplaced " + s);
            last = i;
        }
        assertTrue(lines.get(lines.indexOf("## Name") + 2).startsWith("*multicluster* - "));
    }
}
