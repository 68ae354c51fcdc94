package kdns.plugin.standard.expr;

import kdns.api.text.GoStrings;

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
        return new ExpressionException(detail + where + GoStrings.quote(source));
    }
}
