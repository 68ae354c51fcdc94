package kdns.plugin.etcd;

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

/** module-info, META-INF/services and the README agree on the plugin this module provides. */
class ModuleDescriptorTest {

    static final List<String> REQUIRED = List.of("## Name", "## Description", "## Syntax", "## Examples");
    static final List<String> OPTIONAL = List.of("## Metrics", "## Ready", "## Bugs", "## See Also");

    static Path classesDir() throws Exception {
        return Path.of(EtcdPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    static Path moduleDir() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isRegularFile(here.resolve("README.md")) && here.endsWith("plugin-etcd") ? here
                : here.resolve("plugin-etcd");
    }

    @Test
    void moduleInfoAndServiceFileListTheProvider() throws Exception {
        ModuleDescriptor d;
        try (InputStream in = Files.newInputStream(classesDir().resolve("module-info.class"))) {
            d = ModuleDescriptor.read(in);
        }
        assertEquals("kdns.plugin.etcd", d.name());
        assertTrue(d.exports().isEmpty(), "nothing is exported");
        Set<String> requires = new HashSet<>();
        d.requires().forEach(r -> requires.add(r.name()));
        assertTrue(requires.containsAll(Set.of("kdns.api", "jetcd.core")), requires.toString());
        List<String> providers = d.provides().stream().filter(p -> p.service().equals(Plugin.class.getName()))
                .flatMap(p -> p.providers().stream()).toList();
        assertEquals(List.of(EtcdPlugin.class.getName()), providers);
        List<String> file = new ArrayList<>();
        for (String l : Files.readAllLines(classesDir().resolve("META-INF/services/" + Plugin.class.getName()))) {
            if (!l.isBlank()) {
                file.add(l.strip());
            }
        }
        assertEquals(providers, file);
    }

    @Test
    void serviceLoaderFindsIt() {
        boolean found = false;
        for (Plugin p : ServiceLoader.load(Plugin.class)) {
            found |= p.name().equals("etcd") && p instanceof EtcdPlugin;
        }
        assertTrue(found);
        assertTrue(!new EtcdPlugin().description().isBlank());
    }

    @Test
    void readmeHasCoreDnsSections() throws Exception {
        List<String> lines = Files.readAllLines(moduleDir().resolve("README.md"));
        assertEquals("# etcd", lines.get(0));
        List<String> sections = lines.stream().filter(l -> REQUIRED.contains(l) || OPTIONAL.contains(l)).toList();
        assertEquals(REQUIRED, sections.subList(0, REQUIRED.size()));
        int last = -1;
        for (String s : sections.subList(REQUIRED.size(), sections.size())) {
            int i = OPTIONAL.indexOf(s);
            assertTrue(i > last, "misplaced " + s);
            last = i;
        }
        int name = lines.indexOf("## Name");
        String nameLine = lines.subList(name + 1, lines.size()).stream().filter(l -> !l.isBlank()).findFirst().orElse("");
        assertTrue(nameLine.startsWith("*etcd* - "), nameLine);
    }
}
