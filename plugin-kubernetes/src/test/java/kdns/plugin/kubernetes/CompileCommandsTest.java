package kdns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * build/compile-commands (bin/kdns hands it to the JVM): it names this plugin's decode path by
 * package and class, so a rename here would silently give that code back to C2; and it must stay
 * quiet, or every start prints a line per command on stdout.
 */
class CompileCommandsTest {

    /** A class of each library package the file names. */
    private static final Map<String, String> LIBRARY_CLASSES = Map.of(
            "com.google.gson.*", "com.google.gson.stream.JsonReader",
            "okhttp3.*", "okhttp3.OkHttpClient",
            "okio.*", "okio.Buffer");

    private static List<String> commands() throws IOException {
        Path f = ModuleDescriptorTest.moduleDir().resolveSibling("build").resolve("compile-commands");
        return Files.readAllLines(f).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    @Test
    void quietComesFirst() throws Exception {
        assertEquals("quiet", commands().getFirst());
    }

    @Test
    void everyPatternNamesCodeThatExists() throws Exception {
        Path sources = ModuleDescriptorTest.moduleDir().resolve("src/main/java");
        List<String> patterns = commands().stream().skip(1).map(l -> l.split("\\s+")).map(w -> {
            assertTrue(w.length >= 2 && w[1].contains("::"), "command, method pattern: " + String.join(" ", w));
            return w[1].substring(0, w[1].indexOf("::"));
        }).toList();
        assertFalse(patterns.isEmpty());
        for (String type : patterns) {
            if (type.startsWith("kdns.")) {
                // this plugin's own code: a package (pattern "pkg.*") or a class, in its sources
                Path p = type.endsWith(".*")
                        ? sources.resolve(type.substring(0, type.length() - 2).replace('.', '/'))
                        : sources.resolve(type.replace('.', '/') + ".java");
                assertTrue(Files.exists(p), type + ": no " + p);
            } else if (type.endsWith(".*")) {
                // a library package the plugin reads the API server's responses with: one of its
                // classes loads beside the plugin
                String cls = LIBRARY_CLASSES.get(type);
                assertTrue(cls != null, type + ": name one of its classes in LIBRARY_CLASSES");
                Class.forName(cls, false, KubernetesPlugin.class.getClassLoader());
            } else {
                // a JDK class (the stream decoder, the class-file API's stack map generator); a pattern
                // with a trailing '*' stands for the class of that name and its nested classes
                String name = type.endsWith("*") ? type.substring(0, type.length() - 1) : type;
                Class.forName(name, false, ClassLoader.getPlatformClassLoader());
            }
        }
    }
}
