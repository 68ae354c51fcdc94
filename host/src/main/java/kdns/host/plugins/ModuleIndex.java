package kdns.host.plugins;

import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

/**
 * The module descriptors of a plugin folder's jars, recorded at {@code make dist} time in the file
 * {@value #FILE} of the folder, so that a start-up defines the folder's module layer without reading
 * its jars: the JDK's {@code ModuleFinder.of} lists every entry of every automatic module's jar (and
 * of every modular jar without a ModulePackages attribute, which Maven does not write) to find its
 * packages, 0.04-0.15 s of a start for the etcd and kubernetes folders.
 * <p>
 * Each jar is recorded with its size and modification time; the index is used only when the
 * folder's jars are exactly those (a jar added, removed or replaced makes it stale, and the folder is
 * scanned as before). A descriptor the text cannot carry exactly is recorded as {@code scan}: that
 * one jar is read at start-up. The text ends with a CRC-32 of what precedes it, so a truncated or
 * edited file is refused rather than read as fewer packages.
 * <pre>
 * kdns-module-index 1
 * jar SIZE MTIME-MILLIS FILE-NAME
 * module NAME MODIFIERS            (modifiers: comma-separated, or -)
 * version RAW-VERSION
 * packages PACKAGE...
 * requires NAME MODIFIERS [COMPILED-VERSION]
 * exports PACKAGE MODIFIERS [TARGET,...]
 * opens PACKAGE MODIFIERS [TARGET,...]
 * uses SERVICE
 * provides SERVICE PROVIDER,...
 * main CLASS
 * scan                             (instead of module...: read this jar's descriptor from the jar)
 * crc32 HEX
 * </pre>
 */
final class ModuleIndex {

    /** The index's file name in a plugin folder; not a jar, so the JDK's module finder ignores it. */
    static final String FILE = "module-index";
    private static final String HEADER = "kdns-module-index 1";

    /** One jar of the folder: its file name, size, modification time and descriptor (null: scan the jar). */
    record Entry(String jar, long size, long mtimeMillis, ModuleDescriptor descriptor) {
    }

    private ModuleIndex() {
    }

    /**
     * The folder's jars with the descriptors the JDK finds in them (ModuleFinder.of over the
     * folder), each checked to come back equal from the index's text; one that does not is recorded
     * as scan.
     *
     * @throws IOException when the folder cannot be listed
     * @throws FindException when the JDK cannot read a jar's module (the same error a start gets)
     * @throws IllegalArgumentException when the folder holds a module the index cannot describe (an
     *         exploded one) or a jar the JDK finds no module in
     */
    static List<Entry> scan(Path folder) throws IOException {
        Map<String, ModuleDescriptor> byJar = new TreeMap<>();
        for (ModuleReference ref : ModuleFinder.of(folder).findAll()) {
            Path p = Path.of(ref.location().orElseThrow());
            if (!folder.toAbsolutePath().normalize().equals(p.getParent().toAbsolutePath().normalize())
                    || !p.getFileName().toString().endsWith(".jar")) {
                throw new IllegalArgumentException("module " + ref.descriptor().name() + " of " + folder
                        + " is not a jar of the folder (" + p + "): the module index describes jars only");
            }
            byJar.put(p.getFileName().toString(), ref.descriptor());
        }
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, BasicFileAttributes> jar : jars(folder).entrySet()) {
            ModuleDescriptor d = byJar.get(jar.getKey());
            if (d == null) {
                throw new IllegalArgumentException("the JDK found no module in " + folder.resolve(jar.getKey()));
            }
            ModuleDescriptor kept = roundTrips(d) ? d : null;
            out.add(new Entry(jar.getKey(), jar.getValue().size(), jar.getValue().lastModifiedTime().toMillis(), kept));
        }
        return List.copyOf(out);
    }

    /**
     * The folder's jars (regular files named *.jar, hidden ones skipped as the JDK skips them) with
     * their attributes, by name.
     *
     * @throws IllegalArgumentException when the folder holds an exploded module (a directory with a
     *         module-info.class), which the index does not describe
     */
    static Map<String, BasicFileAttributes> jars(Path folder) throws IOException {
        Map<String, BasicFileAttributes> out = new TreeMap<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(folder)) {
            for (Path p : s) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class); // links followed, as the JDK does
                if (a.isDirectory() && Files.exists(p.resolve("module-info.class"))) {
                    throw new IllegalArgumentException(p + " is an exploded module, which the module index does not describe");
                }
                if (a.isRegularFile() && name.endsWith(".jar")) {
                    out.put(name, a);
                }
            }
        }
        return out;
    }

    private static boolean roundTrips(ModuleDescriptor d) {
        try {
            List<Entry> back = parse(format(List.of(new Entry("x.jar", 0, 0, d))));
            return d.equals(back.getFirst().descriptor());
        } catch (IllegalArgumentException e) {
            return false; // e.g. a version the public builder cannot parse
        }
    }

    /** The index's text. */
    static String format(List<Entry> entries) {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (Entry e : entries) {
            b.append("jar ").append(e.size()).append(' ').append(e.mtimeMillis()).append(' ').append(e.jar()).append('\n');
            ModuleDescriptor d = e.descriptor();
            if (d == null) {
                b.append("scan\n");
                continue;
            }
            b.append("module ").append(d.name()).append(' ').append(mods(d.modifiers())).append('\n');
            d.rawVersion().ifPresent(v -> b.append("version ").append(v).append('\n'));
            // before the lines that name them: the builder checks that exported, opened, provider and
            // main-class packages are the module's
            if (!d.packages().isEmpty()) {
                b.append("packages ").append(String.join(" ", new TreeSet<>(d.packages()))).append('\n');
            }
            // an automatic module's only requires is the mandated java.base, which its builder adds
            for (ModuleDescriptor.Requires r : d.isAutomatic() ? Set.<ModuleDescriptor.Requires>of() : new TreeSet<>(d.requires())) {
                b.append("requires ").append(r.name()).append(' ').append(mods(r.modifiers()));
                r.rawCompiledVersion().ifPresent(v -> b.append(' ').append(v));
                b.append('\n');
            }
            for (ModuleDescriptor.Exports x : new TreeSet<>(d.exports())) {
                b.append("exports ").append(x.source()).append(' ').append(mods(x.modifiers()));
                targets(b, x.targets());
            }
            for (ModuleDescriptor.Opens o : new TreeSet<>(d.opens())) {
                b.append("opens ").append(o.source()).append(' ').append(mods(o.modifiers()));
                targets(b, o.targets());
            }
            new TreeSet<>(d.uses()).forEach(u -> b.append("uses ").append(u).append('\n'));
            for (ModuleDescriptor.Provides p : new TreeSet<>(d.provides())) {
                b.append("provides ").append(p.service()).append(' ').append(String.join(",", p.providers())).append('\n');
            }
            d.mainClass().ifPresent(m -> b.append("main ").append(m).append('\n'));
        }
        String sum = crc(b); // of the text before the crc32 line
        return b.append("crc32 ").append(sum).append('\n').toString();
    }

    private static void targets(StringBuilder b, Set<String> targets) {
        if (!targets.isEmpty()) {
            b.append(' ').append(String.join(",", new TreeSet<>(targets)));
        }
        b.append('\n');
    }

    private static String mods(Set<? extends Enum<?>> modifiers) {
        return modifiers.isEmpty() ? "-"
                : modifiers.stream().map(Enum::name).sorted().collect(Collectors.joining(","));
    }

    private static String crc(CharSequence text) {
        CRC32 c = new CRC32();
        c.update(text.toString().getBytes(StandardCharsets.UTF_8));
        return Long.toHexString(c.getValue());
    }

    /**
     * Reads an index's text.
     *
     * @throws IllegalArgumentException naming the line at fault, or the checksum that does not match
     */
    static List<Entry> parse(String text) {
        int end = text.lastIndexOf("crc32 ");
        if (!text.startsWith(HEADER + "\n") || end < 0 || !text.endsWith("\n")
                || (end > 0 && text.charAt(end - 1) != '\n')) {
            throw new IllegalArgumentException("not a module index (no '" + HEADER + "' first line or no crc32 last line)");
        }
        String body = text.substring(0, end);
        String sum = text.substring(end + "crc32 ".length(), text.length() - 1);
        if (!sum.equals(crc(body))) {
            throw new IllegalArgumentException("its crc32 " + sum + " does not match its text (" + crc(body)
                    + "): the file was cut short or edited");
        }
        List<Entry> out = new ArrayList<>();
        String[] lines = body.split("\n");
        Parser p = null;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            try {
                if (line.startsWith("jar ")) {
                    if (p != null) {
                        out.add(p.entry());
                    }
                    String[] f = line.split(" ", 4);
                    if (f.length != 4 || f[3].isEmpty()) {
                        throw new IllegalArgumentException("expected 'jar SIZE MTIME FILE-NAME'");
                    }
                    p = new Parser(f[3], Long.parseLong(f[1]), Long.parseLong(f[2]));
                } else if (p == null) {
                    throw new IllegalArgumentException("a descriptor line before the first 'jar' line");
                } else {
                    p.line(line);
                }
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new IllegalArgumentException("line " + (i + 1) + " '" + line + "': " + e.getMessage(), e);
            }
        }
        if (p != null) {
            try {
                out.add(p.entry());
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new IllegalArgumentException("the entry of " + p.jar + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(out);
    }

    /** The lines of one jar's entry, built into a descriptor with the JDK's public builder. */
    private static final class Parser {
        private final String jar;
        private final long size;
        private final long mtime;
        private ModuleDescriptor.Builder builder;
        private boolean scan;

        Parser(String jar, long size, long mtime) {
            this.jar = jar;
            this.size = size;
            this.mtime = mtime;
        }

        void line(String line) {
            String[] f = line.split(" ");
            if (f[0].equals("scan") && f.length == 1 && builder == null && !scan) {
                scan = true;
                return;
            }
            if (f[0].equals("module")) {
                if (builder != null || scan || f.length != 3) {
                    throw new IllegalArgumentException("expected one 'module NAME MODIFIERS' line per jar");
                }
                builder = ModuleDescriptor.newModule(f[1], parse(f[2], ModuleDescriptor.Modifier::valueOf,
                        ModuleDescriptor.Modifier.class));
                return;
            }
            if (builder == null) {
                throw new IllegalArgumentException("expected 'module' or 'scan' after the 'jar' line");
            }
            switch (f[0]) {
                case "version" -> builder.version(arity(f, 2, 2)[1]);
                case "requires" -> {
                    arity(f, 3, 4);
                    var mods = parse(f[2], ModuleDescriptor.Requires.Modifier::valueOf, ModuleDescriptor.Requires.Modifier.class);
                    if (f.length == 4) {
                        builder.requires(mods, f[1], ModuleDescriptor.Version.parse(f[3]));
                    } else {
                        builder.requires(mods, f[1]);
                    }
                }
                case "exports" -> {
                    arity(f, 3, 4);
                    var mods = parse(f[2], ModuleDescriptor.Exports.Modifier::valueOf, ModuleDescriptor.Exports.Modifier.class);
                    if (f.length == 4) {
                        builder.exports(mods, f[1], Set.of(f[3].split(",")));
                    } else {
                        builder.exports(mods, f[1]);
                    }
                }
                case "opens" -> {
                    arity(f, 3, 4);
                    var mods = parse(f[2], ModuleDescriptor.Opens.Modifier::valueOf, ModuleDescriptor.Opens.Modifier.class);
                    if (f.length == 4) {
                        builder.opens(mods, f[1], Set.of(f[3].split(",")));
                    } else {
                        builder.opens(mods, f[1]);
                    }
                }
                case "uses" -> builder.uses(arity(f, 2, 2)[1]);
                case "provides" -> builder.provides(arity(f, 3, 3)[1], List.of(f[2].split(",")));
                case "packages" -> builder.packages(new HashSet<>(Arrays.asList(f).subList(1, f.length)));
                case "main" -> builder.mainClass(arity(f, 2, 2)[1]);
                default -> throw new IllegalArgumentException("unknown line");
            }
        }

        Entry entry() {
            if (builder == null && !scan) {
                throw new IllegalArgumentException("the jar " + jar + " has neither a 'module' nor a 'scan' line");
            }
            return new Entry(jar, size, mtime, scan ? null : builder.build());
        }

        private static String[] arity(String[] f, int min, int max) {
            if (f.length < min || f.length > max) {
                throw new IllegalArgumentException("expected " + (min - 1)
                        + (max > min ? " or " + (max - 1) : "") + " fields after '" + f[0] + "'");
            }
            return f;
        }

        private static <E extends Enum<E>> Set<E> parse(String text, Function<String, E> valueOf, Class<E> type) {
            Set<E> out = EnumSet.noneOf(type);
            if (!text.equals("-")) {
                for (String m : text.split(",")) {
                    out.add(valueOf.apply(m));
                }
            }
            return out;
        }
    }
}
