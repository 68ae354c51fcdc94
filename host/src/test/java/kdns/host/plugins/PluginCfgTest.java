package kdns.host.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PluginCfgTest {

    @Test
    void inTreeAndExternalEntriesWithComments() {
        PluginCfg cfg = PluginCfg.parse("plugin.cfg", """
                # chain order
                log:plugin-standard   # trailing comment
                hello:com.example:kdns-hello:1.0

                whoami:plugin-standard
                """);
        assertEquals(List.of("log", "hello", "whoami"), cfg.names());
        assertEquals(Set.of("plugin-standard", "kdns-hello"), cfg.modules());
        assertTrue(cfg.entries().get(1).external());
        assertEquals("com.example:kdns-hello:1.0", cfg.entries().get(1).coordinates());
        assertEquals(3, cfg.entries().get(1).line());
    }

    @Test
    void malformedLinesNameFileAndLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PluginCfg.parse("plugin.cfg", "log:plugin-standard\nbroken\n"));
        assertTrue(e.getMessage().startsWith("plugin.cfg:2: malformed entry 'broken'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PluginCfg.parse("p", "a:b:c\n"));
        assertTrue(e.getMessage().contains("expected name:module"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PluginCfg.parse("p", "Log:x\n"));
        assertTrue(e.getMessage().contains("lower-case"), e.getMessage());
    }

    @Test
    void duplicateNameIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PluginCfg.parse("plugin.cfg", "log:a\nlog:b\n"));
        assertEquals("plugin.cfg:2: plugin 'log' is listed twice", e.getMessage());
    }
}
