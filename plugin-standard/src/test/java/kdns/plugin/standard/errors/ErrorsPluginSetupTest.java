package kdns.plugin.standard.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import kdns.api.PluginException;
import kdns.plugin.standard.CapturingSink;
import kdns.testing.TestController;
import org.junit.jupiter.api.Test;

class ErrorsPluginSetupTest {

    private static ErrorsPlugin.Config parse(String text) throws PluginException {
        return ErrorsPlugin.parse(TestController.of(text), new CapturingSink());
    }

    private static String error(String text) {
        return assertThrows(PluginException.class, () -> parse(text)).getMessage();
    }

    @Test
    void plain() throws Exception {
        ErrorsPlugin.Config c = parse("errors");
        assertTrue(c.consolidations().isEmpty());
        assertFalse(c.stacktrace());
        assertTrue(parse("errors stdout").consolidations().isEmpty());
    }

    @Test
    void arguments() {
        assertEquals("Corefile:1 - Error during parsing: invalid log file: stderr", error("errors stderr"));
        assertEquals("Corefile:1 - Error during parsing: Wrong argument count or unexpected line ending after 'b'",
                error("errors a b"));
    }

    @Test
    void oncePerBlock() {
        assertEquals("this plugin can only be used once per Server Block", error("errors\nerrors"));
    }

    @Test
    void stacktrace() throws Exception {
        assertTrue(parse("errors {\n stacktrace\n}").stacktrace());
        assertTrue(error("errors {\n stacktrace yes\n}").contains("Wrong argument count"));
    }

    @Test
    void consolidate() throws Exception {
        ErrorsPlugin.Config c = parse("errors {\n consolidate 5m \".* i/o timeout$\" warning\n"
                + " consolidate 30s \"^Failed to .+\"\n consolidate 1m x show_first\n consolidate 1m y info show_first\n}");
        assertEquals(4, c.consolidations().size());
        Consolidation first = c.consolidations().get(0);
        assertEquals(Duration.ofMinutes(5), first.period());
        assertEquals(".* i/o timeout$", first.pattern().pattern());
        assertEquals(Level.WARNING, first.level());
        assertFalse(first.showFirst());
        assertEquals(Level.ERROR, c.consolidations().get(1).level());
        assertEquals(Level.ERROR, c.consolidations().get(2).level());
        assertTrue(c.consolidations().get(2).showFirst());
        assertEquals(Level.INFO, c.consolidations().get(3).level());
        assertTrue(c.consolidations().get(3).showFirst());
        assertEquals(Level.DEBUG, parse("errors {\n consolidate 1s x debug\n}").consolidations().get(0).level());
    }

    @Test
    void consolidateErrors() {
        assertEquals("Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after '1m'",
                error("errors {\n consolidate 1m\n}"));
        assertTrue(error("errors {\n consolidate 1m x error show_first extra\n}").contains("Wrong argument count"));
        assertEquals("Corefile:2 - Error during parsing: missing unit in duration \"5\"",
                error("errors {\n consolidate 5 x\n}"));
        assertTrue(error("errors {\n consolidate 0s x\n}").contains("must be positive"));
        assertTrue(error("errors {\n consolidate 1m \"(\"\n}").startsWith(
                "Corefile:2 - Error during parsing: error parsing regexp: "));
        assertTrue(error("errors {\n consolidate 1m " + "a".repeat(10_001) + "\n}").contains("longer than 10000"));
        assertEquals("Corefile:2 - Error during parsing: unknown log level argument in consolidate: warn",
                error("errors {\n consolidate 1m x warn\n}"));
        assertEquals("Corefile:2 - Error during parsing: unknown option in consolidate: first, expected show_first",
                error("errors {\n consolidate 1m x warning first\n}"));
    }

    @Test
    void unknownProperty() {
        assertEquals("Corefile:2 - Error during parsing: unknown property 'panicRecoveryStacktrace'",
                error("errors {\n panicRecoveryStacktrace\n}"));
    }

    @Test
    void pluginIdentity() {
        assertEquals("errors", new ErrorsPlugin().name());
        assertFalse(new ErrorsPlugin().description().isBlank());
    }
}
