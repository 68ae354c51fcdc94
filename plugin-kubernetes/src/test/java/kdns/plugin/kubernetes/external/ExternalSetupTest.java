package kdns.plugin.kubernetes.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kdns.api.PluginException;
import kdns.testing.TestController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The k8s_external directive's syntax and CoreDNS's validation errors. */
class ExternalSetupTest {

    private static ExternalConfig parse(String text) throws PluginException {
        return ExternalPlugin.parse(TestController.of(text, List.of("example.org")));
    }

    @Test
    void defaultsTakeTheBlockZones() throws Exception {
        ExternalConfig c = parse("k8s_external");
        assertEquals(List.of("example.org."), c.zones());
        assertEquals("dns", c.apex());
        assertEquals(5, c.ttl());
        assertFalse(c.headless());
        assertFalse(c.fallthrough().through("x.example.org."));
    }

    @Test
    void everyOption() throws Exception {
        ExternalConfig c = parse("""
                k8s_external Example.COM 10.0.0.0/24 {
                    apex mydns
                    ttl 3600
                    headless
                    fallthrough example.com
                }""");
        assertEquals(List.of("example.com.", "0.0.10.in-addr.arpa."), c.zones());
        assertEquals("example.com.", c.firstZone());
        assertEquals("mydns", c.apex());
        assertEquals(3600, c.ttl());
        assertTrue(c.headless());
        assertTrue(c.fallthrough().through("a.b.example.com."));
        assertFalse(c.fallthrough().through("4.0.0.10.in-addr.arpa."));
    }

    @Test
    void fallthroughWithoutZonesCoversEverything() throws Exception {
        assertTrue(parse("k8s_external example.com {\n fallthrough\n}").fallthrough().through("x.example.com."));
    }

    @Test
    void ttlZeroIsAllowed() throws Exception {
        assertEquals(0, parse("k8s_external {\n ttl 0\n}").ttl());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "k8s_external {\\n ttl\\n}|Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'ttl'",
        "k8s_external {\\n ttl -1\\n}|Corefile:2 - Error during parsing: ttl must be in range [0, 3600]: -1",
        "k8s_external {\\n ttl 3601\\n}|Corefile:2 - Error during parsing: ttl must be in range [0, 3600]: 3601",
        "k8s_external {\\n ttl five\\n}|Corefile:2 - Error during parsing: strconv.Atoi: parsing \"five\": invalid syntax",
        "k8s_external {\\n apex\\n}|Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'apex'",
        "k8s_external {\\n headless yes\\n}|Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'yes'",
        "k8s_external {\\n upstream\\n}|Corefile:2 - Error during parsing: unknown property 'upstream'",
        "k8s_external {\\n resync 5m\\n}|Corefile:2 - Error during parsing: unknown property 'resync'",
    })
    void errors(String text, String message) {
        PluginException e = assertThrows(PluginException.class, () -> parse(text.replace("\\n", "\n")));
        assertEquals(message, e.getMessage());
    }

    @Test
    void onlyOncePerBlock() {
        PluginException e = assertThrows(PluginException.class,
                () -> parse("k8s_external example.com\nk8s_external example.net"));
        assertTrue(e.getMessage().contains("this plugin can only be used once per Server Block"), e.getMessage());
    }

    @Test
    void aBlockWithoutKubernetesFailsTheStart() throws Exception {
        TestController c = TestController.of("k8s_external example.com", List.of("example.com"));
        new ExternalPlugin().setup(c);
        c.handler(null);
        Exception e = assertThrows(PluginException.class, c::runStartup);
        assertEquals("Corefile:1 - Error during parsing: k8s_external needs the kubernetes plugin in the same server block",
                e.getMessage());
    }
}
