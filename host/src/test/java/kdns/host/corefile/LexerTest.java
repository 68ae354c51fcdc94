package kdns.host.corefile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LexerTest {

    private static List<String> texts(String content) {
        return Lexer.tokenize("Corefile", content).stream().map(Token::text).toList();
    }

    private static List<Integer> lines(String content) {
        return Lexer.tokenize("Corefile", content).stream().map(Token::line).toList();
    }

    @Test
    void splitsOnWhiteSpaceAndCountsLines() {
        String in = ". {\n    whoami\n\tlog  errors\n}\n";
        assertEquals(List.of(".", "{", "whoami", "log", "errors", "}"), texts(in));
        assertEquals(List.of(1, 1, 2, 3, 3, 4), lines(in));
        assertTrue(Lexer.tokenize("f", in).stream().allMatch(t -> t.file().equals("f")));
    }

    @Test
    void emptyAndBlankInputHaveNoTokens() {
        assertEquals(List.of(), texts(""));
        assertEquals(List.of(), texts(" \n\t\n"));
        assertEquals(List.of(), texts("\uFEFF"));
    }

    @Test
    void leadingByteOrderMarkIsDropped() {
        assertEquals(List.of(".", "{", "}"), texts("\uFEFF. {\n}"));
        // Only at the very start: elsewhere it is an ordinary character.
        assertEquals(List.of("a\uFEFF"), texts("a\uFEFF"));
    }

    @Test
    void carriageReturnIsIgnoredOutsideQuotes() {
        assertEquals(List.of(".", "{", "whoami", "}"), texts(". {\r\n whoami\r\n}\r\n"));
        assertEquals(List.of(1, 1, 2, 3), lines(". {\r\n whoami\r\n}\r\n"));
        assertEquals(List.of("ab"), texts("a\rb"));
    }

    @Test
    void unicodeWhiteSpaceAsGoDefinesIt() {
        assertEquals(List.of("a", "b", "c", "d"), texts("a\u00A0b\u2003c\u3000d"));
        assertEquals(List.of("a\u200Bb"), texts("a\u200Bb"), "zero-width space is not white space");
    }

    @Test
    void quotedTokensKeepSpacesAndOnlyEscapeQuotes() {
        assertEquals(List.of("chaos", "CoreDNS 001", "say \"hi\"", "C:\\dir", ""),
                texts("chaos \"CoreDNS 001\" \"say \\\"hi\\\"\" \"C:\\dir\" \"\""));
        assertEquals(List.of("a\\\\b"), texts("\"a\\\\b\""), "a doubled backslash stays doubled");
    }

    @Test
    void closingQuoteEndsTheToken() {
        assertEquals(List.of("ab", "cd"), texts("\"ab\"cd"));
    }

    @Test
    void quoteInsideAWordIsLiteral() {
        assertEquals(List.of("chaos", "a\"b", "c\"", "ab", "cd"), texts("chaos a\"b c\" \"ab\"cd"));
    }

    @Test
    void multiLineQuotedTokenStartsOnItsFirstLineAndCountsNewlines() {
        List<Token> tokens = Lexer.tokenize("Corefile", "a \"x\ny\nz\" b\nc");
        assertEquals(List.of("a", "x\ny\nz", "b", "c"), tokens.stream().map(Token::text).toList());
        assertEquals(List.of(1, 1, 3, 4), tokens.stream().map(Token::line).toList());
        assertEquals(2, tokens.get(1).newlines());
        assertTrue(tokens.get(1).sameLineAs(tokens.get(2)));
    }

    @Test
    void carriageReturnInsideQuotesIsKept() {
        assertEquals(List.of("a\r\nb"), texts("\"a\r\nb\""));
    }

    @Test
    void unterminatedQuoteAtEndOfInput() {
        assertEquals(List.of("a", "bc"), texts("a \"bc"));
        assertEquals(List.of("a"), texts("a \""), "an empty unterminated quote is no token");
    }

    @Test
    void commentsRunToEndOfLine() {
        String in = "# top\n. { # after\n    whoami # trailing\n    # full\n    log\n}\n";
        assertEquals(List.of(".", "{", "whoami", "log", "}"), texts(in));
        assertEquals(List.of(2, 2, 3, 5, 6), lines(in));
    }

    @Test
    void hashInsideAWordCutsOnlyThatWord() {
        assertEquals(List.of("chaos", "CoreDNS-001"), texts("chaos#note CoreDNS-001"));
        assertEquals(List.of("a", "c"), texts("a#b\nc"));
    }

    @Test
    void hashInsideQuotesIsText() {
        assertEquals(List.of("a#b"), texts("\"a#b\""));
    }

    @Test
    void trailingBackslashIsNotALineContinuation() {
        assertEquals(List.of("forward", ".", "\\", "1.1.1.1"), texts("forward . \\\n1.1.1.1"));
        assertEquals(List.of(1, 1, 1, 2), lines("forward . \\\n1.1.1.1"));
    }

    @Test
    void bracesAreOrdinaryTokens() {
        assertEquals(List.of("a{", "}b", "{", "}"), texts("a{ }b { }"));
    }
}
