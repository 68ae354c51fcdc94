package kdns.host.plugins;

import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A plugin folder's module descriptors, written once when the distribution is assembled
 * ({@link ModuleListCommand}) so that a start need not derive them again: {@code ModuleFinder.of}
 * lists every entry of an automatic module's jar (or of a module without a ModulePackages attribute)
 * to learn its packages, 0.16 s for plugin-kubernetes's 31 jars, on the critical path of its start.
 * <p>
 * The file ({@value #FILE}) is trusted only while it describes the folder exactly: the same Java
 * feature version (it decides which entries of a multi-release jar count), the same jars and nothing
 * else, each of the size and modification time it had. Anything else (a jar replaced or added by
 * hand, a folder copied without its times, a folder with no list) reads the jars as before.
 * <pre>
 * kdns-module-list 1 java 25
 * jar SIZE MTIME_SECONDS FILE_NAME
 * module MODIFIERS NAME            (MODIFIERS: comma-separated, "-" for none)
 * version V
 * main CLASS
 * requires MODIFIERS NAME [VERSION]
 * exports MODIFIERS PACKAGE [TARGET,...]
 * opens MODIFIERS PACKAGE [TARGET,...]
 * uses SERVICE
 * provides SERVICE PROVIDER,...
 * packages PACKAGE ...
 * </pre>
 */
final class ModuleList {

    static final String FILE = "modules.list";
    private static final String HEADER = "kdns-module-list 1 java " + Runtime.version().feature();

    private ModuleList() {
    }

    /**
     * Writes the folder's list from the descriptors {@code ModuleFinder.of} derives. Returns false,
     * writing nothing, when the folder holds something other than jars (an exploded module) or its
     * jars do not make a valid module folder: the server then reads the folder itself and reports
     * the same error as before.
     */
    static boolean write(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        Files.deleteIfExists(file);
        Map<String, BasicFileAttributes> jars = folderJars(dir);
        if (jars == null) {
            return false;
        }
        List<ModuleReference> refs;
        try {
            refs = new ArrayList<>(ModuleFinder.of(dir).findAll());
        } catch (FindException e) {
            return false;
        }
        Map<String, ModuleReference> byJar = new HashMap<>();
        for (ModuleReference ref : refs) {
            Optional<URI> location = ref.location();
            if (location.isEmpty() || !"file".equals(location.get().getScheme())) {
                return false;
            }
            byJar.put(Path.of(location.get()).getFileName().toString(), ref);
        }
        if (!byJar.keySet().equals(jars.keySet())) {
            return false;
        }
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        for (Map.Entry<String, BasicFileAttributes> jar : new TreeMap<>(jars).entrySet()) {
            BasicFileAttributes attrs = jar.getValue();
            out.append("jar ").append(attrs.size()).append(' ').append(seconds(attrs))
                    .append(' ').append(jar.getKey()).append('\n');
            appendDescriptor(out, byJar.get(jar.getKey()).descriptor());
        }
        Files.writeString(file, out, StandardCharsets.UTF_8);
        return true;
    }

    /**
     * A finder over the folder's listed modules, or empty when there is no list or it no longer
     * describes the folder. A malformed list is an error: the distribution was damaged.
     */
    static Optional<ModuleFinder> finder(Path dir) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve(FILE), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            return Optional.empty(); // written for another Java version: its multi-release view may differ
        }
        Map<String, BasicFileAttributes> jars = folderJars(dir);
        if (jars == null) {
            return Optional.empty();
        }
        Map<String, ModuleReference> modules = new LinkedHashMap<>();
        Set<String> listedJars = new TreeSet<>();
        int i = 1;
        while (i < lines.size()) {
            String[] jar = lines.get(i).split(" ", 4);
            if (jar.length != 4 || !jar[0].equals("jar")) {
                throw malformed(dir, i, "a 'jar SIZE MTIME NAME' line");
            }
            BasicFileAttributes attrs = jars.get(jar[3]);
            if (attrs == null || attrs.size() != parseLong(dir, i, jar[1])
                    || seconds(attrs) != parseLong(dir, i, jar[2])) {
                return Optional.empty(); // the jar changed or went since the list was written
            }
            listedJars.add(jar[3]);
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).startsWith("jar ")) {
                end++;
            }
            ModuleDescriptor descriptor;
            try {
                descriptor = readDescriptor(lines.subList(i + 1, end));
            } catch (RuntimeException e) {
                throw new IOException("malformed " + dir.resolve(FILE) + " at line " + (i + 2) + ": " + e.getMessage(), e);
            }
            if (modules.containsKey(descriptor.name())) {
                return Optional.empty(); // ModuleFinder.of names the duplicate
            }
            modules.put(descriptor.name(), new ListedJarModule(descriptor, dir.resolve(jar[3])));
            i = end;
        }
        if (!listedJars.equals(jars.keySet())) {
            return Optional.empty(); // a jar was added by hand
        }
        return Optional.of(new ListedFinder(Map.copyOf(modules)));
    }

    /**
     * A jar's modification time in whole seconds: what tar keeps of it, so a
     * distribution unpacked from a release archive still matches its lists.
     */
    private static long seconds(BasicFileAttributes attrs) {
        return attrs.lastModifiedTime().to(TimeUnit.SECONDS);
    }

    /** The folder's jars by file name, or null when it holds anything else ModuleFinder.of would read. */
    private static Map<String, BasicFileAttributes> folderJars(Path dir) throws IOException {
        Map<String, BasicFileAttributes> jars = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.equals(FILE)) {
                    continue;
                }
                BasicFileAttributes attrs = Files.readAttributes(entry, BasicFileAttributes.class);
                if (attrs.isDirectory() || name.endsWith(".jmod")) {
                    return null; // an exploded module or a jmod (an error): ModuleFinder.of's to handle
                }
                if (name.endsWith(".jar") && attrs.isRegularFile()) {
                    jars.put(name, attrs);
                } else if (name.endsWith(".jar")) {
                    return null; // a link or something odd: let ModuleFinder.of judge it
                }
            }
        }
        return jars;
    }

    private static void appendDescriptor(StringBuilder out, ModuleDescriptor d) {
        out.append("module ").append(modifiers(d.modifiers())).append(' ').append(d.name()).append('\n');
        d.version().ifPresent(v -> out.append("version ").append(v).append('\n'));
        d.mainClass().ifPresent(c -> out.append("main ").append(c).append('\n'));
        if (!d.isAutomatic()) { // an automatic module's only dependence, java.base, is implied
            for (ModuleDescriptor.Requires r : new TreeSet<>(d.requires())) {
                out.append("requires ").append(modifiers(r.modifiers())).append(' ').append(r.name());
                r.compiledVersion().ifPresent(v -> out.append(' ').append(v));
                out.append('\n');
            }
        }
        for (ModuleDescriptor.Exports e : new TreeSet<>(d.exports())) {
            out.append("exports ").append(modifiers(e.modifiers())).append(' ').append(e.source());
            if (e.isQualified()) {
                out.append(' ').append(String.join(",", new TreeSet<>(e.targets())));
            }
            out.append('\n');
        }
        for (ModuleDescriptor.Opens o : new TreeSet<>(d.opens())) {
            out.append("opens ").append(modifiers(o.modifiers())).append(' ').append(o.source());
            if (o.isQualified()) {
                out.append(' ').append(String.join(",", new TreeSet<>(o.targets())));
            }
            out.append('\n');
        }
        for (String service : new TreeSet<>(d.uses())) {
            out.append("uses ").append(service).append('\n');
        }
        for (ModuleDescriptor.Provides p : new TreeSet<>(d.provides())) {
            out.append("provides ").append(p.service()).append(' ').append(String.join(",", p.providers())).append('\n');
        }
        out.append("packages");
        for (String pkg : new TreeSet<>(d.packages())) {
            out.append(' ').append(pkg);
        }
        out.append('\n');
    }

    private static ModuleDescriptor readDescriptor(List<String> lines) {
        if (lines.isEmpty() || !lines.get(0).startsWith("module ")) {
            throw new IllegalArgumentException("expected a 'module MODIFIERS NAME' line");
        }
        String[] head = lines.get(0).split(" ");
        if (head.length != 3) {
            throw new IllegalArgumentException("expected a 'module MODIFIERS NAME' line");
        }
        ModuleDescriptor.Builder b = ModuleDescriptor.newModule(head[2],
                parseModifiers(head[1], ModuleDescriptor.Modifier.class));
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(" ");
            switch (f[0]) {
                case "version" -> b.version(field(f, 1));
                case "main" -> b.mainClass(field(f, 1));
                case "requires" -> {
                    var ms = parseModifiers(field(f, 1), ModuleDescriptor.Requires.Modifier.class);
                    if (f.length > 3) {
                        b.requires(ms, field(f, 2), ModuleDescriptor.Version.parse(f[3]));
                    } else {
                        b.requires(ms, field(f, 2));
                    }
                }
                case "exports" -> {
                    var ms = parseModifiers(field(f, 1), ModuleDescriptor.Exports.Modifier.class);
                    if (f.length > 3) {
                        b.exports(ms, field(f, 2), Set.of(f[3].split(",")));
                    } else {
                        b.exports(ms, field(f, 2));
                    }
                }
                case "opens" -> {
                    var ms = parseModifiers(field(f, 1), ModuleDescriptor.Opens.Modifier.class);
                    if (f.length > 3) {
                        b.opens(ms, field(f, 2), Set.of(f[3].split(",")));
                    } else {
                        b.opens(ms, field(f, 2));
                    }
                }
                case "uses" -> b.uses(field(f, 1));
                case "provides" -> b.provides(field(f, 1), List.of(field(f, 2).split(",")));
                case "packages" -> b.packages(Arrays.stream(f, 1, f.length).collect(Collectors.toSet()));
                default -> throw new IllegalArgumentException("unknown line '" + line + "'");
            }
        }
        return b.build();
    }

    private static String field(String[] fields, int index) {
        if (fields.length <= index) {
            throw new IllegalArgumentException("line '" + String.join(" ", fields) + "' is short of a field");
        }
        return fields[index];
    }

    private static String modifiers(Set<? extends Enum<?>> modifiers) {
        return modifiers.isEmpty() ? "-"
                : modifiers.stream().map(Enum::name).sorted().collect(Collectors.joining(","));
    }

    private static <E extends Enum<E>> Set<E> parseModifiers(String text, Class<E> type) {
        if (text.equals("-")) {
            return Set.of();
        }
        Set<E> out = new HashSet<>();
        for (String name : text.split(",")) {
            out.add(Enum.valueOf(type, name));
        }
        return out;
    }

    private static long parseLong(Path dir, int line, String text) throws IOException {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw malformed(dir, line, "a number, not '" + text + "'");
        }
    }

    private static IOException malformed(Path dir, int line, String expected) {
        return new IOException("malformed " + dir.resolve(FILE) + " at line " + (line + 1) + ": expected " + expected
                + " (assemble the distribution again, or delete the file to read the jars themselves)");
    }

    /** The listed modules; a finder's answers never change, as ModuleFinder requires. */
    private record ListedFinder(Map<String, ModuleReference> modules) implements ModuleFinder {
        @Override
        public Optional<ModuleReference> find(String name) {
            return Optional.ofNullable(modules.get(name));
        }

        @Override
        public Set<ModuleReference> findAll() {
            return Set.copyOf(modules.values());
        }
    }
}
