package kdns.host.corefile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorefileParserTest {

    private static final Set<String> DIRECTIVES =
            Set.of("whoami", "log", "errors", "forward", "cache", "chaos", "hosts", "file", "prometheus");

    @TempDir
    Path dir;

    private final List<String> warnings = new ArrayList<>();

    private List<ServerBlock> parse(String corefile) throws CorefileException {
        return parse(corefile, Map.of());
    }

    private List<ServerBlock> parse(String corefile, Map<String, String> env) throws CorefileException {
        return CorefileParser.parse("Corefile", corefile, dir, DIRECTIVES, env, warnings::add);
    }

    private String error(String corefile) {
        return assertThrows(CorefileException.class, () -> parse(corefile)).getMessage();
    }

    private void write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    /** Each directive occurrence as its flattened token texts. */
    private static List<List<String>> directives(ServerBlock b) {
        return b.directives().stream().map(d -> d.tokens().stream().map(Token::text).toList()).toList();
    }

    // --- keys -------------------------------------------------------------------------------

    @Test
    void keysOnTheFirstLine() throws Exception {
        List<ServerBlock> blocks = parse("example.org example.com:1053 {\n    whoami\n}\n");
        assertEquals(1, blocks.size());
        assertEquals(List.of("example.org", "example.com:1053"), blocks.get(0).keys());
        assertEquals(List.of(1, 1), blocks.get(0).keyTokens().stream().map(Token::line).toList());
        assertEquals(List.of(List.of("whoami")), directives(blocks.get(0)));
    }

    @Test
    void trailingCommaContinuesTheKeyListOnTheNextLine() throws Exception {
        ServerBlock b = parse("example.org,\nexample.net {\n whoami\n}\n").get(0);
        assertEquals(List.of("example.org", "example.net"), b.keys());
        assertEquals(List.of("a", "b", "c"), parse("a, b,\nc {\n}\n").get(0).keys());
    }

    @Test
    void commaInsideATokenIsNotASeparator() throws Exception {
        assertEquals(List.of("example.org,example.net"), parse("example.org,example.net {\n}\n").get(0).keys());
    }

    @Test
    void secondKeyLineWithoutCommaIsADirective() {
        assertEquals("Corefile:2 - Error during parsing: Unknown directive 'example.net'",
                error("example.org\nexample.net {\n whoami\n}\n"));
    }

    @Test
    void trailingCommaAtEndOfFile() {
        assertEquals("Corefile:1 - Error during parsing: Unexpected EOF", error("example.org,"));
    }

    @Test
    void trailingCommaBeforeBrace() {
        assertEquals("Corefile:1 - Error during parsing: Expected another address but had '{' - check for extra comma",
                error("example.org, {\n}\n"));
    }

    @Test
    void emptyKeysAreSkippedAndKeylessBlocksDropped() throws Exception {
        assertEquals(List.of(), parse("\"\" {\n    whoami\n}\n"));
        assertEquals(List.of("Corefile:1 - server block ignored: all its keys are empty"
                + " (\"\" or an undefined environment variable)"), warnings);
        assertEquals(List.of("b"), parse("\"\" b {\n}\n").get(0).keys());
    }

    @Test
    void keyOnlyFileIsABlockWithoutDirectives() throws Exception {
        ServerBlock b = parse("example.org").get(0);
        assertEquals(List.of("example.org"), b.keys());
        assertEquals(List.of(), b.directives());
    }

    // --- braces and directive extent ----------------------------------------------------------

    @Test
    void lastBlockMayOmitBraces() throws Exception {
        ServerBlock b = parse("example.org\nwhoami\nlog\n").get(0);
        assertEquals(List.of(List.of("whoami"), List.of("log")), directives(b));
        assertEquals(List.of(2, 3), b.directives().stream().map(ServerBlock.Directive::line).toList());
    }

    @Test
    void strayBraceEndsABracelessBlock() throws Exception {
        List<ServerBlock> blocks = parse("a\nwhoami\n}\nb {\n log\n}\n");
        assertEquals(List.of(List.of("a"), List.of("b")), blocks.stream().map(ServerBlock::keys).toList());
        assertEquals(List.of(List.of("whoami")), directives(blocks.get(0)));
    }

    @Test
    void openingBraceMayBeOnTheNextLine() throws Exception {
        ServerBlock b = parse("example.org\n{\n whoami\n}\n").get(0);
        assertEquals(List.of(List.of("whoami")), directives(b));
    }

    @Test
    void directiveOnTheOpeningBraceLine() throws Exception {
        ServerBlock b = parse(". { whoami\n}\n").get(0);
        assertEquals(List.of(List.of("whoami")), directives(b));
        assertEquals(1, b.directives().get(0).line());
    }

    @Test
    void closingBraceMustStartALine() {
        assertEquals("Corefile:1 - Error during parsing: Unexpected '}' because no matching opening brace",
                error(". { whoami }\n"));
    }

    @Test
    void missingClosingBrace() {
        assertEquals("Corefile:2 - Syntax error: Unexpected token 'whoami', expecting '}'", error(". {\nwhoami\n"));
        assertEquals("Corefile:1 - Syntax error: Unexpected token '{', expecting '}'", error(". {"));
    }

    @Test
    void unclosedDirectiveBlockAtEndOfFile() {
        assertEquals("Corefile:3 - Error during parsing: Unexpected EOF",
                error(". {\n    forward . 1.1.1.1 {\n        max_fails 3\n"));
    }

    @Test
    void directiveBlockMissingItsBraceSwallowsTheServerBrace() throws Exception {
        ServerBlock b = parse(". {\n forward . 1.1.1.1 {\n  max_fails 3\n}\n").get(0);
        assertEquals(List.of(List.of("forward", ".", "1.1.1.1", "{", "max_fails", "3", "}")), directives(b));
        assertEquals(List.of("Corefile:4 - the last '}' closes both a directive's block and the server block:"
                + " a '}' is probably missing"), warnings);
    }

    @Test
    void wellFormedFilesGiveNoWarnings() throws Exception {
        parse(". {\n forward . 1.1.1.1 {\n  max_fails 3\n }\n}\nexample.org\nwhoami\n");
        assertEquals(List.of(), warnings);
    }

    @Test
    void nestedBlocksAndBraceOnTheNextLine() throws Exception {
        ServerBlock b = parse(". {\n forward . 1.1.1.1\n {\n  a { b }\n }\n log\n}\n").get(0);
        assertEquals(List.of(List.of("forward", ".", "1.1.1.1", "{", "a", "{", "b", "}", "}"), List.of("log")),
                directives(b));
    }

    @Test
    void emptyBody() throws Exception {
        assertEquals(List.of(), parse("example.org {\n}\n").get(0).directives());
    }

    @Test
    void unknownDirective() {
        assertEquals("Corefile:3 - Error during parsing: Unknown directive 'foo'", error(". {\n whoami\n foo bar\n}\n"));
        assertEquals("Corefile:2 - Error during parsing: Unknown directive 'Whoami'", error(". {\n Whoami\n}\n"));
    }

    @Test
    void nullDirectiveListAllowsAnyName() throws Exception {
        List<ServerBlock> b = CorefileParser.parse("Corefile", ". {\n anything\n}\n", dir, null, Map.of(), w -> { });
        assertEquals("anything", b.get(0).directives().get(0).name());
    }

    @Test
    void directiveUsedTwiceKeepsBothOccurrencesInSourceOrder() throws Exception {
        ServerBlock b = parse("example.org {\n forward . 10.0.0.1\n log\n forward example.org 10.0.0.2\n log\n}\n").get(0);
        assertEquals(List.of("forward", "log", "forward", "log"),
                b.directives().stream().map(ServerBlock.Directive::name).toList());
        assertEquals(List.of("forward", ".", "10.0.0.1", "forward", "example.org", "10.0.0.2"),
                b.tokensByDirective().get("forward").stream().map(Token::text).toList());
    }

    @Test
    void quotedBraceIsStructural() throws Exception {
        ServerBlock b = parse(". \"{\"\n whoami\n\"}\"\n").get(0);
        assertEquals(List.of(List.of("whoami")), directives(b));
    }

    @Test
    void multiLineQuotedArgumentKeepsTheDirectiveTogether() throws Exception {
        ServerBlock b = parse(". {\n chaos \"a\nb\" c\n log\n}\n").get(0);
        assertEquals(List.of(List.of("chaos", "a\nb", "c"), List.of("log")), directives(b));
    }

    @Test
    void severalBlocks() throws Exception {
        List<ServerBlock> blocks = parse("a {\n whoami\n}\nb {\n log\n}\n");
        assertEquals(2, blocks.size());
        assertEquals(List.of("b"), blocks.get(1).keys());
        assertEquals(5, blocks.get(1).directives().get(0).line());
    }

    // --- snippets ---------------------------------------------------------------------------

    @Test
    void snippetIsSplicedWithItsOwnLines() throws Exception {
        List<ServerBlock> blocks = parse("(common) {\n errors\n log\n}\n. {\n import common\n whoami\n}\n");
        assertEquals(1, blocks.size());
        assertEquals(List.of(List.of("errors"), List.of("log"), List.of("whoami")), directives(blocks.get(0)));
        assertEquals(List.of(2, 3, 7), blocks.get(0).directives().stream().map(ServerBlock.Directive::line).toList());
    }

    @Test
    void snippetWithNestedBlocksAndSnippetInsideSnippet() throws Exception {
        String in = "(inner) {\n max_fails 3\n}\n(outer) {\n forward . 1.1.1.1 {\n  import inner\n }\n}\n. {\n import outer\n}\n";
        assertEquals(List.of(List.of("forward", ".", "1.1.1.1", "{", "max_fails", "3", "}")),
                directives(parse(in).get(0)));
    }

    @Test
    void snippetNeedsBraces() {
        assertEquals("Corefile:2 - Syntax error: Unexpected token 'whoami', expecting '{'", error("(a)\nwhoami\n"));
        assertEquals("Corefile:2 - Syntax error: Unexpected token 'log', expecting '}'", error("(a) {\nlog"));
    }

    @Test
    void snippetRedeclaration() {
        assertEquals("Corefile:3 - Error during parsing: redeclaration of previously declared snippet a",
                error("(a) {\n}\n(a) {\n}\n"));
    }

    @Test
    void snippetUsedBeforeItsDefinitionIsAFile() {
        assertEquals("Corefile:2 - Error during parsing: File to import not found: later",
                error(". {\n import later\n}\n(later) {\n log\n}\n"));
    }

    @Test
    void snippetThatImportsItself() {
        assertEquals("Corefile:3 - Error during parsing: maximum snippet import depth (10000) exceeded",
                error("(loop) {\n    import loop\n}\n. {\n    import loop\n}\n"));
    }

    @Test
    void snippetsImportingEachOtherHitTheLimit() {
        String msg = error("(b) {\n import a\n}\n(a) {\n import b\n}\n. {\n import a\n}\n");
        assertTrue(msg.endsWith("maximum snippet import depth (10000) exceeded"), msg);
    }

    @Test
    void keyThatIsNotOnlyAParenthesisedNameIsNoSnippet() throws Exception {
        assertEquals(List.of("(a)", "b"), parse("(a) b {\n}\n").get(0).keys());
    }

    @Test
    void onlySnippetsMeansNoBlocks() throws Exception {
        assertEquals(List.of(), parse("# nothing\n(unused) {\n log\n}\n"));
    }

    // --- import -----------------------------------------------------------------------------

    @Test
    void importFileInsideABlockCarriesTheAbsolutePath() throws Exception {
        write("common.conf", "errors\nlog\n");
        ServerBlock b = parse(". {\n import common.conf\n whoami\n}\n").get(0);
        assertEquals(List.of(List.of("errors"), List.of("log"), List.of("whoami")), directives(b));
        String abs = dir.toAbsolutePath().normalize().resolve("common.conf").toString();
        assertEquals(List.of(abs, abs, "Corefile"), b.directives().stream().map(d -> d.tokens().get(0).file()).toList());
        assertEquals(List.of(1, 2, 3), b.directives().stream().map(ServerBlock.Directive::line).toList());
    }

    @Test
    void importGlobOfServerBlocksInSortedOrder() throws Exception {
        write("zones/b.conf", "b.example.org {\n whoami\n}\n");
        write("zones/a.conf", "a.example.org {\n log\n}\n");
        List<ServerBlock> blocks = parse("import zones/*.conf\n");
        assertEquals(List.of(List.of("a.example.org"), List.of("b.example.org")),
                blocks.stream().map(ServerBlock::keys).toList());
    }

    @Test
    void globWithoutMatchOnlyWarns() throws Exception {
        List<ServerBlock> blocks = parse("import nothing/*.conf\n. {\n whoami\n}\n");
        assertEquals(1, blocks.size());
        assertEquals(List.of("No files matching import glob pattern: nothing/*.conf"), warnings);
    }

    @Test
    void globWithoutMatchInsideABlockAtItsEnd() throws Exception {
        String abs = dir.toAbsolutePath().normalize().resolve("custom").toString();
        List<ServerBlock> blocks = parse(".:53 {\n    errors\n    whoami\n    import " + abs + "/*.override\n}\nimport "
                + abs + "/*.server\n");
        assertEquals(1, blocks.size());
        assertEquals(List.of(List.of("errors"), List.of("whoami")), directives(blocks.get(0)));
        assertEquals(List.of("No files matching import glob pattern: " + abs + "/*.override",
                "No files matching import glob pattern: " + abs + "/*.server"), warnings);
    }

    @Test
    void missingFileIsAnError() {
        assertEquals("Corefile:2 - Error during parsing: File to import not found: nope.conf",
                error(". {\n import nope.conf\n}\n"));
    }

    @Test
    void importInsideADirectiveBlock() throws Exception {
        write("fwd.conf", "max_fails 3\nexpire 10s\n");
        ServerBlock b = parse(". {\n forward . 10.0.0.1 {\n  import fwd.conf\n }\n}\n").get(0);
        assertEquals(List.of(List.of("forward", ".", "10.0.0.1", "{", "max_fails", "3", "expire", "10s", "}")),
                directives(b));
    }

    @Test
    void importAsAnArgumentIsPlainText() throws Exception {
        assertEquals(List.of(List.of("chaos", "import", "password")), directives(parse(". {\n chaos import password\n}\n").get(0)));
    }

    @Test
    void importArgumentCount() {
        assertEquals("Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'import'",
                error(". {\n import\n}\n"));
        assertEquals("Corefile:2 - Error during parsing: Import takes only one argument (glob pattern or file)",
                error(". {\n import a b\n}\n"));
        assertEquals("Corefile:1 - Error during parsing: Import requires a non-empty filepath", error("import {$NOPE}\n"));
    }

    @Test
    void globWithTwoWildcards() {
        String msg = error("import */*.conf\n");
        String abs = dir.toAbsolutePath().normalize().toString();
        assertEquals("Corefile:1 - Error during parsing: Glob pattern may only contain one wildcard (*), but has others: "
                + abs + "/*/*.conf", msg);
        assertTrue(error("import a??\n").contains("Glob pattern may only contain one wildcard"));
        assertTrue(error("import [ab].conf\n").contains("Glob pattern may only contain one wildcard"));
    }

    @Test
    void unterminatedClassIsABadPattern() {
        assertEquals("Corefile:1 - Error during parsing: Failed to use import pattern a[b: syntax error in pattern",
                error("import a[b\n"));
    }

    @Test
    void importingADirectory() throws Exception {
        Files.createDirectories(dir.resolve("sub"));
        String abs = dir.toAbsolutePath().normalize().resolve("sub").toString();
        assertEquals("Corefile:1 - Error during parsing: Could not import " + abs + ": is a directory",
                error("import sub\n"));
    }

    @Test
    void importingAnEmptyFileFailsAsInCaddy() throws Exception {
        write("empty.conf", "");
        String msg = error(". {\n import empty.conf\n}\n");
        assertTrue(msg.startsWith("Corefile:2 - Error during parsing: Could not read tokens while importing "), msg);
        assertTrue(msg.contains("empty.conf: EOF"), msg);
        write("blank.conf", "\n# nothing\n");
        assertEquals(List.of(List.of("whoami")), directives(parse(". {\n import blank.conf\n whoami\n}\n").get(0)));
    }

    @Test
    void errorsInsideImportedFilesPointIntoThem() throws Exception {
        write("bad.conf", "whoami\nnotaplugin\n");
        String abs = dir.toAbsolutePath().normalize().resolve("bad.conf").toString();
        assertEquals(abs + ":2 - Error during parsing: Unknown directive 'notaplugin'", error(". {\n import bad.conf\n}\n"));
    }

    @Test
    void nestedImportsResolveRelativeToTheImportingFile() throws Exception {
        write("conf/a.conf", "import b.conf\n");
        write("conf/b.conf", "log\n");
        assertEquals(List.of(List.of("log")), directives(parse(". {\n import conf/a.conf\n}\n").get(0)));
    }

    @Test
    void absoluteImportPath() throws Exception {
        write("x.conf", "log\n");
        String abs = dir.toAbsolutePath().resolve("x.conf").toString();
        assertEquals(List.of(List.of("log")), directives(parse(". {\n import " + abs + "\n}\n").get(0)));
    }

    @Test
    void fileThatImportsItselfHitsTheFileLimit() throws Exception {
        write("self.conf", "import self.conf\n");
        String msg = error(". {\n import self.conf\n}\n");
        assertTrue(msg.endsWith("Error during parsing: maximum file import depth (100000) exceeded"), msg);
    }

    // --- environment ------------------------------------------------------------------------

    @Test
    void environmentBothFormsAnywhere() throws Exception {
        ServerBlock b = parse("{$ZONE}:{%PORT%} {\n forward . {%UPSTREAM%}\n}\n",
                Map.of("ZONE", "example.org", "PORT", "1053", "UPSTREAM", "10.0.0.1")).get(0);
        assertEquals(List.of("example.org:1053"), b.keys());
        assertEquals(List.of(List.of("forward", ".", "10.0.0.1")), directives(b));
    }

    @Test
    void environmentValueIsNeverRetokenised() throws Exception {
        ServerBlock b = parse(". {\n chaos {$ARGS} x\n}\n", Map.of("ARGS", "CoreDNS 001 } {")).get(0);
        assertEquals(List.of(List.of("chaos", "CoreDNS 001 } {", "x")), directives(b));
    }

    @Test
    void undefinedBecomesEmptyAndMalformedStays() throws Exception {
        ServerBlock b = parse(". {\n chaos a{$UNDEF}b \"v {$V}\" :{$PORT$} {%ADDRESS} {$} {%%}\n}\n", Map.of("V", "1.2")).get(0);
        assertEquals(List.of(List.of("chaos", "ab", "v 1.2", ":", "{%ADDRESS}", "{$}", "{%%}")), directives(b));
    }

    @Test
    void environmentInDirectiveNameAndImport() throws Exception {
        write("c.conf", "log\n");
        ServerBlock b = parse(". {\n {$D} x\n import {$F}\n}\n", Map.of("D", "chaos", "F", "c.conf")).get(0);
        assertEquals(List.of(List.of("chaos", "x"), List.of("log")), directives(b));
    }

    @Test
    void environmentKeyThatIsEmptyIsSkipped() throws Exception {
        assertEquals(List.of(), parse("{$NOPE} {\n whoami\n}\n"));
    }

    @Test
    void selfReferencingValueTerminates() throws Exception {
        ServerBlock b = parse(". {\n chaos {$A}\n}\n", Map.of("A", "{$A}")).get(0);
        assertEquals("{$A}", b.directives().get(0).tokens().get(1).text());
    }

    @Test
    void defaultCorefile() throws Exception {
        assertEquals(".:1053 {\nwhoami\nlog\n}\n", CorefileParser.defaultCorefile(1053));
        ServerBlock b = parse(CorefileParser.defaultCorefile(53)).get(0);
        assertEquals(List.of(".:53"), b.keys());
        assertEquals(List.of(List.of("whoami"), List.of("log")), directives(b));
    }
}
