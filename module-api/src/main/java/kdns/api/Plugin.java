package kdns.api;

/**
 * A Corefile directive: the service type every plugin module provides.
 *
 * <p>The host finds providers with {@link java.util.ServiceLoader} in each plugin module's layer.
 * A provider is instantiated once per process and must be stateless: all per-configuration state is
 * created in {@link #setup(Controller)}, which runs again on every reload.
 *
 * <pre>{@code
 * module com.example.hello {
 *     requires kdns.api;
 *     provides kdns.api.Plugin with com.example.hello.HelloPlugin;
 * }
 * }</pre>
 */
public interface Plugin {

    /** The directive name, as written in the Corefile and in plugin.cfg (e.g. {@code whoami}). */
    String name();

    /** One line that says what the plugin does; shown by {@code kdns -plugins -v}. */
    String description();

    /**
     * Parses this directive's tokens for one server block and registers its handler and hooks.
     *
     * <p>Called once per server block that uses the directive, with every occurrence of it in that
     * block (loop with {@code while (c.next())}). Errors are reported by throwing the exceptions
     * made by {@link Controller#argErr()}, {@link Controller#err(String)} and friends; the host
     * prefixes them with {@code plugin/<name>: }.
     */
    void setup(Controller c) throws PluginException;
}
