package kdns.host.plugins;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.stream.Collectors;
import kdns.api.Plugin;

/**
 * The plugins a distribution holds, in chain order: plugin.cfg's names matched with the providers
 * found by {@link ServiceLoader}. In a distribution each plugin module folder is loaded into its
 * own {@link ModuleLayer} ({@link PluginLayers}: parent the boot layer, or the layers of the plugin
 * modules it builds on), so plugins with clashing dependencies live side by side.
 */
public final class PluginCatalog {

    /** A provider and the module (folder) it came from. */
    public record Provided(Plugin plugin, String module) {
    }

    private final PluginCfg cfg;
    private final Map<String, Provided> byName;
    private final PluginExtensions extensions;

    private PluginCatalog(PluginCfg cfg, Map<String, Provided> byName, PluginExtensions extensions) {
        this.cfg = cfg;
        this.byName = byName;
        this.extensions = extensions;
    }

    /** The providers of plugin modules' extension interfaces ({@link kdns.api.Instance#extensions}). */
    public PluginExtensions extensions() {
        return extensions;
    }

    /** The chain order. */
    public List<String> order() {
        return cfg.names();
    }

    /** The provider of a directive, or null when plugin.cfg does not list it. */
    public Plugin plugin(String name) {
        Provided p = byName.get(name);
        return p == null ? null : p.plugin();
    }

    /** The names to print for {@code -plugins}: sorted, as CoreDNS prints them ({@code dns.<name>}). */
    public List<String> describe() {
        return new TreeSet<>(byName.keySet()).stream().map(n -> "dns." + n).toList();
    }

    /** The names with their modules and descriptions, for {@code -plugins -v}. */
    public Map<String, Provided> providers() {
        return Map.copyOf(byName);
    }

    /**
     * Loads a distribution's plugins: each module folder under {@code pluginsDir} that plugin.cfg
     * names goes into its own layer.
     *
     * @throws PluginLoadException with a message naming the folder, module or plugin at fault
     */
    public static PluginCatalog fromLayers(PluginCfg cfg, Path pluginsDir) throws PluginLoadException {
        // plugin.cfg says which module folder each plugin comes from: a provider of the same name in
        // another folder (a plugin that ships another plugin's jar as a library) is not a candidate.
        Map<String, Map<String, List<Provided>>> byFolder = new HashMap<>();
        PluginLayers layers = PluginLayers.scan(pluginsDir, cfg.modules());
        List<ModuleLayer> all = new ArrayList<>();
        for (String module : cfg.modules()) {
            ModuleLayer layer = layers.layer(module);
            all.add(layer);
            Map<String, List<Provided>> found = new HashMap<>();
            for (ServiceLoader.Provider<Plugin> p : ServiceLoader.load(layer, Plugin.class).stream().toList()) {
                if (p.type().getModule().getLayer() != layer) {
                    continue; // a provider of a parent layer, seen through this one
                }
                Plugin plugin = instantiate(p, module);
                found.computeIfAbsent(plugin.name(), k -> new ArrayList<>())
                        .add(new Provided(plugin, p.type().getModule().getName() + " in " + module));
            }
            byFolder.put(module, found);
        }
        Map<String, List<Provided>> candidates = new HashMap<>();
        for (PluginCfg.Entry e : cfg.entries()) {
            candidates.put(e.name(), byFolder.get(e.module()).getOrDefault(e.name(), List.of()));
        }
        return match(cfg, candidates, PluginExtensions.ofLayers(all));
    }

    /** Loads plugins visible to the class path (tests and embedding): one "module" named {@code classpath}. */
    public static PluginCatalog fromClassPath(PluginCfg cfg, ClassLoader loader) throws PluginLoadException {
        Map<String, List<Provided>> found = new HashMap<>();
        for (ServiceLoader.Provider<Plugin> p : ServiceLoader.load(Plugin.class, loader).stream().toList()) {
            String module = p.type().getModule().isNamed() ? p.type().getModule().getName()
                    : p.type().getProtectionDomain().getCodeSource() == null ? "classpath"
                    : p.type().getProtectionDomain().getCodeSource().getLocation().toString();
            Plugin plugin = instantiate(p, module);
            List<Provided> list = found.computeIfAbsent(plugin.name(), k -> new ArrayList<>());
            if (list.stream().noneMatch(x -> x.plugin().getClass() == plugin.getClass())) {
                list.add(new Provided(plugin, module));
            }
        }
        return match(cfg, found, PluginExtensions.ofClassLoader(loader));
    }

    private static Plugin instantiate(ServiceLoader.Provider<Plugin> p, String module) throws PluginLoadException {
        try {
            return p.get();
        } catch (RuntimeException | LinkageError e) {
            throw new PluginLoadException("plugin provider " + p.type().getName() + " in module " + module
                    + " could not be created: " + e, e);
        }
    }

    private static PluginCatalog match(PluginCfg cfg, Map<String, List<Provided>> found, PluginExtensions extensions)
            throws PluginLoadException {
        Map<String, Provided> byName = new LinkedHashMap<>();
        for (PluginCfg.Entry e : cfg.entries()) {
            List<Provided> candidates = found.getOrDefault(e.name(), List.of());
            if (candidates.size() > 1) {
                throw new PluginLoadException("plugin '" + e.name() + "' is provided by more than one module: "
                        + candidates.stream().map(Provided::module).collect(Collectors.joining(" and ")));
            }
            if (candidates.isEmpty()) {
                throw new PluginLoadException("no action found for directive '" + e.name()
                        + "' with server type 'dns' (missing a plugin?): plugin.cfg line " + e.line()
                        + " names module '" + e.module() + "', which provides no plugin of that name");
            }
            byName.put(e.name(), candidates.get(0));
        }
        return new PluginCatalog(cfg, byName, extensions);
    }
}
