package kdns.api;

import java.util.List;
import java.util.function.Supplier;

/**
 * One running configuration: every server block built from one Corefile. A reload builds a new
 * instance and swaps it in, so nothing here may be kept across reloads except through
 * {@link #metrics()}, which is process-wide.
 */
public interface Instance {

    /**
     * Every handler of every server block, outermost first within a block. Filled once the chains
     * are built: call it from an {@link Controller#onStartup} hook or later, not during setup.
     */
    List<Handler> handlers();

    /**
     * The handlers of one server block ({@link Controller#serverBlockIndex()}), outermost first;
     * empty for an unknown index. Filled once the chains are built, like {@link #handlers()}.
     */
    List<Handler> blockHandlers(int serverBlockIndex);

    /**
     * An object shared by all server blocks of this instance, created on first use. Plugins use
     * it for things that exist once per instance, such as the {@code ready} plugin's HTTP listener
     * shared by every block that names the same address.
     */
    <T> T shared(String key, Class<T> type, Supplier<T> create);

    /** The process-wide metrics registry (survives reloads, like CoreDNS's). */
    MetricsRegistry metrics();

    /** The path of the Corefile this instance was built from ({@code Corefile} by default). */
    String corefilePath();

    /** The server's name and version, e.g. {@code kdns-0.1.0} (chaos's version.bind, build info). */
    String serverVersion();

    /**
     * The providers of an extension interface that a plugin module exports for other plugin
     * modules to implement, found in every plugin module of the distribution (the layers a plugin
     * cannot see itself: a module built on it sits in a layer below). How the kubernetes plugin
     * finds {@code kdns.plugin.kubernetes.spi.ClusterSetOption} in plugin-multicluster. One object
     * per provider class for the process's life, like {@link Plugin}s, so providers keep no
     * per-configuration state; empty when no module provides {@code type}.
     */
    <S> List<S> extensions(Class<S> type);

    /** How this instance is replaced by one built from the Corefile as it is now. */
    Reloader reloader();

    /**
     * Serves a request through the whole server, as if it had arrived on the same port: the block
     * with the longest zone for its name, then that block's chain (CoreDNS's upstream lookup). For
     * plugins that resolve a CNAME target outside their zones. The caller bounds recursion.
     *
     * @return the handler protocol's rcode; {@code REFUSED} without a write when no block serves the name
     */
    int serve(Request request, ResponseWriter writer) throws HandlerException;
}
