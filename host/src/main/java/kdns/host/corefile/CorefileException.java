package kdns.host.corefile;

/**
 * A Corefile the server cannot serve. The message is complete and in CoreDNS's shape
 * ({@code Corefile:3 - Error during parsing: Unknown directive 'foo'}, {@code error inspecting
 * server blocks: ...}, {@code plugin/cache: ...}, {@code cannot serve ... - it is already defined}).
 */
public class CorefileException extends Exception {

    public CorefileException(String message) {
        super(message);
    }

    public CorefileException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code <file>:<line> - Error during parsing: <message>}. */
    public static CorefileException at(Token t, String message) {
        return new CorefileException(t.file() + ":" + t.line() + " - Error during parsing: " + message);
    }

    /** {@code <file>:<line> - Syntax error: Unexpected token '<text>', expecting '<want>'}. */
    public static CorefileException syntax(Token t, String expecting) {
        return new CorefileException(t.file() + ":" + t.line() + " - Syntax error: Unexpected token '"
                + t.text() + "', expecting '" + expecting + "'");
    }
}
