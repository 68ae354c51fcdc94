package kdns.host.plugins;

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
 */
final class PluginLayers {

    private final Path pluginsDir;
    private final Map<String, ModuleFinder> finders;
    /** Module name to the first folder (in plugin.cfg order) that holds it. */
    private final Map<String, String> folderOfModule;
    private final Map<String, ModuleLayer> layers = new HashMap<>();
    private final Set<String> defining = new LinkedHashSet<>();

    private PluginLayers(Path pluginsDir, Map<String, ModuleFinder> finders, Map<String, String> folderOfModule) {
        this.pluginsDir = pluginsDir;
        this.finders = finders;
        this.folderOfModule = folderOfModule;
    }

    /** Reads the module descriptors of every folder; defines no layer yet. */
    static PluginLayers scan(Path pluginsDir, Collection<String> folders) throws PluginLoadException {
        Map<String, ModuleFinder> finders = new HashMap<>();
        Map<String, String> folderOfModule = new HashMap<>();
        ModuleLayer boot = ModuleLayer.boot();
        for (String folder : folders) {
            Path dir = pluginsDir.resolve(folder);
            if (!Files.isDirectory(dir)) {
                throw new PluginLoadException("plugin module folder " + dir + " is missing: plugin.cfg lists module '"
                        + folder + "' but the distribution was built without it (rebuild with make dist)");
            }
            ModuleFinder finder = ModuleFinder.of(dir);
            try {
                for (ModuleReference ref : finder.findAll()) {
                    String name = ref.descriptor().name();
                    if (boot.findModule(name).isEmpty()) {
                        folderOfModule.putIfAbsent(name, folder);
                    }
                }
            } catch (FindException e) {
                throw cannotLoad(dir, folder, e);
            }
            finders.put(folder, finder);
        }
        return new PluginLayers(pluginsDir, finders, folderOfModule);
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
        ModuleFinder finder = finders.get(folder);
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
        ModuleLayer layer = define(folder, finder, parents);
        defining.remove(folder);
        layers.put(folder, layer);
        return layer;
    }

    /** The other plugin folders holding modules that this folder's modules require. */
    private Set<String> requiredFolders(String folder, ModuleFinder finder) {
        Set<String> out = new LinkedHashSet<>();
        for (ModuleReference ref : finder.findAll()) {
            for (ModuleDescriptor.Requires r : ref.descriptor().requires()) {
                if (r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)
                        || finder.find(r.name()).isPresent()) {
                    continue;
                }
                String other = folderOfModule.get(r.name());
                if (other != null && !other.equals(folder)) {
                    out.add(other);
                }
            }
        }
        return out;
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
