package kdns.host.plugins;

import java.nio.file.Path;
import java.util.Collection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import kdns.api.Plugin;

/**
 * The plugins a distribution holds, in chain order: plugin.cfg's names matched with the providers
 * found by {@link ServiceLoader}. In a distribution each plugin module folder is loaded into its
 * own {@link ModuleLayer} ({@link PluginLayers}: parent the boot layer, or the layers of the plugin
 * modules it builds on), so plugins with clashing dependencies live side by side. A folder is
 * loaded only when a Corefile uses one of its directives ({@link #require}), so a start-up spends
 * no time or class metadata on plugins it does not use; {@code -plugins} loads them all.
 */
public final class PluginCatalog {

    /** A provider and the module (folder) it came from. */
    public record Provided(Plugin plugin, String module) {
    }

    private final PluginCfg cfg;
    /** The matched directives; guarded by {@code this} (a reload loads on another thread). */
    private final Map<String, Provided> byName;
    /** The folders' layers, or null when every plugin came from the class path at once. */
    private final PluginLayers layers;
    /** Each loaded folder's providers by name; guarded by {@code this}. */
    private final Map<String, Map<String, List<Provided>>> byFolder = new HashMap<>();
    private final PluginExtensions extensions;

    private PluginCatalog(PluginCfg cfg, Map<String, Provided> byName, PluginLayers layers,
                          PluginExtensions extensions) {
        this.cfg = cfg;
        this.byName = byName;
        this.layers = layers;
        this.extensions = extensions;
    }

    private PluginCatalog(PluginCfg cfg, PluginLayers layers) {
        this.cfg = cfg;
        this.byName = new HashMap<>();
        this.layers = layers;
        // An extension interface's providers may be in any folder, used by the Corefile or not (the
        // kubernetes multicluster option is served from plugin-multicluster): asking for them loads
        // every folder. Only that option asks, and it needs plugin-kubernetes loaded anyway.
        this.extensions = PluginExtensions.ofLayers(this::allLayers);
    }

    /** The providers of plugin modules' extension interfaces ({@link kdns.api.Instance#extensions}). */
    public PluginExtensions extensions() {
        return extensions;
    }

    /** The chain order. */
    public List<String> order() {
        return cfg.names();
    }

    /** The provider of a directive, or null when plugin.cfg does not list it or it is not {@link #require}d yet. */
    public synchronized Plugin plugin(String name) {
        Provided p = byName.get(name);
        return p == null ? null : p.plugin();
    }

    /** The names to print for {@code -plugins}: sorted, as CoreDNS prints them ({@code dns.<name>}). */
    public List<String> describe() {
        return new TreeSet<>(cfg.names()).stream().map(n -> "dns." + n).toList();
    }

    /** The names with their modules and descriptions, for {@code -plugins -v}: loads every folder. */
    public synchronized Map<String, Provided> providers() throws PluginLoadException {
        require(cfg.names());
        return Map.copyOf(byName);
    }

    /**
     * Loads the folders of these directives (names plugin.cfg does not list are left to the
     * Corefile parser, which refuses them), so that {@link #plugin} returns their providers.
     *
     * @throws PluginLoadException naming the folder, module or plugin at fault
     */
    public synchronized void require(Collection<String> names) throws PluginLoadException {
        for (PluginCfg.Entry e : cfg.entries()) {
            if (byName.containsKey(e.name()) || !names.contains(e.name())) {
                continue;
            }
            // plugin.cfg says which module folder each plugin comes from: a provider of the same name in
            // another folder (a plugin that ships another plugin's jar as a library) is not a candidate.
            List<Provided> candidates = folder(e.module()).getOrDefault(e.name(), List.of());
            byName.put(e.name(), match(e, candidates));
        }
    }

    /** The folders loaded so far (in a distribution), for tests and diagnostics. */
    synchronized Set<String> loadedFolders() {
        return layers == null ? Set.of() : layers.defined();
    }

    /**
     * A distribution's plugins: each module folder under {@code pluginsDir} that plugin.cfg names
     * goes into its own layer when first {@link #require}d. Every folder must exist now.
     *
     * @throws PluginLoadException with a message naming the missing folder
     */
    public static PluginCatalog fromLayers(PluginCfg cfg, Path pluginsDir) throws PluginLoadException {
        return new PluginCatalog(cfg, PluginLayers.scan(pluginsDir, cfg.modules()));
    }

    private Map<String, List<Provided>> folder(String module) throws PluginLoadException {
        Map<String, List<Provided>> done = byFolder.get(module);
        if (done != null) {
            return done;
        }
        ModuleLayer layer = layers.layer(module);
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
        return found;
    }

    /** Every folder's layer in plugin.cfg module order, each defined now if it was not. */
    private synchronized List<ModuleLayer> allLayers() {
        List<ModuleLayer> all = new ArrayList<>();
        try {
            for (String module : cfg.modules()) {
                all.add(layers.layer(module));
            }
        } catch (PluginLoadException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return all;
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
        Map<String, Provided> byName = new HashMap<>();
        for (PluginCfg.Entry e : cfg.entries()) {
            byName.put(e.name(), match(e, found.getOrDefault(e.name(), List.of())));
        }
        return new PluginCatalog(cfg, byName, null, PluginExtensions.ofClassLoader(loader));
    }

    private static Plugin instantiate(ServiceLoader.Provider<Plugin> p, String module) throws PluginLoadException {
        try {
            return p.get();
        } catch (RuntimeException | LinkageError e) {
            throw new PluginLoadException("plugin provider " + p.type().getName() + " in module " + module
                    + " could not be created: " + e, e);
        }
    }

    private static Provided match(PluginCfg.Entry e, List<Provided> candidates) throws PluginLoadException {
        if (candidates.size() > 1) {
            throw new PluginLoadException("plugin '" + e.name() + "' is provided by more than one module: "
                    + candidates.stream().map(Provided::module).collect(Collectors.joining(" and ")));
        }
        if (candidates.isEmpty()) {
            throw new PluginLoadException("no action found for directive '" + e.name()
                    + "' with server type 'dns' (missing a plugin?): plugin.cfg line " + e.line()
                    + " names module '" + e.module() + "', which provides no plugin of that name");
        }
        return candidates.get(0);
    }
}
