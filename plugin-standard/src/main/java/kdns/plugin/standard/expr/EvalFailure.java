package kdns.plugin.standard.expr;

/**
 * A failure while an expression runs, before {@link Expression} turns it into an
 * {@link ExpressionException} that names the expression. {@code pos} is where it happened, -1 until
 * the node that failed sets it. No stack trace: it is an ordinary outcome.
 */
final class EvalFailure extends RuntimeException {

    final int pos;

    EvalFailure(String detail) {
        this(detail, -1);
    }

    private EvalFailure(String detail, int pos) {
        super(detail, null, false, false);
        this.pos = pos;
    }

    /** This failure located at {@code at}, unless it already knows where it happened. */
    EvalFailure at(int at) {
        return pos >= 0 ? this : new EvalFailure(getMessage(), at);
    }
}
