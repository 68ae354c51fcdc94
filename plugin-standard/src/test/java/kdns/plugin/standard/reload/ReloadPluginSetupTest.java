package kdns.plugin.standard.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import kdns.api.PluginException;
import kdns.testing.TestController;
import org.junit.jupiter.api.Test;

class ReloadPluginSetupTest {

    private static ReloadPlugin.Config parse(String text) throws PluginException {
        return ReloadPlugin.parse(TestController.of(text));
    }

    private static String error(String text) {
        return assertThrows(PluginException.class, () -> parse(text)).getMessage();
    }

    private static void within(ReloadPlugin.Config c, Duration interval, Duration jitter) {
        assertEquals(interval, c.interval());
        assertEquals(jitter, c.jitter());
        Duration low = interval.minus(jitter.dividedBy(2));
        Duration high = interval.plus(jitter.dividedBy(2));
        assertTrue(c.effective().compareTo(low) >= 0 && c.effective().compareTo(high) <= 0, c.toString());
    }

    @Test
    void defaultsAndArguments() throws Exception {
        within(parse("reload"), Duration.ofSeconds(30), Duration.ofSeconds(15));
        within(parse("reload 10s"), Duration.ofSeconds(10), Duration.ofSeconds(5)); // jitter cut to interval/2
        within(parse("reload 5s 2s"), Duration.ofSeconds(5), Duration.ofSeconds(2));
        within(parse("reload 2s 1s"), Duration.ofSeconds(2), Duration.ofSeconds(1));
        within(parse("reload 1m 90s"), Duration.ofMinutes(1), Duration.ofSeconds(30));
    }

    @Test
    void theJitterMovesTheIntervalRandomly() throws Exception {
        java.util.Set<Duration> seen = new java.util.HashSet<>();
        for (int i = 0; i < 20; i++) {
            seen.add(parse("reload 30s 15s").effective());
        }
        assertTrue(seen.size() > 1, seen.toString());
    }

    @Test
    void errors() {
        assertEquals("Corefile:1 - Error during parsing: interval value must be greater or equal to 2s",
                error("reload 1s"));
        assertEquals("Corefile:1 - Error during parsing: jitter value must be greater or equal to 1s",
                error("reload 5s 500ms"));
        assertTrue(error("reload 5").startsWith("Corefile:1 - Error during parsing: invalid interval '5': "),
                error("reload 5"));
        assertTrue(error("reload 5s x").startsWith("Corefile:1 - Error during parsing: invalid jitter 'x': "));
        assertEquals("Corefile:1 - Error during parsing: Wrong argument count or unexpected line ending after '3s'",
                error("reload 10s 2s 3s"));
        assertEquals("this plugin can only be used once per Server Block", error("reload\nreload 10s"));
        assertTrue(error("reload {\n    x\n}").contains("reload takes no block, found 'x'"));
        assertEquals("Corefile:1 - Error during parsing: interval value must be greater or equal to 2s",
                error("reload -5s"));
    }

    @Test
    void pluginIdentity() {
        assertEquals("reload", new ReloadPlugin().name());
        assertFalse(new ReloadPlugin().description().isBlank());
    }
}
