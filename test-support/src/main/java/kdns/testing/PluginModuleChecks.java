package kdns.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import kdns.api.Plugin;

/**
 * The checks every plugin module's ModuleDescriptorTest makes, written once: module-info and
 * META-INF/services name the same providers, the providers load, and each plugin's page has
 * CoreDNS's README sections in CoreDNS's order.
 */
public final class PluginModuleChecks {

    /** The sections every CoreDNS plugin README has, in this order. */
    public static final List<String> REQUIRED = List.of("## Name", "## Description", "## Syntax", "## Examples");
    /** The sections some have, after the required ones, in this order (others may sit anywhere). */
    public static final List<String> OPTIONAL = List.of("## Metrics", "## Ready", "## Bugs", "## See Also");

    private PluginModuleChecks() {
    }

    /** The module's folder, whether the tests run from it or from the reactor's root. */
    public static Path moduleDir(String folder) {
        Path here = Path.of("").toAbsolutePath();
        return Files.isRegularFile(here.resolve("README.md")) && Files.isDirectory(here.resolve("src"))
                ? here : here.resolve(folder);
    }

    /** The compiled module-info of the module {@code anyClass} belongs to. */
    public static ModuleDescriptor descriptor(Class<?> anyClass) throws IOException {
        try (InputStream in = Files.newInputStream(classesDir(anyClass).resolve("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    /**
     * Asserts that module-info's {@code provides kdns.api.Plugin} and the META-INF/services file
     * (comments and blank lines aside) list the same classes, in the same order, and that the jar
     * carries the plugin-module marker; returns the classes.
     */
    public static List<String> providersAgree(Class<?> anyClass) throws IOException {
        List<String> declared = descriptor(anyClass).provides().stream()
                .filter(p -> p.service().equals(Plugin.class.getName()))
                .flatMap(p -> p.providers().stream()).toList();
        assertFalse(declared.isEmpty(), "module-info provides no " + Plugin.class.getName());
        List<String> file = new ArrayList<>();
        for (String l : Files.readAllLines(classesDir(anyClass).resolve("META-INF/services/" + Plugin.class.getName()))) {
            String entry = l.replaceAll("#.*", "").strip();
            if (!entry.isEmpty()) {
                file.add(entry);
            }
        }
        assertEquals(declared, file, "module-info and META-INF/services");
        // the marker that makes the build gather the module's plugin layer (the parent pom's profile)
        assertTrue(Files.isRegularFile(classesDir(anyClass).resolve("META-INF/kdns-plugin-module")),
                "META-INF/kdns-plugin-module marks a plugin module");
        return declared;
    }

    /** Asserts that ServiceLoader finds a plugin of this name and class, with a description. */
    public static void serviceLoaderFinds(String name, Class<? extends Plugin> type) {
        boolean found = false;
        for (Plugin p : ServiceLoader.load(Plugin.class)) {
            if (p.name().equals(name) && type.isInstance(p)) {
                found = true;
                assertFalse(p.description().isBlank(), name + " has a description");
            }
        }
        assertTrue(found, "ServiceLoader finds " + name + " (" + type.getName() + ")");
    }

    /**
     * Asserts that {@code page} starts with {@code # plugin}, has {@link #REQUIRED} in order and
     * then any of {@link #OPTIONAL} in order, and that its Name section reads {@code *plugin* - ...}.
     */
    public static void readmeHasCoreDnsSections(Path page, String plugin) throws IOException {
        assertTrue(Files.isRegularFile(page), "no page for " + plugin + ": " + page);
        List<String> lines = Files.readAllLines(page);
        assertEquals("# " + plugin, lines.get(0), page.toString());
        List<String> sections = lines.stream().filter(l -> REQUIRED.contains(l) || OPTIONAL.contains(l)).toList();
        assertTrue(sections.size() >= REQUIRED.size(), page + ": " + sections);
        assertEquals(REQUIRED, sections.subList(0, REQUIRED.size()), page.toString());
        int last = -1;
        for (String s : sections.subList(REQUIRED.size(), sections.size())) {
            int i = OPTIONAL.indexOf(s);
            assertTrue(i > last, page + ": misplaced section " + s);
            last = i;
        }
        int name = lines.indexOf("## Name");
        String nameLine = lines.subList(name + 1, lines.size()).stream().filter(l -> !l.isBlank()).findFirst()
                .orElse("");
        assertTrue(nameLine.startsWith("*" + plugin + "* - "), page + ": " + nameLine);
    }

    private static Path classesDir(Class<?> anyClass) {
        try {
            return Path.of(anyClass.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
