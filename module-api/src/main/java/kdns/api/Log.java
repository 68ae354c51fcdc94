package kdns.api;

import java.io.PrintStream;

/**
 * Log lines in CoreDNS's format, {@code [INFO] plugin/<name>: <message>}, on standard output.
 * Debug lines are printed only when the process runs with debug logging on.
 */
public final class Log {

    private static final boolean DEBUG = Boolean.getBoolean("kdns.debug");
    private static final PrintStream OUT = System.out;

    private final String prefix;

    private Log(String prefix) {
        this.prefix = prefix;
    }

    /** A logger whose lines start with {@code plugin/<name>: }. */
    public static Log forPlugin(String name) {
        return new Log("plugin/" + name + ": ");
    }

    /** A logger without a plugin prefix (the host's own lines). */
    public static Log plain() {
        return new Log("");
    }

    public void info(String message) {
        print("[INFO] ", message);
    }

    public void warning(String message) {
        print("[WARNING] ", message);
    }

    public void error(String message) {
        print("[ERROR] ", message);
    }

    public void debug(String message) {
        if (DEBUG) {
            print("[DEBUG] ", message);
        }
    }

    /** A line exactly as given, without level or prefix (query logs). */
    public void raw(String line) {
        OUT.println(line);
    }

    private void print(String level, String message) {
        OUT.println(level + prefix + message);
    }
}
