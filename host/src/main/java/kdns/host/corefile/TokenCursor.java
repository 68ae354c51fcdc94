package kdns.host.corefile;

import java.util.ArrayList;
import java.util.List;

/**
 * A cursor over a mutable token list with Caddy v1's dispenser semantics, which the parser's
 * quirks depend on: the cursor starts before the first token, {@link #next()} never moves past
 * the last token, and "new line" compares a token with the one before it <em>in the list</em>,
 * including tokens spliced in by an import.
 */
final class TokenCursor {

    private final List<Token> tokens;
    private final String fileName;
    private int cursor = -1;

    TokenCursor(List<Token> tokens, String fileName) {
        this.tokens = new ArrayList<>(tokens);
        this.fileName = fileName;
    }

    boolean isEmpty() {
        return tokens.isEmpty();
    }

    /** True when the cursor is on a token (not before the first or past the last after a splice). */
    boolean hasCurrent() {
        return inRange();
    }

    int position() {
        return cursor;
    }

    void moveTo(int position) {
        cursor = position;
    }

    void back() {
        cursor--;
    }

    /** Advances to the next token; false (without moving) at the last one. */
    boolean next() {
        if (cursor < tokens.size() - 1) {
            cursor++;
            return true;
        }
        return false;
    }

    /** Advances only when the next token is on the line the current one ends on. */
    boolean nextArg() {
        if (cursor < 0) {
            cursor++;
            return true;
        }
        if (cursor < tokens.size() - 1 && tokens.get(cursor).sameLineAs(tokens.get(cursor + 1))) {
            cursor++;
            return true;
        }
        return false;
    }

    /**
     * Whether the current token starts a new line: it is the first, comes from another file, or
     * starts below the line where the previous token ends.
     */
    boolean isNewLine() {
        if (cursor < 1) {
            return true;
        }
        if (cursor > tokens.size() - 1) {
            return false;
        }
        Token prev = tokens.get(cursor - 1);
        Token cur = tokens.get(cursor);
        return !prev.file().equals(cur.file()) || prev.line() + prev.newlines() < cur.line();
    }

    /** The current token's text, or "" when the cursor is outside the list. */
    String val() {
        return inRange() ? tokens.get(cursor).text() : "";
    }

    /** The current token; outside the list, an empty token at line 0 of the main file (as Caddy reports). */
    Token current() {
        return inRange() ? tokens.get(cursor) : new Token(fileName, 0, "");
    }

    void replaceCurrent(Token t) {
        tokens.set(cursor, t);
    }

    /** Replaces the tokens in {@code [from, to)} with {@code replacement}. */
    void splice(int from, int to, List<Token> replacement) {
        List<Token> window = tokens.subList(from, to);
        window.clear();
        window.addAll(replacement);
    }

    private boolean inRange() {
        return cursor >= 0 && cursor < tokens.size();
    }
}
