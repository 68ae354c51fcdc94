package kdns.host.plugins;

import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A plugin folder's modules from its {@link ModuleIndex} when the index describes the folder's jars
 * as they are (same names, sizes and modification times), else from the JDK's scan of the folder
 * ({@code ModuleFinder.of}) with one warning naming the index file and why it was not used. Either
 * way the layer gets the same descriptors; the index only spares the start-up the listing of every
 * jar's entries.
 */
final class IndexedModuleFinder implements ModuleFinder {

    private final Map<String, ModuleReference> byName;

    private IndexedModuleFinder(Map<String, ModuleReference> byName) {
        this.byName = byName;
    }

    /** The folder's finder: from its index, or the JDK's scan after a warning through {@code warn}. */
    static ModuleFinder of(Path folder, Consumer<String> warn) {
        Path file = folder.resolve(ModuleIndex.FILE);
        String why;
        try {
            List<ModuleIndex.Entry> entries = ModuleIndex.parse(Files.readString(file));
            why = mismatch(entries, ModuleIndex.jars(folder));
            if (why == null) {
                return build(folder, entries);
            }
        } catch (NoSuchFileException e) {
            why = "it is missing";
        } catch (IOException | IllegalArgumentException | FindException e) {
            why = "it cannot be used: " + e.getMessage();
        }
        warn.accept("plugin module index " + file + " not used (" + why + "); the folder's jars are read to find "
                + "their modules, which makes the start slower (make dist writes the index)");
        return ModuleFinder.of(folder);
    }

    /** Why the entries do not describe these jars, or null when they do. */
    private static String mismatch(List<ModuleIndex.Entry> entries, Map<String, BasicFileAttributes> jars) {
        Set<String> listed = new HashSet<>();
        for (ModuleIndex.Entry e : entries) {
            listed.add(e.jar());
            BasicFileAttributes a = jars.get(e.jar());
            if (a == null) {
                return "it lists " + e.jar() + ", which the folder does not hold";
            }
            if (a.size() != e.size() || a.lastModifiedTime().toMillis() != e.mtimeMillis()) {
                return e.jar() + " changed since it was written (size or modification time)";
            }
        }
        for (String jar : jars.keySet()) {
            if (!listed.contains(jar)) {
                return "it does not list " + jar;
            }
        }
        return null;
    }

    private static ModuleFinder build(Path folder, List<ModuleIndex.Entry> entries) {
        Map<String, ModuleReference> byName = new HashMap<>();
        for (ModuleIndex.Entry e : entries) {
            Path jar = folder.resolve(e.jar());
            ModuleReference ref = e.descriptor() != null ? new JarModuleReference(e.descriptor(), jar)
                    // a descriptor the index could not carry: read from this jar alone, as the JDK would
                    : ModuleFinder.of(jar).findAll().iterator().next();
            ModuleReference before = byName.putIfAbsent(ref.descriptor().name(), ref);
            if (before != null) {
                // the JDK's scan of the folder (the fallback) reports this as its own error
                throw new IllegalArgumentException("it holds module " + ref.descriptor().name() + " twice ("
                        + Path.of(before.location().orElseThrow()).getFileName() + " and " + e.jar() + ")");
            }
        }
        return new IndexedModuleFinder(Map.copyOf(byName));
    }

    @Override
    public Optional<ModuleReference> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    @Override
    public Set<ModuleReference> findAll() {
        return Set.copyOf(byName.values());
    }

    /** The descriptors by module name, for the command that checks an index against the JDK's scan. */
    static Map<String, ModuleDescriptor> descriptors(ModuleFinder finder) {
        Map<String, ModuleDescriptor> out = new HashMap<>();
        finder.findAll().forEach(r -> out.put(r.descriptor().name(), r.descriptor()));
        return out;
    }
}
