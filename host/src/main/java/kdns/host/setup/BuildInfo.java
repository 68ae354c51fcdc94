package kdns.host.setup;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version this host was built as (from the Maven build) and the commit (from the launcher). */
public final class BuildInfo {

    private static final String VERSION = readVersion();

    private BuildInfo() {
    }

    /** The project version, e.g. {@code 0.1.0}. */
    public static String version() {
        return VERSION;
    }

    /** {@code kdns-<version>}: what the server calls itself. */
    public static String serverVersion() {
        return "kdns-" + VERSION;
    }

    /** The commit the distribution was assembled from, or {@code unknown}. */
    public static String commit() {
        return System.getProperty("kdns.commit", "unknown");
    }

    private static String readVersion() {
        try (InputStream s = BuildInfo.class.getResourceAsStream("/kdns/host/version.properties")) {
            Properties p = new Properties();
            if (s != null) {
                p.load(s);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
