package kdns.host.plugins;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin folder's module list gives the descriptors ModuleFinder.of derives, and only while it matches the folder. */
class ModuleListTest {

    private static final byte[] CLASS_BYTES = {(byte) 0xca, (byte) 0xfe, 1, 2};

    @TempDir
    Path dir;

    /** A folder like plugin-kubernetes's: automatic modules (named by manifest or file name) beside explicit ones. */
    private void pluginFolder() throws IOException {
        jar("lib-auto-2.1.jar", Map.of(
                "org/example/auto/Impl.class", CLASS_BYTES,
                "org/example/auto/inner/Helper.class", CLASS_BYTES,
                "META-INF/services/org.example.Service", "org.example.auto.Impl\n".getBytes(StandardCharsets.UTF_8),
                "res/data.txt", "data".getBytes(StandardCharsets.UTF_8)), "com.example.named");
        jar("plain-1.0.jar", Map.of("plain/A.class", CLASS_BYTES), null);
        byte[] moduleInfo = new ModuleInfo("org.example.explicit")
                .requires("java.base", ModuleInfo.MANDATED)
                .requires("java.logging", ModuleInfo.TRANSITIVE)
                .requires("com.example.named", ModuleInfo.STATIC)
                .exports("org.example.explicit.api")
                .exports("org.example.explicit.spi", "a.b", "c.d")
                .opens("org.example.explicit.internal", "a.b")
                .uses("org.example.Service")
                .provides("org.example.Service", "org.example.explicit.internal.P2", "org.example.explicit.internal.P1")
                .bytes();
        jar("explicit.jar", Map.of("module-info.class", moduleInfo,
                "org/example/explicit/api/Api.class", CLASS_BYTES,
                "org/example/explicit/spi/Spi.class", CLASS_BYTES,
                "org/example/explicit/internal/P1.class", CLASS_BYTES,
                "org/example/explicit/internal/P2.class", CLASS_BYTES), null);
    }

    private void jar(String name, Map<String, byte[]> entries, String automaticName) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (automaticName != null) {
            manifest.getMainAttributes().putValue("Automatic-Module-Name", automaticName);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(dir.resolve(name)), manifest)) {
            for (Map.Entry<String, byte[]> e : new TreeMap<>(entries).entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
    }

    private Map<String, ModuleDescriptor> descriptors(ModuleFinder finder) {
        Map<String, ModuleDescriptor> out = new TreeMap<>();
        for (ModuleReference ref : finder.findAll()) {
            out.put(ref.descriptor().name(), ref.descriptor());
        }
        return out;
    }

    private ModuleFinder listed() throws IOException {
        return ModuleList.finder(dir).orElseThrow(() -> new AssertionError("the list was not used"));
    }

    @Test
    void theListGivesTheDescriptorsAndLocationsTheScanDerives() throws IOException {
        pluginFolder();
        assertTrue(ModuleList.write(dir));
        ModuleFinder scanned = ModuleFinder.of(dir);
        Map<String, ModuleDescriptor> expected = descriptors(scanned);
        assertEquals(Set.of("com.example.named", "plain", "org.example.explicit"), expected.keySet());
        ModuleFinder listed = listed();
        assertEquals(expected, descriptors(listed)); // equals compares every part, the providers' order too
        for (String name : expected.keySet()) {
            assertEquals(scanned.find(name).orElseThrow().location(), listed.find(name).orElseThrow().location());
        }
        assertEquals(List.of("org.example.explicit.internal.P2", "org.example.explicit.internal.P1"),
                listed.find("org.example.explicit").orElseThrow().descriptor().provides().iterator().next().providers());
        assertTrue(listed.find("com.example.named").orElseThrow().descriptor().isAutomatic());
        assertEquals(Optional.empty(), listed.find("absent"));
    }

    @Test
    void aListedModuleReadsItsJarAsTheModulePathDoes() throws IOException {
        pluginFolder();
        ModuleList.write(dir);
        ModuleReference listed = listed().find("com.example.named").orElseThrow();
        ModuleReference scanned = ModuleFinder.of(dir).find("com.example.named").orElseThrow();
        try (ModuleReader mine = listed.open(); ModuleReader theirs = scanned.open()) {
            assertEquals(theirs.list().sorted().toList(), mine.list().sorted().toList());
            assertEquals(theirs.find("res/data.txt"), mine.find("res/data.txt"));
            assertEquals(theirs.find("org/example/auto/"), mine.find("org/example/auto/"));
            assertEquals(Optional.empty(), mine.find("no/such.class"));
            try (InputStream in = mine.open("org/example/auto/Impl.class").orElseThrow()) {
                assertArrayEquals(CLASS_BYTES, in.readAllBytes());
            }
            try (InputStream in = mine.find("res/data.txt").orElseThrow().toURL().openStream()) {
                assertEquals("data", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            mine.close();
            assertThrows(IOException.class, () -> mine.open("res/data.txt"));
        }
    }

    @Test
    void aFolderThatNoLongerMatchesItsListIsReadFromItsJars() throws IOException {
        pluginFolder();
        assertEquals(Optional.empty(), ModuleList.finder(dir), "no list yet");
        ModuleList.write(dir);
        Path jar = dir.resolve("plain-1.0.jar");
        FileTime written = Files.getLastModifiedTime(jar);

        Files.setLastModifiedTime(jar, FileTime.fromMillis(written.toMillis() + 2000));
        assertEquals(Optional.empty(), ModuleList.finder(dir), "a jar's time changed");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(written.toMillis() / 1000 * 1000));
        listed(); // what tar keeps of the time: whole seconds
        Files.setLastModifiedTime(jar, written);

        jar("added-1.0.jar", Map.of("added/A.class", CLASS_BYTES), null);
        assertEquals(Optional.empty(), ModuleList.finder(dir), "a jar added by hand");
        Files.delete(dir.resolve("added-1.0.jar"));
        listed();

        Files.move(jar, dir.resolve("plain-1.0.jar.off"));
        assertEquals(Optional.empty(), ModuleList.finder(dir), "a jar removed");
        Files.move(dir.resolve("plain-1.0.jar.off"), jar);
        listed();

        Path list = dir.resolve(ModuleList.FILE);
        String text = Files.readString(list);
        Files.writeString(list, text.replaceFirst("java \\d+", "java 17"));
        assertEquals(Optional.empty(), ModuleList.finder(dir), "written for another Java version");
    }

    @Test
    void aDamagedListIsAnErrorNamingTheFile() throws IOException {
        pluginFolder();
        ModuleList.write(dir);
        Path list = dir.resolve(ModuleList.FILE);
        String text = Files.readString(list);
        Files.writeString(list, text.replaceFirst("\nmodule AUTOMATIC com.example.named", "\nmodule AUTOMATIC"));
        IOException e = assertThrows(IOException.class, () -> ModuleList.finder(dir));
        assertTrue(e.getMessage().contains(list.toString()), e.getMessage());
        Files.writeString(list, text.replaceFirst("\njar \\d+", "\njar x"));
        e = assertThrows(IOException.class, () -> ModuleList.finder(dir));
        assertTrue(e.getMessage().contains("a number"), e.getMessage());
    }

    @Test
    void aFolderTheListCannotDescribeGetsNone() throws IOException {
        pluginFolder();
        Files.createDirectory(dir.resolve("exploded"));
        assertFalse(ModuleList.write(dir));
        assertFalse(Files.exists(dir.resolve(ModuleList.FILE)));
        Files.delete(dir.resolve("exploded"));
        jar("plain-2.0.jar", Map.of("plain/A.class", CLASS_BYTES), null); // the same module twice
        assertFalse(ModuleList.write(dir));
        assertThrows(java.lang.module.FindException.class, () -> ModuleFinder.of(dir).findAll(),
                "the server's scan still names the duplicate");
    }

    @Test
    void theCommandWritesEveryPluginFolderAndNamesTheOnesItCannot() throws IOException {
        Path plugins = dir;
        dir = Files.createDirectory(plugins.resolve("plugin-good"));
        pluginFolder();
        Path bad = Files.createDirectories(plugins.resolve("plugin-bad").resolve("exploded"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ModuleListCommand.run(new String[] {plugins.toString()},
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status);
        assertTrue(Files.exists(dir.resolve(ModuleList.FILE)));
        assertFalse(Files.exists(bad.getParent().resolve(ModuleList.FILE)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("plugin-bad"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, ModuleListCommand.run(new String[] {plugins.resolve("none").toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    }
}
