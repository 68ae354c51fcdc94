package kdns.host.plugins;

/** The distribution's plugins cannot be loaded; the message names the folder, module or plugin. */
public class PluginLoadException extends Exception {

    public PluginLoadException(String message) {
        super(message);
    }

    public PluginLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
