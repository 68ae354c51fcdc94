package kdns.host.corefile;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits Corefile text into tokens exactly like Caddy v1's lexer ({@code caddyfile/lexer.go}).
 *
 * <ul>
 *   <li>A leading byte-order mark is dropped; {@code \r} is ignored outside quotes.</li>
 *   <li>Tokens are separated by white space as Go's {@code unicode.IsSpace} defines it (which,
 *       unlike {@link Character#isWhitespace}, includes no-break spaces).</li>
 *   <li>A {@code "} that starts a token opens a quoted token running to the next unescaped
 *       {@code "}; {@code \"} is the only escape, every other backslash is kept. The closing quote
 *       ends the token at once ({@code "ab"cd} is {@code ab}, {@code cd}).</li>
 *   <li>{@code #} outside quotes skips to the end of the line, but only while reading the current
 *       token: {@code chaos#note CoreDNS-001} yields {@code chaos} and {@code CoreDNS-001}.</li>
 * </ul>
 *
 * A token's line is the line where it starts; {@link Token#newlines()} counts the newlines inside
 * a quoted token so the parser can tell whether the next token is on the same line.
 */
public final class Lexer {

    private final String file;
    private final int[] input;
    private int pos;
    private int line = 1;

    private Lexer(String file, String content) {
        this.file = file;
        this.input = content.codePoints().toArray();
        this.pos = input.length > 0 && input[0] == 0xFEFF ? 1 : 0;
    }

    /** All tokens of {@code content}, each recording {@code file} as its origin. */
    public static List<Token> tokenize(String file, String content) {
        Lexer lexer = new Lexer(file, content);
        List<Token> tokens = new ArrayList<>();
        for (Token t = lexer.next(); t != null; t = lexer.next()) {
            tokens.add(t);
        }
        return tokens;
    }

    /** Go's {@code unicode.IsSpace}: the Latin-1 set spelled out, else the Unicode White_Space property. */
    static boolean isSpace(int cp) {
        if (cp <= 0xFF) {
            return cp == '\t' || cp == '\n' || cp == 0x0B || cp == '\f' || cp == '\r' || cp == ' '
                    || cp == 0x85 || cp == 0xA0;
        }
        return Character.isSpaceChar(cp);
    }

    private Token next() {
        StringBuilder val = new StringBuilder();
        boolean comment = false;
        boolean quoted = false;
        boolean escaped = false;
        int startLine = line;
        while (pos < input.length) {
            int ch = input[pos++];
            if (quoted) {
                if (!escaped) {
                    if (ch == '\\') {
                        escaped = true;
                        continue;
                    }
                    if (ch == '"') {
                        return token(startLine, val);
                    }
                }
                if (ch == '\n') {
                    line++;
                }
                if (escaped && ch != '"') {
                    val.append('\\');
                }
                val.appendCodePoint(ch);
                escaped = false;
                continue;
            }
            if (isSpace(ch)) {
                if (ch == '\r') {
                    continue;
                }
                if (ch == '\n') {
                    line++;
                    comment = false;
                }
                if (!val.isEmpty()) {
                    return token(startLine, val);
                }
                continue;
            }
            if (ch == '#') {
                comment = true;
            }
            if (comment) {
                continue;
            }
            if (val.isEmpty()) {
                startLine = line;
                if (ch == '"') {
                    quoted = true;
                    continue;
                }
            }
            val.appendCodePoint(ch);
        }
        // At end of input a pending word is a token, but an unterminated empty quote is not.
        return val.isEmpty() ? null : token(startLine, val);
    }

    private Token token(int startLine, CharSequence text) {
        return Token.of(file, startLine, text.toString());
    }
}
