package kdns.plugin.standard.multisocket;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kdns.api.PluginException;
import kdns.testing.TestController;
import org.junit.jupiter.api.Test;

class MultisocketPluginTest {

    @Test
    void acceptedWithOrWithoutACount() throws Exception {
        new MultisocketPlugin().setup(TestController.of("multisocket"));
        new MultisocketPlugin().setup(TestController.of("multisocket " + Runtime.getRuntime().availableProcessors()));
        new MultisocketPlugin().setup(TestController.of("multisocket 1024"));
    }

    @Test
    void setupErrors() {
        for (String[] b : new String[][] {{"multisocket 1 2", "Wrong argument count"},
            {"multisocket 0", "num sockets can not be zero or negative: 0"},
            {"multisocket 1025", "num sockets exceeds maximum (1024): 1025"},
            {"multisocket many", "invalid num sockets"}}) {
            PluginException e = assertThrows(PluginException.class,
                    () -> new MultisocketPlugin().setup(TestController.of(b[0])), b[0]);
            assertTrue(e.getMessage().contains(b[1]), b[0] + ": " + e.getMessage());
        }
    }
}
