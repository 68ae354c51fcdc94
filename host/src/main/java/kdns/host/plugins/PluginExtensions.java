package kdns.host.plugins;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The providers of the extension interfaces plugin modules export to each other
 * ({@link kdns.api.Instance#extensions}). A plugin module cannot find them itself: a module built
 * on it lives in a child layer, and a {@link ServiceLoader} sees only a layer and its parents.
 * The host sees every layer. Providers are created once per class and kept, like plugins.
 */
public final class PluginExtensions {

    /** The plugin layers, asked for when a type is first looked up (the catalog defines them lazily). */
    private final Supplier<List<ModuleLayer>> layers;
    private final ClassLoader loader;
    private final Map<Class<?>, List<?>> found = new ConcurrentHashMap<>();

    private PluginExtensions(Supplier<List<ModuleLayer>> layers, ClassLoader loader) {
        this.layers = layers;
        this.loader = loader;
    }

    /** The providers in these plugin layers (and their parents). */
    static PluginExtensions ofLayers(Supplier<List<ModuleLayer>> layers) {
        return new PluginExtensions(layers, null);
    }

    /** The providers visible to {@code loader} (class path: {@code META-INF/services}). */
    public static PluginExtensions ofClassLoader(ClassLoader loader) {
        return new PluginExtensions(List::of, loader);
    }

    /** Every provider of {@code type}, in plugin.cfg module order; empty when there is none. */
    @SuppressWarnings("unchecked")
    public <S> List<S> providers(Class<S> type) {
        return (List<S>) found.computeIfAbsent(type, this::load);
    }

    private List<Object> load(Class<?> type) {
        // The host does not know plugin types at compile time: it declares reading the type's
        // module and using the service at run time, as ServiceLoader requires of its caller.
        Module host = PluginExtensions.class.getModule();
        host.addReads(type.getModule());
        host.addUses(type);
        Map<Class<?>, Object> byClass = new LinkedHashMap<>();
        if (loader != null) {
            add(ServiceLoader.load(type, loader), byClass);
        }
        for (ModuleLayer layer : layers.get()) {
            add(ServiceLoader.load(layer, type), byClass);
        }
        return List.copyOf(byClass.values());
    }

    private static void add(ServiceLoader<?> services, Map<Class<?>, Object> byClass) {
        services.stream().forEach(p -> byClass.computeIfAbsent(p.type(), k -> p.get()));
    }
}
