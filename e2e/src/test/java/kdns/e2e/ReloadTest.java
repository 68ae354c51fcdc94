package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/kdns picks up an edited Corefile: by itself with the reload plugin, and on SIGUSR1. */
class ReloadTest {

    private static final Pattern TXT = Pattern.compile("version\\.bind\\.\\s+\\d+\\s+CH\\s+TXT\\s+\"([^\"]*)\"");

    @TempDir
    Path dir;

    private static String version(int port) throws Exception {
        String out = CommandLine.run("dig", "@127.0.0.1", "-p", String.valueOf(port), "CH", "TXT", "version.bind",
                "+tries=1", "+time=3");
        Matcher m = TXT.matcher(out);
        return m.find() ? m.group(1) : out;
    }

    private static String awaitVersion(int port, String want, long seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        String seen = version(port);
        while (!seen.equals(want) && System.nanoTime() < end) {
            Thread.sleep(200);
            seen = version(port);
        }
        return seen;
    }

    @Test
    void theReloadPluginPicksUpAnEditedCorefile() throws Exception {
        int port = KdnsProcess.freePort();
        try (KdnsProcess kdns = KdnsProcess.serve(dir, ".:" + port + " {\n    reload 2s 1s\n    chaos first\n}\n",
                port)) {
            assertEquals("first", version(port));
            // The check runs every 2s±0.5s; an unchanged Corefile is never reloaded.
            Thread.sleep(3500);
            assertTrue(kdns.output().matches("(?s).*\\[INFO\\] plugin/reload: Running configuration SHA512 = "
                    + "[0-9a-f]{128}\n.*"), kdns.output());
            assertTrue(!kdns.output().contains("Reloading"), kdns.output());
            Files.writeString(dir.resolve("Corefile"), ".:" + port + " {\n    reload 2s 1s\n    chaos second\n}\n");
            assertEquals("second", awaitVersion(port, "second", 20), kdns.output());
            // A broken Corefile keeps the running one; the error is logged once.
            Files.writeString(dir.resolve("Corefile"), ".:" + port + " {\n    reload 2s 1s\n    chaos second\n"
                    + "    nosuchplugin\n}\n");
            long end = System.nanoTime() + 20_000_000_000L;
            while (!kdns.output().contains("nosuchplugin") && System.nanoTime() < end) {
                Thread.sleep(200);
            }
            assertTrue(kdns.output().contains("nosuchplugin"), kdns.output());
            assertEquals("second", version(port));
        }
    }

    @Test
    void sigusr1Reloads() throws Exception {
        int port = KdnsProcess.freePort();
        try (KdnsProcess kdns = KdnsProcess.serve(dir, ".:" + port + " {\n    chaos one\n}\n", port)) {
            assertEquals("one", version(port));
            Files.writeString(dir.resolve("Corefile"), ".:" + port + " {\n    chaos two\n}\n");
            CommandLine.run("kill", "-USR1", String.valueOf(kdns.process().pid()));
            assertEquals("two", awaitVersion(port, "two", 15), kdns.output());
            assertTrue(kdns.process().isAlive());
        }
    }
}
