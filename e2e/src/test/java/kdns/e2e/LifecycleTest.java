package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up banner, pidfile, and a graceful stop on SIGTERM. */
class LifecycleTest {

    @TempDir
    Path dir;

    @Test
    void sigtermStopsGracefullyAndRemovesThePidfile() throws Exception {
        int port = KdnsProcess.freePort();
        Path pidfile = dir.resolve("kdns.pid");
        try (KdnsProcess kdns = KdnsProcess.serve(dir, "example.org:" + port + " {\n    whoami\n}\n", port,
                "-pidfile", pidfile.toString())) {
            assertEquals(String.valueOf(kdns.process().pid()), Files.readString(pidfile).strip());
            String banner = kdns.output();
            assertTrue(banner.contains("example.org.:" + port), banner);
            assertTrue(banner.contains("kdns-"), banner);
            kdns.process().destroy(); // SIGTERM
            assertTrue(kdns.process().waitFor(15, TimeUnit.SECONDS), "stopped within 15s");
            assertFalse(Files.exists(pidfile), "pidfile removed on shutdown");
        }
    }

    @Test
    void quietPrintsNoBanner() throws Exception {
        int port = KdnsProcess.freePort();
        try (KdnsProcess kdns = KdnsProcess.serve(dir, ".:" + port + " {\n    whoami\n}\n", port, "-quiet")) {
            assertFalse(kdns.output().contains("kdns-"), kdns.output());
        }
    }
}
