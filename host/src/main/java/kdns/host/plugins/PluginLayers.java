package kdns.host.plugins;

import java.io.IOException;
import java.lang.LayerInstantiationException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The module layers of a distribution's plugin folders, one layer per folder. A folder whose
 * modules {@code requires} a module of another plugin folder (multicluster requires
 * {@code kdns.plugin.kubernetes}) gets that folder's layer as a parent, so a plugin building on
 * another sees the classes of the one loaded copy and the distribution holds each jar once; every
 * other folder's parent is the boot layer. The graph comes from the module descriptors alone.
 * A folder's jars are read and its layer defined only when it is first asked for.
 */
final class PluginLayers {

    private final Path pluginsDir;
    /** The folders in plugin.cfg order: where a required module is looked for, first holder wins. */
    private final List<String> folders;
    private final Map<String, ModuleFinder> finders = new HashMap<>();
    private final Map<String, ModuleLayer> layers = new HashMap<>();
    private final Set<String> defining = new LinkedHashSet<>();

    private PluginLayers(Path pluginsDir, List<String> folders) {
        this.pluginsDir = pluginsDir;
        this.folders = folders;
    }

    /**
     * Checks that every folder exists; reads no jar and defines no layer yet, so a start-up pays only
     * for the folders its Corefile uses (plugin-kubernetes alone holds some thirty jars).
     */
    static PluginLayers scan(Path pluginsDir, Collection<String> folders) throws PluginLoadException {
        for (String folder : folders) {
            Path dir = pluginsDir.resolve(folder);
            if (!Files.isDirectory(dir)) {
                throw new PluginLoadException("plugin module folder " + dir + " is missing: plugin.cfg lists module '"
                        + folder + "' but the distribution was built without it (rebuild with make dist)");
            }
        }
        return new PluginLayers(pluginsDir, List.copyOf(folders));
    }

    /** The folders whose layers are defined so far. */
    Set<String> defined() {
        return Set.copyOf(layers.keySet());
    }

    /** The folder's layer, defined (with the layers it builds on) on first use. */
    ModuleLayer layer(String folder) throws PluginLoadException {
        ModuleLayer done = layers.get(folder);
        if (done != null) {
            return done;
        }
        if (!defining.add(folder)) {
            throw new PluginLoadException("plugin module folders require each other in a cycle: "
                    + String.join(" -> ", defining) + " -> " + folder + "; a plugin may build on another, not both ways");
        }
        ModuleLayer layer;
        try {
            ModuleFinder finder = finder(folder);
            List<ModuleLayer> parents = new ArrayList<>();
            for (String other : requiredFolders(folder, finder)) {
                ModuleLayer l = layer(other);
                if (!parents.contains(l)) {
                    parents.add(l);
                }
            }
            if (parents.isEmpty()) {
                parents.add(ModuleLayer.boot());
            }
            layer = define(folder, finder, parents);
        } finally {
            defining.remove(folder); // a failed folder may be asked for again (a later reload): same error, no cycle
        }
        layers.put(folder, layer);
        return layer;
    }

    /** The other plugin folders holding modules that this folder's modules require. */
    private Set<String> requiredFolders(String folder, ModuleFinder finder) throws PluginLoadException {
        Set<String> out = new LinkedHashSet<>();
        ModuleLayer boot = ModuleLayer.boot();
        try {
            for (ModuleReference ref : finder.findAll()) {
                for (ModuleDescriptor.Requires r : ref.descriptor().requires()) {
                    if (r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)
                            || finder.find(r.name()).isPresent() || boot.findModule(r.name()).isPresent()) {
                        continue;
                    }
                    String other = folderOf(r.name());
                    if (other != null && !other.equals(folder)) {
                        out.add(other);
                    }
                }
            }
        } catch (FindException e) {
            throw cannotLoad(pluginsDir.resolve(folder), folder, e);
        }
        return out;
    }

    /**
     * The first folder (plugin.cfg order) holding a module, or null: resolution then names the
     * missing module. Only a module outside the boot layer and the requiring folder is looked for
     * here, so the other folders' jars are read only when one plugin builds on another.
     */
    private String folderOf(String module) throws PluginLoadException {
        for (String folder : folders) {
            try {
                if (finder(folder).find(module).isPresent()) {
                    return folder;
                }
            } catch (FindException e) {
                throw cannotLoad(pluginsDir.resolve(folder), folder, e);
            }
        }
        return null;
    }

    /**
     * The folder's modules: from its {@link ModuleList} when that still describes the folder (no jar
     * read until a class is), else from the jars themselves.
     */
    private ModuleFinder finder(String folder) throws PluginLoadException {
        ModuleFinder finder = finders.get(folder);
        if (finder == null) {
            Path dir = pluginsDir.resolve(folder);
            try {
                finder = ModuleList.finder(dir).orElseGet(() -> ModuleFinder.of(dir));
            } catch (IOException e) {
                throw new PluginLoadException("cannot load plugin module folder " + dir + " (" + folder + "): "
                        + e.getMessage(), e);
            }
            finders.put(folder, finder);
        }
        return finder;
    }

    private ModuleLayer define(String folder, ModuleFinder finder, List<ModuleLayer> parents)
            throws PluginLoadException {
        Path dir = pluginsDir.resolve(folder);
        try {
            Set<String> roots = new TreeSet<>();
            for (ModuleReference ref : finder.findAll()) {
                String name = ref.descriptor().name();
                if (parents.stream().allMatch(l -> l.findModule(name).isEmpty())) {
                    roots.add(name);
                }
            }
            List<Configuration> parentConfigs = parents.stream().map(ModuleLayer::configuration).toList();
            Configuration cf = Configuration.resolveAndBind(finder, parentConfigs, ModuleFinder.of(), roots);
            ClassLoader parentLoader = PluginLayers.class.getClassLoader();
            return ModuleLayer.defineModulesWithOneLoader(cf, parents, parentLoader).layer();
        } catch (FindException | ResolutionException | LayerInstantiationException e) {
            throw cannotLoad(dir, folder, e);
        }
    }

    private static PluginLoadException cannotLoad(Path dir, String folder, RuntimeException e) {
        return new PluginLoadException("cannot load plugin module folder " + dir + " (" + folder + "): "
                + e.getMessage(), e);
    }
}
