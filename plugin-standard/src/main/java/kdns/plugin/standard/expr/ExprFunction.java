package kdns.plugin.standard.expr;

import java.util.List;

/**
 * A function an expression can call by the name it is bound to, e.g. {@code name()} or
 * {@code incidr(ip, cidr)}. It gets the evaluated arguments (plain values: String, Long, Double,
 * Boolean, List, Map or null) and returns one. A failure it throws is reported with the function's
 * name and the expression; its message should say what was wrong with the arguments.
 */
@FunctionalInterface
public interface ExprFunction {

    Object call(List<Object> args) throws ExpressionException;
}
