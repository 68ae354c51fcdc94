package kdns.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kdns.host.testplugins.LifecyclePlugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process, with the host's test plugins (-Dkdns.plugincfg). */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Path cfg, String... args) {
        System.setProperty("kdns.plugincfg", cfg.toString());
        try {
            return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]));
        } finally {
            System.clearProperty("kdns.plugincfg");
        }
    }

    private static Path cfg(Path dir) throws Exception {
        return Files.writeString(dir.resolve("plugin.cfg"), "testanswer:test\nordera:test\ntestlifecycle:test\n");
    }

    @Test
    void validateOk(@TempDir Path dir) throws Exception {
        Path corefile = Files.writeString(dir.resolve("Corefile"), "example.org:1053 {\n    testanswer 3\n}\n");
        assertEquals(0, run(cfg(dir), "-validate", "-conf", corefile.toString()), err.toString());
        assertEquals("Corefile OK\n", out.toString());
    }

    @Test
    void validateAbandonsTheCheckedInstance(@TempDir Path dir) throws Exception {
        // what a setup started (the etcd client) is closed, and the process can end
        Path corefile = Files.writeString(dir.resolve("Corefile"), "example.org:1053 {\n    testlifecycle validate-only\n}\n");
        assertEquals(0, run(cfg(dir), "-validate", "-conf", corefile.toString()), err.toString());
        assertEquals(List.of("validate-only abandon"), LifecyclePlugin.events("validate-"));
    }

    @Test
    void unsupportedTransportAbandonsTheInstance(@TempDir Path dir) throws Exception {
        Path corefile = Files.writeString(dir.resolve("Corefile"), "https3://.:8853 {\n    testlifecycle transport-bad\n}\n");
        assertEquals(1, run(cfg(dir), "-validate", "-conf", corefile.toString()));
        assertEquals(List.of("transport-bad abandon"), LifecyclePlugin.events("transport-"));
    }

    @Test
    void validateReportsParseErrorsWithTheConfPath(@TempDir Path dir) throws Exception {
        Path corefile = Files.writeString(dir.resolve("Corefile"), ".:1053 {\n    testanswer\n    bogus\n}\n");
        assertEquals(1, run(cfg(dir), "-validate", "-conf", corefile.toString()));
        assertEquals(corefile + ":3 - Error during parsing: Unknown directive 'bogus'\n", err.toString());
    }

    @Test
    void pluginsListsSortedNames(@TempDir Path dir) throws Exception {
        assertEquals(0, run(cfg(dir), "-plugins"));
        String s = out.toString();
        assertTrue(s.indexOf("  dns.ordera") < s.indexOf("  dns.testanswer"), s);
    }

    @Test
    void version() throws Exception {
        assertEquals(0, Main.run(new String[] {"-version"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0])));
        assertTrue(out.toString().startsWith("kdns-"), out.toString());
    }

    @Test
    void stdinCorefile(@TempDir Path dir) throws Exception {
        System.setProperty("kdns.plugincfg", cfg(dir).toString());
        try {
            int code = Main.run(new String[] {"-validate", "-conf", "stdin"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8),
                    new ByteArrayInputStream(".:1053 {\n    testanswer 2 3\n}\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals(0, code, err.toString());
        } finally {
            System.clearProperty("kdns.plugincfg");
        }
    }

    @Test
    void unsupportedTransportIsRefusedAtValidation(@TempDir Path dir) throws Exception {
        Path corefile = Files.writeString(dir.resolve("Corefile"), "https3://.:8853 {\n    testanswer\n}\n");
        assertEquals(1, run(cfg(dir), "-validate", "-conf", corefile.toString()));
        assertTrue(err.toString().contains("transport 'https3://' is not supported by kdns yet"), err.toString());
    }
}
