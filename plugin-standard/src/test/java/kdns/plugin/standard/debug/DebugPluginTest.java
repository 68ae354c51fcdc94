package kdns.plugin.standard.debug;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kdns.api.PluginException;
import kdns.testing.TestController;
import org.junit.jupiter.api.Test;

class DebugPluginTest {

    @Test
    void turnsOnDebuggingForTheBlock() throws Exception {
        TestController c = TestController.of("debug");
        assertFalse(c.debugSet());
        new DebugPlugin().setup(c);
        assertTrue(c.debugSet());
    }

    @Test
    void takesNoArguments() {
        PluginException e = assertThrows(PluginException.class, () -> new DebugPlugin().setup(TestController.of("debug x")));
        assertTrue(e.getMessage().contains("Wrong argument count"), e.getMessage());
    }
}
