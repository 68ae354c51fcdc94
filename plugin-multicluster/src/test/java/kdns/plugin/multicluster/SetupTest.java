package kdns.plugin.multicluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kdns.api.PluginException;
import kdns.testing.TestController;
import kdns.testing.kubernetes.FakeApiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The directive's syntax and CoreDNS multicluster's validation errors. */
class SetupTest {

    private static MulticlusterPlugin.Config parse(String text) throws PluginException {
        return MulticlusterPlugin.parse(TestController.of(text, List.of("clusterset.local")));
    }

    @Test
    void zonesDefaultToTheServerBlock() throws Exception {
        MulticlusterPlugin.Config c = parse("multicluster");
        assertEquals(List.of("clusterset.local."), c.zones());
        assertNull(c.kubeconfig());
        assertNull(c.endpoint());
        assertFalse(c.noEndpoints());
        assertFalse(c.fallthrough().through("x.clusterset.local."));
    }

    @Test
    void everyOption() throws Exception {
        MulticlusterPlugin.Config c = parse("""
                multicluster clusterset.local example.org {
                    kubeconfig /tmp/kc ctx
                    noendpoints
                    fallthrough example.org
                }""");
        assertEquals(List.of("clusterset.local.", "example.org."), c.zones());
        assertEquals("/tmp/kc", c.kubeconfig());
        assertEquals("ctx", c.kubeContext());
        assertTrue(c.noEndpoints());
        assertTrue(c.fallthrough().through("a.example.org."));
        assertFalse(c.fallthrough().through("a.clusterset.local."));
        MulticlusterPlugin.Config e = parse("multicluster { \n endpoint http://127.0.0.1:8080\n fallthrough \n}");
        assertEquals("http://127.0.0.1:8080", e.endpoint());
        assertTrue(e.fallthrough().through("a.clusterset.local."));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "multicluster {\n kubeconfig\n}",
            "multicluster {\n kubeconfig a b c\n}",
            "multicluster {\n noendpoints x\n}",
            "multicluster {\n endpoint\n}",
            "multicluster {\n endpoint a b\n}"})
    void wrongArgumentCounts(String text) {
        PluginException e = assertThrows(PluginException.class, () -> parse(text));
        assertTrue(e.getMessage().contains("Wrong argument count"), e.getMessage());
        assertTrue(e.getMessage().contains(":2"), "names the line: " + e.getMessage());
    }

    @Test
    void unknownPropertyIsNamed() {
        PluginException e = assertThrows(PluginException.class, () -> parse("multicluster {\n ttl 30\n}"));
        assertTrue(e.getMessage().contains("unknown property 'ttl'"), e.getMessage());
    }

    @Test
    void endpointMustBeAUrl() {
        PluginException e = assertThrows(PluginException.class,
                () -> parse("multicluster {\n endpoint 127.0.0.1:6443\n}"));
        assertTrue(e.getMessage().contains("http:// or https://"), e.getMessage());
    }

    @Test
    void onceperServerBlock() {
        PluginException e = assertThrows(PluginException.class,
                () -> parse("multicluster clusterset.local\nmulticluster other.local"));
        assertTrue(e.getMessage().contains("only be used once"), e.getMessage());
    }

    @Test
    void unreadableKubeconfigFailsSetup(@TempDir Path dir) {
        TestController tc = TestController.of("multicluster {\n kubeconfig " + dir.resolve("missing") + "\n}",
                List.of("clusterset.local"));
        PluginException e = assertThrows(PluginException.class, () -> new MulticlusterPlugin().setup(tc));
        assertTrue(e.getMessage().contains("not a readable file"), e.getMessage());
    }

    @Test
    void unknownContextFailsSetup(@TempDir Path dir) throws Exception {
        try (FakeApiServer api = FakeApiServer.start()) {
            Path kc = api.kubeconfig(dir);
            assertTrue(Files.isRegularFile(kc));
            TestController tc = TestController.of("multicluster {\n kubeconfig " + kc + " nosuchcontext\n}",
                    List.of("clusterset.local"));
            PluginException e = assertThrows(PluginException.class, () -> new MulticlusterPlugin().setup(tc));
            assertTrue(e.getMessage().contains("nosuchcontext"), e.getMessage());
        }
    }
}
