package kdns.plugin.standard.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import kdns.api.PluginException;
import kdns.plugin.standard.CapturingSink;
import kdns.testing.TestController;
import org.junit.jupiter.api.Test;

class HealthPluginSetupTest {

    private static HealthPlugin.Config parse(String text) throws PluginException {
        return HealthPlugin.parse(TestController.of(text));
    }

    private static String error(String text) {
        return assertThrows(PluginException.class, () -> parse(text)).getMessage();
    }

    @Test
    void addresses() throws Exception {
        HealthPlugin.Config c = parse("health");
        assertEquals(":8080", c.address().text());
        assertEquals(Duration.ZERO, c.lameduck());
        assertEquals("localhost:1234", parse("health localhost:1234").address().text());
        assertEquals(1234, parse("health [::1]:1234").address().port());
    }

    @Test
    void lameduck() throws Exception {
        assertEquals(Duration.ofSeconds(4), parse("health localhost:1234 {\n    lameduck 4s\n}").lameduck());
        assertEquals(Duration.ofMillis(1500), parse("health {\n    lameduck 1.5s\n}").lameduck());
    }

    @Test
    void errors() {
        assertEquals("Corefile:1 - Error during parsing: address bla: missing port in address", error("health bla"));
        assertEquals("Corefile:1 - Error during parsing: Wrong argument count or unexpected line ending after 'bla'",
                error("health bla bla"));
        assertTrue(error("health bla:a").contains("invalid port \"a\""));
        assertTrue(error("health 127.0.0.1:0").contains("invalid port \"0\""));
        assertTrue(error("health localhost:1234 {\n    lameduck a\n}").startsWith(
                "Corefile:2 - Error during parsing: unable to parse lameduck duration value: 'a' : "));
        assertEquals("Corefile:2 - Error during parsing: unknown property 'lamedudk'",
                error("health localhost:1234 {\n    lamedudk 4\n}"));
        assertEquals("Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'lameduck'",
                error("health {\n    lameduck\n}"));
        assertTrue(error("health {\n    lameduck 1s 2s\n}").contains("Wrong argument count"));
        assertTrue(error("health {\n    lameduck -1s\n}").contains("must not be negative"));
        assertEquals("this plugin can only be used once per Server Block", error("health :8080\nhealth :8081"));
    }

    @Test
    void oneBlockPerAddressInAnInstance() throws Exception {
        TestController first = TestController.of("health 127.0.0.1:18080");
        new HealthPlugin(new CapturingSink()).setup(first);

        TestController second = TestController.nextBlock(first, "health 127.0.0.1:18080");
        PluginException e = assertThrows(PluginException.class, () -> new HealthPlugin(new CapturingSink())
                .setup(second));
        assertTrue(e.getMessage().startsWith("Corefile:1 - Error during parsing: health address 127.0.0.1:18080 is "
                + "already used by server block 1"), e.getMessage());

        TestController other = TestController.nextBlock(first, "health 127.0.0.1:18081");
        new HealthPlugin(new CapturingSink()).setup(other);
    }

    @Test
    void claims() {
        HealthPlugin.Claims claims = new HealthPlugin.Claims();
        assertNull(claims.claim("a", 0));
        assertNull(claims.claim("a", 0), "the same block may claim again");
        assertEquals(0, claims.claim("a", 2));
        assertNull(claims.claim("b", 2));
    }

    @Test
    void pluginIdentity() {
        assertEquals("health", new HealthPlugin().name());
        assertFalse(new HealthPlugin().description().isBlank());
    }
}
