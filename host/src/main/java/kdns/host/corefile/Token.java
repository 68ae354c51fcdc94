package kdns.host.corefile;

/**
 * One Corefile token.
 *
 * @param file     the file it came from: the Corefile path as given, or an imported file's absolute path
 * @param line     the line it starts on (1-based)
 * @param text     the token's text, quotes removed and environment variables substituted
 * @param newlines how many newlines the token itself contains (a quoted multi-line token), used to
 *                 decide whether the next token is on the same line
 */
public record Token(String file, int line, String text, int newlines) {

    public Token(String file, int line, String text) {
        this(file, line, text, 0);
    }

    /** A token whose {@code newlines} are counted from its text, as Caddy's dispenser counts them. */
    public static Token of(String file, int line, String text) {
        return new Token(file, line, text, newlinesIn(text));
    }

    /**
     * The same token with another text (after environment substitution). The newline count
     * follows the new text because Caddy counts line breaks in the substituted value.
     */
    public Token withText(String newText) {
        return newText.equals(text) ? this : new Token(file, line, newText, newlinesIn(newText));
    }

    private static int newlinesIn(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    /** True when {@code next} starts on the line this token ends on. */
    public boolean sameLineAs(Token next) {
        return file.equals(next.file) && line + newlines == next.line;
    }
}
