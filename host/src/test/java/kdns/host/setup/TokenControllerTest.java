package kdns.host.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kdns.host.corefile.ServerKey;
import kdns.host.corefile.Token;
import kdns.host.plugins.PluginExtensions;
import org.junit.jupiter.api.Test;

/** Caddy's dispenser semantics, token by token. */
class TokenControllerTest {

    private static TokenController over(Token... tokens) {
        ServerInstance inst = new ServerInstance("Corefile", new kdns.host.metrics.PrometheusMetrics(),
                PluginExtensions.ofClassLoader(TokenControllerTest.class.getClassLoader()));
        BlockConfig block = inst.addBlock(List.of(new ServerKey("dns", "example.org.", 53)));
        return new TokenController(List.of(tokens), "Corefile", block);
    }

    private static Token t(int line, String text) {
        return new Token("Corefile", line, text);
    }

    @Test
    void nextArgStaysOnTheLine() {
        TokenController c = over(t(2, "cache"), t(2, "30"), t(3, "next"));
        assertTrue(c.next());
        assertEquals("cache", c.val());
        assertTrue(c.nextArg());
        assertEquals("30", c.val());
        assertFalse(c.nextArg());
        assertEquals("30", c.val());
        assertTrue(c.nextLine());
        assertEquals("next", c.val());
        assertFalse(c.next());
    }

    @Test
    void remainingArgsStopsBeforeABrace() {
        TokenController c = over(t(1, "forward"), t(1, "."), t(1, "8.8.8.8"), t(1, "{"), t(2, "max_fails"),
                t(2, "3"), t(3, "}"));
        c.next();
        assertEquals(List.of(".", "8.8.8.8"), c.remainingArgs());
        assertTrue(c.nextBlock());
        assertEquals("max_fails", c.val());
        assertEquals(List.of("3"), c.remainingArgs());
        assertFalse(c.nextBlock());
        assertEquals(0, c.nesting());
    }

    @Test
    void nextBlockNeedsTheBraceOnTheDirectiveLine() {
        TokenController c = over(t(1, "log"), t(2, "{"), t(3, "class"), t(4, "}"));
        c.next();
        assertFalse(c.nextBlock());
        assertEquals("log", c.val(), "cursor rolled back");
    }

    @Test
    void emptyBlock() {
        TokenController c = over(t(1, "health"), t(1, "{"), t(2, "}"));
        c.next();
        assertFalse(c.nextBlock());
        assertEquals(0, c.nesting());
    }

    @Test
    void multiLineQuotedTokenKeepsTheNextTokenOnItsLastLine() {
        TokenController c = over(t(1, "chaos"), new Token("Corefile", 1, "a\nb", 1), t(2, "c"));
        c.next();
        assertTrue(c.nextArg());
        assertTrue(c.nextArg(), "c is on the line where the quoted token ended");
        assertEquals("c", c.val());
    }

    @Test
    void errorsCarryFileAndLine() {
        TokenController c = over(t(2, "whoami"), t(2, "extra"));
        c.next();
        c.nextArg();
        assertEquals("Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'extra'",
                c.argErr().getMessage());
        assertEquals("Corefile:2 - Error during parsing: unknown property 'extra'",
                c.err("unknown property 'extra'").getMessage());
        assertEquals("Corefile:2 - Syntax error: Unexpected token 'extra', expecting '{'",
                c.syntaxErr("{").getMessage());
    }

    @Test
    void argErrAtABrace() {
        TokenController c = over(t(1, "x"), t(1, "{"), t(2, "}"));
        c.next();
        c.nextArg();
        assertEquals("Corefile:1 - Error during parsing: Unexpected token '{', expecting argument", c.argErr().getMessage());
    }

    @Test
    void singleArgRequiresOne() throws Exception {
        TokenController c = over(t(1, "ttl"), t(1, "30"));
        c.next();
        assertEquals("30", c.singleArg());
        try {
            c.singleArg();
        } catch (kdns.api.PluginException e) {
            assertTrue(e.getMessage().endsWith("after '30'"), e.getMessage());
            return;
        }
        throw new AssertionError("expected an argument error");
    }

    @Test
    void blockFacts() {
        TokenController c = over(t(1, "x"));
        assertEquals(List.of("dns://example.org.:53"), c.serverBlockKeys());
        assertEquals(List.of("example.org."), c.serverBlockZones());
        assertEquals(53, c.port());
        assertEquals("", c.val());
        assertEquals(0, c.line());
        assertEquals("Corefile", c.file());
    }
}
