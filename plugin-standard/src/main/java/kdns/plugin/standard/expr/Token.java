package kdns.plugin.standard.expr;

import kdns.api.text.GoStrings;
/**
 * One token of an expression.
 *
 * @param text  the operator, bracket or name as written; for a pointer the name after {@code #} ("" for {@code #})
 * @param value the value of a number (Long or Double) or string literal
 * @param pos   where it starts, counted in characters from 0
 */
record Token(Kind kind, String text, Object value, int pos) {

    enum Kind { NUMBER, STRING, NAME, OPERATOR, BRACKET, POINTER, EOF }

    boolean is(Kind k, String t) {
        return kind == k && text.equals(t);
    }

    boolean isOperator(String t) {
        return is(Kind.OPERATOR, t);
    }

    boolean isBracket(String t) {
        return is(Kind.BRACKET, t);
    }

    /** How an error message names this token. */
    String describe() {
        return switch (kind) {
            case EOF -> "the end of the expression";
            case STRING -> "string " + GoStrings.quote((String) value);
            case NUMBER -> "number " + text;
            case POINTER -> "'#" + text + "'";
            default -> "'" + text + "'";
        };
    }
}
