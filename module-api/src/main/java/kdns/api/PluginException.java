package kdns.api;

/**
 * A configuration error found while setting up a plugin. The message says what to fix; the host
 * prints it as {@code plugin/<name>: <message>} and refuses to serve the Corefile.
 */
public class PluginException extends Exception {

    public PluginException(String message) {
        super(message);
    }

    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }

    /** CoreDNS's {@code plugin.ErrOnce}: for plugins that allow one occurrence per block. */
    public static PluginException once() {
        return new PluginException("this plugin can only be used once per Server Block");
    }
}
