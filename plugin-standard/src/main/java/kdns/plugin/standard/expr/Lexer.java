package kdns.plugin.standard.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import kdns.api.text.GoStrings;
import kdns.plugin.standard.expr.Token.Kind;

/** Splits an expression into tokens, as expr-lang's lexer does (comments are dropped). */
final class Lexer {

    /** Words that are operators or keywords, never names. */
    static final Set<String> WORD_OPERATORS = Set.of("not", "in", "or", "and", "matches", "contains", "startsWith",
            "endsWith", "let", "if", "else");

    private static final List<String> TWO_CHAR = List.of("==", "!=", "<=", ">=", "&&", "||", "**", "??", "?.", "..",
            "::");
    private static final String ONE_CHAR = "+-*/%^<>!=,;:?.|&";

    private final String src;
    private final List<Token> out = new ArrayList<>();
    private int p;

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokens(String source) throws ExpressionException {
        Lexer l = new Lexer(source);
        l.run();
        return l.out;
    }

    private ExpressionException error(int at, String detail) {
        return ExpressionException.at(src, at, detail);
    }

    private void run() throws ExpressionException {
        while (p < src.length()) {
            char c = src.charAt(p);
            int start = p;
            if (Character.isWhitespace(c)) {
                p++;
            } else if (src.startsWith("//", p)) {
                int nl = src.indexOf('\n', p);
                p = nl < 0 ? src.length() : nl + 1;
            } else if (src.startsWith("/*", p)) {
                int end = src.indexOf("*/", p + 2);
                if (end < 0) {
                    throw error(start, "unclosed comment");
                }
                p = end + 2;
            } else if (c == '\'' || c == '"') {
                out.add(new Token(Kind.STRING, "", string(c), start));
            } else if (c == '`') {
                int end = src.indexOf('`', p + 1);
                if (end < 0) {
                    throw error(start, "literal not terminated: a string opened by ` is not closed");
                }
                out.add(new Token(Kind.STRING, "", src.substring(p + 1, end), start));
                p = end + 1;
            } else if (isDigit(c) || c == '.' && p + 1 < src.length() && isDigit(src.charAt(p + 1))) {
                number();
            } else if (c == '#') {
                p++;
                while (p < src.length() && isNameChar(src.charAt(p))) {
                    p++;
                }
                out.add(new Token(Kind.POINTER, src.substring(start + 1, p), null, start));
            } else if (isNameStart(c)) {
                while (p < src.length() && isNameChar(src.charAt(p))) {
                    p++;
                }
                String word = src.substring(start, p);
                out.add(new Token(WORD_OPERATORS.contains(word) ? Kind.OPERATOR : Kind.NAME, word, null, start));
            } else if ("()[]{}".indexOf(c) >= 0) {
                p++;
                out.add(new Token(Kind.BRACKET, String.valueOf(c), null, start));
            } else if (p + 1 < src.length() && TWO_CHAR.contains(src.substring(p, p + 2))) {
                p += 2;
                out.add(new Token(Kind.OPERATOR, src.substring(start, p), null, start));
            } else if (ONE_CHAR.indexOf(c) >= 0) {
                p++;
                out.add(new Token(Kind.OPERATOR, String.valueOf(c), null, start));
            } else {
                throw error(start, "unrecognized character " + GoStrings.quote(new String(Character.toChars(
                        src.codePointAt(p)))));
            }
        }
        out.add(new Token(Kind.EOF, "", null, src.length()));
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isNameStart(char c) {
        return c == '_' || c == '$' || Character.isLetter(c);
    }

    static boolean isNameChar(char c) {
        return isNameStart(c) || Character.isDigit(c);
    }

    /** A number: decimal, 0x, 0o or 0b integers and decimal floats, with {@code _} between digits. */
    private void number() throws ExpressionException {
        int start = p;
        String digits = "0123456789_";
        int radix = 10;
        if (src.startsWith("0x", p) || src.startsWith("0X", p)) {
            digits = "0123456789abcdefABCDEF_";
            radix = 16;
            p += 2;
        } else if (src.startsWith("0o", p) || src.startsWith("0O", p)) {
            digits = "01234567_";
            radix = 8;
            p += 2;
        } else if (src.startsWith("0b", p) || src.startsWith("0B", p)) {
            digits = "01_";
            radix = 2;
            p += 2;
        }
        int bodyStart = p;
        skip(digits);
        boolean isFloat = false;
        if (radix == 10 && p < src.length() && src.charAt(p) == '.' && !src.startsWith("..", p)) {
            isFloat = true;
            p++;
            skip(digits);
        }
        if (radix == 10 && p < src.length() && (src.charAt(p) == 'e' || src.charAt(p) == 'E')) {
            isFloat = true;
            p++;
            if (p < src.length() && (src.charAt(p) == '+' || src.charAt(p) == '-')) {
                p++;
            }
            skip(digits);
        }
        if (p < src.length() && isNameChar(src.charAt(p))) {
            throw error(start, "bad number syntax: " + GoStrings.quote(src.substring(start, p + 1)));
        }
        String text = src.substring(start, p);
        String body = src.substring(bodyStart, p).replace("_", "");
        Object value;
        try {
            if (isFloat) {
                value = Double.parseDouble(body);
                if (((Double) value).isInfinite()) {
                    throw error(start, "float literal is too large: " + text);
                }
            } else {
                value = Long.parseLong(body, radix);
            }
        } catch (NumberFormatException e) {
            throw error(start, (isFloat ? "invalid float literal: " : "invalid or too large integer literal: ") + text);
        }
        out.add(new Token(Kind.NUMBER, text, value, start));
    }

    private void skip(String chars) {
        while (p < src.length() && chars.indexOf(src.charAt(p)) >= 0) {
            p++;
        }
    }

    /** A quoted string from {@code src[p]}, with Go's escapes; {@code p} ends after the closing quote. */
    private String string(char quote) throws ExpressionException {
        int start = p;
        p++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (p >= src.length()) {
                throw error(start, "literal not terminated: a string opened by " + quote + " is not closed");
            }
            char c = src.charAt(p);
            if (c == quote) {
                p++;
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                p++;
                continue;
            }
            int esc = p;
            p++;
            if (p >= src.length()) {
                throw error(start, "literal not terminated: a string opened by " + quote + " is not closed");
            }
            char e = src.charAt(p++);
            switch (e) {
                case 'a' -> sb.append((char) 7);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'v' -> sb.append((char) 11);
                case '\\', '\'', '"' -> sb.append(e);
                case 'x' -> sb.append((char) hex(esc, 2));
                case 'u' -> {
                    if (p < src.length() && src.charAt(p) == '{') {
                        int close = src.indexOf('}', p);
                        if (close < 0 || close == p + 1 || close > p + 7) {
                            throw error(esc, "invalid char escape");
                        }
                        sb.appendCodePoint(codePoint(esc, src.substring(p + 1, close)));
                        p = close + 1;
                    } else {
                        sb.appendCodePoint(codePoint(esc, hexText(esc, 4)));
                    }
                }
                case 'U' -> sb.appendCodePoint(codePoint(esc, hexText(esc, 8)));
                case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                    p--;
                    if (p + 3 > src.length()) {
                        throw error(esc, "invalid char escape");
                    }
                    String oct = src.substring(p, p + 3);
                    if (!oct.chars().allMatch(ch -> ch >= '0' && ch <= '7') || Integer.parseInt(oct, 8) > 255) {
                        throw error(esc, "invalid char escape");
                    }
                    sb.append((char) Integer.parseInt(oct, 8));
                    p += 3;
                }
                default -> throw error(esc, "invalid char escape \\" + e);
            }
        }
    }

    private String hexText(int esc, int n) throws ExpressionException {
        if (p + n > src.length()) {
            throw error(esc, "invalid char escape");
        }
        String h = src.substring(p, p + n);
        p += n;
        return h;
    }

    private int hex(int esc, int n) throws ExpressionException {
        String h = hexText(esc, n);
        if (!h.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
            throw error(esc, "invalid char escape");
        }
        return Integer.parseInt(h, 16);
    }

    private int codePoint(int esc, String h) throws ExpressionException {
        if (h.isEmpty() || !h.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
            throw error(esc, "invalid char escape");
        }
        int cp = Integer.parseInt(h, 16);
        if (cp > Character.MAX_CODE_POINT || cp >= 0xD800 && cp <= 0xDFFF) {
            throw error(esc, "invalid char escape: no Unicode code point " + h);
        }
        return cp;
    }
}
