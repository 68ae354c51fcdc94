package kdns.plugin.standard.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kdns.api.PluginException;
import kdns.testing.TestController;
import org.junit.jupiter.api.Test;

class MetadataPluginTest {

    @Test
    void collectsForTheBlockZonesOrTheGivenOnes() throws Exception {
        TestController c = TestController.of("metadata", List.of("example.org.", "example.net."));
        new MetadataPlugin().setup(c);
        assertEquals(List.of("example.org.", "example.net."), c.metadataZones());
        assertThrows(IllegalStateException.class, () -> c.handler(null), "the server collects; no handler");

        TestController given = TestController.of("metadata Example.COM 10.0.0.0/8", List.of("."));
        new MetadataPlugin().setup(given);
        assertEquals(List.of("example.com.", "10.in-addr.arpa."), given.metadataZones());
    }

    @Test
    void takesNoBlock() {
        PluginException e = assertThrows(PluginException.class,
                () -> new MetadataPlugin().setup(TestController.of("metadata {\n foo\n}")));
        assertTrue(e.getMessage().contains("Wrong argument count"), e.getMessage());
        TestController none = TestController.of("whoami");
        assertNull(none.metadataZones(), "no metadata plugin, nothing collected");
    }
}
