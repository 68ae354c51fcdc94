package kdns.plugin.standard.view;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import kdns.api.Request;
import kdns.plugin.standard.expr.Expression;
import kdns.plugin.standard.expr.ExpressionException;
import kdns.plugin.standard.expr.RequestBindings;

/**
 * A view's expressions, all of which must be true. As in CoreDNS, an expression that fails to run,
 * or gives anything but {@code true}, keeps the query out of the view without an error.
 */
record ViewFilter(List<Expression> expressions) implements Predicate<Request> {

    @Override
    public boolean test(Request request) {
        if (expressions.isEmpty()) {
            return true;
        }
        Map<String, Object> bindings = RequestBindings.of(request);
        for (Expression e : expressions) {
            Object result;
            try {
                result = e.evaluate(bindings);
            } catch (ExpressionException ex) {
                return false;
            }
            if (!Boolean.TRUE.equals(result)) {
                return false;
            }
        }
        return true;
    }
}
