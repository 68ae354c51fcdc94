package kdns.api;

import java.util.function.Consumer;

/**
 * Reloading the configuration, for the {@code reload} plugin: a reload builds a complete new
 * instance from the Corefile and swaps it in, keeping the sockets; when the new Corefile fails,
 * the running instance goes on serving.
 */
public interface Reloader {

    /**
     * SHA-512 (hex) of the parsed Corefile the running instance was built from. Parsed, so edits
     * to comments and white space do not count as changes, while edits to imported files do.
     */
    String runningHash();

    /**
     * Parses the Corefile again from where it was loaded and returns its hash.
     *
     * @throws PluginException with the parse error when the file no longer parses
     */
    String hashOnDisk() throws PluginException;

    /**
     * Starts a reload on the host's own thread and returns at once. {@code outcome} receives null
     * on success, or the error that kept the old instance serving.
     */
    void reload(Consumer<String> outcome);
}
