package kdns.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import kdns.host.plugins.indexfixture.Greeting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleIndexTest {

    private final List<String> warnings = new ArrayList<>();

    /** An automatic module (greeting, version 1.2): the fixture class, a resource, a service and a Main-Class. */
    private static Path greetingJar(Path folder) throws IOException {
        Path jar = folder.resolve("greeting-1.2.jar");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Greeting.class.getName());
        String cls = Greeting.class.getName().replace('.', '/') + ".class";
        try (InputStream in = Greeting.class.getClassLoader().getResourceAsStream(cls);
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            out.putNextEntry(new JarEntry(cls));
            out.write(in.readAllBytes());
            out.putNextEntry(new JarEntry("kdns/host/plugins/indexfixture/words.txt"));
            out.write("a resource of the greeting module".getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new JarEntry("META-INF/services/java.lang.Runnable"));
            out.write((Greeting.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

    /** A copy of a modular jar of the test's class path (JUnit's API: requires, exports, opens). */
    private static Path junitJar(Path folder) throws IOException, URISyntaxException {
        Path from = Path.of(Test.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return Files.copy(from, folder.resolve(from.getFileName()));
    }

    private static Map<String, ModuleDescriptor> descriptors(ModuleFinder f) {
        return IndexedModuleFinder.descriptors(f);
    }

    private static void write(Path folder) throws IOException {
        Files.writeString(folder.resolve(ModuleIndex.FILE), ModuleIndex.format(ModuleIndex.scan(folder)));
    }

    @Test
    void descriptorsFromTheIndexEqualTheJdkScan(@TempDir Path folder) throws Exception {
        greetingJar(folder);
        junitJar(folder);
        write(folder);
        assertTrue(ModuleIndex.scan(folder).stream().allMatch(e -> e.descriptor() != null)); // none left to scan
        ModuleFinder indexed = IndexedModuleFinder.of(folder, warnings::add);
        assertEquals(List.of(), warnings);
        assertInstanceOf(IndexedModuleFinder.class, indexed);
        Map<String, ModuleDescriptor> scanned = descriptors(ModuleFinder.of(folder));
        assertEquals(Set.of("greeting", "org.junit.jupiter.api"), scanned.keySet());
        assertEquals(scanned, descriptors(indexed));
        ModuleDescriptor greeting = scanned.get("greeting"); // the fields an automatic module gets, all carried
        assertTrue(greeting.isAutomatic());
        assertEquals("1.2", greeting.rawVersion().orElseThrow());
        assertEquals(Greeting.class.getName(), greeting.mainClass().orElseThrow());
        assertEquals(1, greeting.provides().size());
        assertFalse(scanned.get("org.junit.jupiter.api").requires().isEmpty());
    }

    @Test
    void everyPartOfAnExplicitDescriptorComesBack() {
        Set<ModuleDescriptor.Requires.Modifier> transitive = Set.of(ModuleDescriptor.Requires.Modifier.TRANSITIVE);
        ModuleDescriptor d = ModuleDescriptor.newModule("a.b", Set.of(ModuleDescriptor.Modifier.OPEN))
                .version("2.0.1-rc1")
                .requires(transitive, "c.d", ModuleDescriptor.Version.parse("1.0"))
                .requires(Set.of(ModuleDescriptor.Requires.Modifier.STATIC), "e.f")
                .exports("a.b.api")
                .exports(Set.of(), "a.b.friends", Set.of("g.h", "i.j"))
                .uses("a.b.api.Service")
                .provides("a.b.api.Service", List.of("a.b.impl.Two", "a.b.impl.One"))
                .packages(Set.of("a.b.impl", "a.b.more"))
                .mainClass("a.b.impl.Main")
                .build();
        ModuleDescriptor plain = ModuleDescriptor.newModule("k.l")
                .exports(Set.of(ModuleDescriptor.Exports.Modifier.SYNTHETIC), "k.l")
                .opens(Set.of(), "k.l.inner", Set.of("m.n"))
                .opens("k.l")
                .build();
        List<ModuleIndex.Entry> in = List.of(new ModuleIndex.Entry("a b.jar", 10, 20, d),
                new ModuleIndex.Entry("k.jar", 30, 40, plain), new ModuleIndex.Entry("odd.jar", 50, 60, null));
        List<ModuleIndex.Entry> back = ModuleIndex.parse(ModuleIndex.format(in));
        assertEquals(in, back);
        assertEquals("a b.jar", back.getFirst().jar()); // a file name may hold spaces
        assertNull(back.get(2).descriptor()); // a "scan" entry: the jar is read at start-up
    }

    @Test
    void aLayerFromTheIndexLoadsTheJarsClassesAndResources(@TempDir Path folder) throws Exception {
        greetingJar(folder);
        write(folder);
        ModuleFinder finder = IndexedModuleFinder.of(folder, warnings::add);
        assertEquals(List.of(), warnings);
        ModuleReference ref = finder.find("greeting").orElseThrow();
        assertInstanceOf(JarModuleReference.class, ref); // not read by the JDK's scan
        Configuration cf = Configuration.resolveAndBind(finder, List.of(ModuleLayer.boot().configuration()),
                ModuleFinder.of(), Set.of("greeting"));
        ModuleLayer layer = ModuleLayer.defineModulesWithOneLoader(cf, List.of(ModuleLayer.boot()),
                getClass().getClassLoader()).layer();
        ClassLoader loader = layer.findLoader("greeting");
        Class<?> c = loader.loadClass(Greeting.class.getName());
        assertEquals("greeting", c.getModule().getName());
        assertEquals("hello from greeting", c.getMethod("text").invoke(null));
        try (InputStream in = c.getModule().getResourceAsStream("kdns/host/plugins/indexfixture/words.txt")) {
            assertEquals("a resource of the greeting module", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertTrue(loader.getResource("kdns/host/plugins/indexfixture/words.txt").toString()
                .startsWith("jar:" + folder.resolve("greeting-1.2.jar").toUri() + "!/"));
        try (var reader = ref.open()) {
            assertTrue(reader.list().toList().contains("META-INF/services/java.lang.Runnable"));
            assertTrue(reader.find("nothing/here.txt").isEmpty());
        }
    }

    @Test
    void aMissingIndexIsWarnedAboutAndTheJarsAreRead(@TempDir Path folder) throws Exception {
        greetingJar(folder);
        ModuleFinder finder = IndexedModuleFinder.of(folder, warnings::add);
        assertEquals(1, warnings.size());
        assertTrue(warnings.getFirst().startsWith("plugin module index " + folder.resolve("module-index")
                + " not used (it is missing)"), warnings.getFirst());
        assertEquals(descriptors(ModuleFinder.of(folder)), descriptors(finder));
    }

    @Test
    void aJarAddedAfterTheIndexIsFoundAndWarnedAbout(@TempDir Path folder) throws Exception {
        greetingJar(folder);
        write(folder);
        junitJar(folder); // a third-party jar dropped into the folder
        ModuleFinder finder = IndexedModuleFinder.of(folder, warnings::add);
        assertEquals(1, warnings.size());
        assertTrue(warnings.getFirst().contains("(it does not list " + Test.class.getProtectionDomain()
                .getCodeSource().getLocation().getPath().replaceAll(".*/", "") + ")"), warnings.getFirst());
        assertTrue(finder.find("org.junit.jupiter.api").isPresent());
    }

    @Test
    void aChangedOrRemovedJarMakesTheIndexStale(@TempDir Path folder) throws Exception {
        Path jar = greetingJar(folder);
        write(folder);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() - 5000));
        IndexedModuleFinder.of(folder, warnings::add);
        assertEquals(1, warnings.size());
        assertTrue(warnings.getFirst().contains("greeting-1.2.jar changed since it was written"), warnings.getFirst());

        write(folder);
        Files.delete(jar);
        ModuleFinder finder = IndexedModuleFinder.of(folder, warnings::add);
        assertEquals(2, warnings.size());
        assertTrue(warnings.get(1).contains("it lists greeting-1.2.jar, which the folder does not hold"), warnings.get(1));
        assertEquals(Set.of(), finder.findAll());
    }

    @Test
    void aCorruptIndexIsWarnedAboutWithWhatIsWrong(@TempDir Path folder) throws Exception {
        greetingJar(folder);
        write(folder);
        Path file = folder.resolve(ModuleIndex.FILE);
        String good = Files.readString(file);

        Files.writeString(file, good.replaceFirst("packages [^\n]*\n", "")); // a line lost: the checksum says so
        IndexedModuleFinder.of(folder, warnings::add);
        Files.writeString(file, "garbage\n");
        IndexedModuleFinder.of(folder, warnings::add);
        String badLine = good.substring(0, good.indexOf("crc32 ")).replace("module greeting AUTOMATIC", "module greeting BOLD");
        Files.writeString(file, badLine + "crc32 " + crc(badLine) + "\n");
        ModuleFinder finder = IndexedModuleFinder.of(folder, warnings::add);

        assertEquals(3, warnings.size(), warnings.toString());
        warnings.forEach(w -> assertTrue(w.startsWith("plugin module index " + file + " not used (it cannot be used: "), w));
        assertTrue(warnings.get(0).contains("does not match its text"), warnings.get(0));
        assertTrue(warnings.get(1).contains("not a module index"), warnings.get(1));
        assertTrue(warnings.get(2).contains("line 3 'module greeting BOLD'"), warnings.get(2));
        assertEquals(descriptors(ModuleFinder.of(folder)), descriptors(finder)); // the jars were read instead
    }

    private static String crc(String text) {
        java.util.zip.CRC32 c = new java.util.zip.CRC32();
        c.update(text.getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(c.getValue());
    }

    @Test
    void theCommandWritesAndChecksFolders(@TempDir Path folder) throws Exception {
        greetingJar(folder);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, ModuleIndexCommand.run(new String[] {"check", folder.toString()}, print(out), print(err)));
        assertTrue(err.toString().contains("not used (it is missing)"), err.toString());

        assertEquals(0, ModuleIndexCommand.run(new String[] {"write", folder.toString()}, print(out), print(err)));
        out.reset();
        err.reset();
        assertEquals(0, ModuleIndexCommand.run(new String[] {"check", folder.toString()}, print(out), print(err)));
        assertEquals(folder + ": 1 modules, the index equals the JDK's scan\n", out.toString());
        assertEquals("", err.toString());

        assertEquals(2, ModuleIndexCommand.run(new String[] {"read", folder.toString()}, print(out), print(err)));
        Files.writeString(folder.resolve("broken.jar"), "not a jar");
        err.reset();
        assertEquals(1, ModuleIndexCommand.run(new String[] {"write", folder.toString()}, print(out), print(err)));
        assertTrue(err.toString().startsWith("cannot write the module index of " + folder + ": "), err.toString());
    }

    private static PrintStream print(ByteArrayOutputStream b) {
        return new PrintStream(b, true, StandardCharsets.UTF_8);
    }

    @Test
    void aFolderOfTwoJarsOfOneModuleFallsBackToTheJdksError(@TempDir Path folder) throws Exception {
        Path jar = greetingJar(folder);
        write(folder);
        String index = Files.readString(folder.resolve(ModuleIndex.FILE));
        Files.copy(jar, folder.resolve("greeting-1.3.jar"), java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        long size = Files.size(jar);
        long mtime = Files.getLastModifiedTime(jar).toMillis();
        String body = index.substring(0, index.indexOf("crc32 "));
        String twice = body + body.substring(body.indexOf("jar ")).replace("greeting-1.2.jar", "greeting-1.3.jar")
                .replace("jar " + size + " " + mtime, "jar " + size + " " + Files.getLastModifiedTime(
                        folder.resolve("greeting-1.3.jar")).toMillis());
        Files.writeString(folder.resolve(ModuleIndex.FILE), twice + "crc32 " + crc(twice) + "\n");
        ModuleFinder finder = IndexedModuleFinder.of(folder, warnings::add);
        assertEquals(1, warnings.size());
        assertTrue(warnings.getFirst().contains("it holds module greeting twice"), warnings.getFirst());
        assertThrows(java.lang.module.FindException.class, finder::findAll); // the JDK's own error, at use
    }
}
