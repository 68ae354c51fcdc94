package kdns.plugin.standard.expr;

/**
 * An expression that cannot be parsed, or that failed while it ran: the message says what is wrong,
 * where (the column, counted from 1) and in which expression, e.g.
 * {@code unknown name 'nme' at column 1 of "nme() == 'a.'"}. Carries no stack trace: the message is
 * the whole story.
 */
public final class ExpressionException extends Exception {

    public ExpressionException(String message) {
        super(message, null, false, false);
    }

    /** {@code detail at column N of "source"}; {@code pos} counts from 0, and a negative one is left out. */
    static ExpressionException at(String source, int pos, String detail) {
        String where = pos < 0 ? " in " : " at column " + (pos + 1) + " of ";
        return new ExpressionException(detail + where + quote(source));
    }

    /** {@code text} in double quotes, with quotes, backslashes and control characters escaped. */
    static String quote(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
