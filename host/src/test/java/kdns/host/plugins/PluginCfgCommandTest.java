package kdns.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The answers build/assemble-dist.sh and build/resolve-external.sh read from plugin.cfg. */
class PluginCfgCommandTest {

    @TempDir
    Path dir;

    private record Run(int status, String out, String err) {
    }

    private Run run(String command, String cfgText) throws Exception {
        Path cfg = Files.writeString(dir.resolve("plugin.cfg"), cfgText);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = PluginCfgCommand.run(new String[] {command, cfg.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static final String CFG = """
            # comment
            log:plugin-standard
            hello:com.example:kdns-hello:1.0.0   # external
            cache:plugin-cache
            whoami:plugin-standard
            hi:com.example:kdns-hello:1.0.0
            """;

    @Test
    void namesInChainOrder() throws Exception {
        assertEquals(new Run(0, "log\nhello\ncache\nwhoami\nhi\n", ""), run("names", CFG));
    }

    @Test
    void modulesOnceWithTheCoordinatesOfExternalOnes() throws Exception {
        assertEquals(new Run(0, "plugin-standard\nkdns-hello com.example:kdns-hello:1.0.0\nplugin-cache\n", ""),
                run("modules", CFG));
    }

    @Test
    void externalArtifactsOnce() throws Exception {
        assertEquals(new Run(0, "com.example kdns-hello 1.0.0\n", ""), run("external", CFG));
        assertEquals(new Run(0, "", ""), run("external", "log:plugin-standard\n"));
    }

    @Test
    void malformedFileFailsWithTheParsersMessage() throws Exception {
        Run r = run("modules", "log:plugin-standard\nbroken\n");
        assertEquals(1, r.status());
        assertEquals("", r.out());
        assertTrue(r.err().contains("plugin.cfg:2: malformed entry 'broken'"), r.err());
    }

    @Test
    void unknownCommandIsAUsageError() throws Exception {
        Run r = run("list", CFG);
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("usage:"), r.err());
    }
}
