package kdns.plugin.standard.process;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** The host's name as Go's {@code os.Hostname} gives it (chaos's hostname.bind, nsid's default). */
public final class HostName {

    private HostName() {
    }

    /** The kernel's host name, else $HOSTNAME, else the local host's, else {@code localhost}; no DNS lookup first. */
    public static String get() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
