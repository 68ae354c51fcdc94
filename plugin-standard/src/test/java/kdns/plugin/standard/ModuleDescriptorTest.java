package kdns.plugin.standard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import kdns.api.Plugin;
import kdns.plugin.standard.whoami.WhoamiPlugin;
import kdns.testing.PluginModuleChecks;
import org.junit.jupiter.api.Test;

/** module-info, META-INF/services and the docs agree on the plugins this module provides. */
class ModuleDescriptorTest {

    /** The plugins this module provides. */
    static final Set<String> NAMES = Set.of("acl", "any", "bind", "bufsize", "cancel", "chaos", "debug", "dns64", "erratic", "errors",
            "file", "grpc_server", "header", "health", "hosts", "https", "loadbalance", "local", "log", "loop", "metadata", "minimal", "multisocket", "nsid",
            "prometheus", "quic", "ready", "reload", "rewrite", "root", "template", "timeouts", "tls", "transfer", "tsig", "view", "whoami");

    private static Path classesDir() throws Exception {
        return Path.of(WhoamiPlugin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    static Path moduleDir() {
        Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("docs")) ? here : here.resolve("plugin-standard");
    }

    private static ModuleDescriptor descriptor() throws Exception {
        return PluginModuleChecks.descriptor(WhoamiPlugin.class);
    }

    private static List<String> moduleProviders() throws Exception {
        for (ModuleDescriptor.Provides p : descriptor().provides()) {
            if (p.service().equals(Plugin.class.getName())) {
                return p.providers();
            }
        }
        return List.of();
    }

    private static List<String> serviceFileProviders() throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(classesDir().resolve("META-INF/services/" + Plugin.class.getName()))) {
            String l = line.replaceAll("#.*", "").strip();
            if (!l.isEmpty()) {
                out.add(l);
            }
        }
        return out;
    }

    @Test
    void moduleInfoAndServiceFileListTheSameProviders() throws Exception {
        ModuleDescriptor d = descriptor();
        assertEquals("kdns.plugin.standard", d.name());
        Set<String> requires = new HashSet<>();
        d.requires().forEach(r -> requires.add(r.name()));
        assertTrue(requires.containsAll(Set.of("kdns.api", "jdk.httpserver", "io.prometheus.writer.text")),
                requires.toString());
        assertTrue(d.exports().isEmpty(), "nothing is exported");

        List<String> fromModule = moduleProviders();
        List<String> fromFile = serviceFileProviders();
        assertEquals(NAMES.size(), fromModule.size(), fromModule.toString());
        assertEquals(new TreeSet<>(fromModule), new TreeSet<>(fromFile));
        assertEquals(fromFile.size(), new HashSet<>(fromFile).size(), "no duplicates in the service file");
    }

    @Test
    void everyProviderIsAPublicPluginWithAPublicNoArgConstructorAndAUniqueName() throws Exception {
        Set<String> names = new HashSet<>();
        for (String cls : moduleProviders()) {
            Class<?> c = Class.forName(cls);
            assertTrue(Plugin.class.isAssignableFrom(c), cls);
            assertTrue(Modifier.isPublic(c.getModifiers()), cls);
            Constructor<?> ctor = c.getConstructor();
            assertTrue(Modifier.isPublic(ctor.getModifiers()), cls);
            Plugin p = (Plugin) ctor.newInstance();
            assertTrue(p.name().matches("[a-z][a-z0-9_]*"), p.name());
            assertFalse(p.description().isBlank(), cls);
            assertTrue(names.add(p.name()), "duplicate name " + p.name());
            String pkg = c.getPackageName();
            assertEquals("kdns.plugin.standard." + p.name(), pkg, "one package per plugin");
        }
        assertEquals(NAMES, names);
    }

    @Test
    void serviceLoaderFindsThemOnTheClassPath() {
        Set<String> found = new HashSet<>();
        for (Plugin p : ServiceLoader.load(Plugin.class)) {
            found.add(p.name());
        }
        assertTrue(found.containsAll(NAMES),
                found.toString());
    }

    @Test
    void everyPluginHasItsDocPageWithCoreDnsSections() throws Exception {
        String readme = Files.readString(moduleDir().resolve("README.md"));
        for (String cls : moduleProviders()) {
            Plugin p = (Plugin) Class.forName(cls).getConstructor().newInstance();
            Path doc = moduleDir().resolve("docs").resolve(p.name() + ".md");
            // plugin-specific sections (log's "Log Format", as in CoreDNS) may sit anywhere
            PluginModuleChecks.readmeHasCoreDnsSections(doc, p.name());
            assertTrue(readme.contains("(docs/" + p.name() + ".md)"), "README links " + p.name());
            assertTrue(Files.readString(doc).contains("~~~ corefile"), doc + " has a corefile example");
        }
    }
}
