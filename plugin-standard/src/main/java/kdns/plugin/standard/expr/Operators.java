package kdns.plugin.standard.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * expr-lang's operators on values: Long arithmetic stays Long (wrapping as Go's int does), a Double
 * on either side makes Double, {@code /} always divides as floats, {@code %} takes ints only.
 */
final class Operators {

    /** The largest array {@code a..b} makes. */
    static final int MAX_RANGE = 1_000_000;

    private Operators() {
    }

    static EvalFailure invalid(String op, Object a, Object b) {
        return new EvalFailure("invalid operation: " + ExprValues.typeName(a) + " " + op + " "
                + ExprValues.typeName(b));
    }

    static Object binary(String op, Object a, Object b) {
        return switch (op) {
            case "+" -> add(a, b);
            case "-", "*" -> arithmetic(op, a, b);
            case "/" -> {
                if (!ExprValues.isNumber(a) || !ExprValues.isNumber(b)) {
                    throw invalid(op, a, b);
                }
                yield ((Number) a).doubleValue() / ((Number) b).doubleValue();
            }
            case "%" -> {
                if (!(a instanceof Long x) || !(b instanceof Long y)) {
                    throw invalid(op, a, b);
                }
                if (y == 0) {
                    throw new EvalFailure("integer divide by zero");
                }
                yield x % y;
            }
            case "**", "^" -> {
                if (!ExprValues.isNumber(a) || !ExprValues.isNumber(b)) {
                    throw invalid(op, a, b);
                }
                yield Math.pow(((Number) a).doubleValue(), ((Number) b).doubleValue());
            }
            case "==" -> ExprValues.equal(a, b);
            case "!=" -> !ExprValues.equal(a, b);
            case "<" -> ordered(op, a, b) < 0;
            case "<=" -> ordered(op, a, b) <= 0;
            case ">" -> ordered(op, a, b) > 0;
            case ">=" -> ordered(op, a, b) >= 0;
            case "in" -> in(a, b);
            case "contains" -> strings(op, a, b)[0].contains(strings(op, a, b)[1]);
            case "startsWith" -> strings(op, a, b)[0].startsWith(strings(op, a, b)[1]);
            case "endsWith" -> strings(op, a, b)[0].endsWith(strings(op, a, b)[1]);
            case ".." -> range(a, b);
            default -> throw new IllegalStateException("no operator " + op);
        };
    }

    private static Object add(Object a, Object b) {
        if (a instanceof String x && b instanceof String y) {
            return x + y;
        }
        return arithmetic("+", a, b);
    }

    private static Object arithmetic(String op, Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) {
            return switch (op) {
                case "+" -> x + y;
                case "-" -> x - y;
                default -> x * y;
            };
        }
        if (!ExprValues.isNumber(a) || !ExprValues.isNumber(b)) {
            throw invalid(op, a, b);
        }
        double x = ((Number) a).doubleValue();
        double y = ((Number) b).doubleValue();
        return switch (op) {
            case "+" -> x + y;
            case "-" -> x - y;
            default -> x * y;
        };
    }

    /** Numbers by value, strings by their characters; anything else cannot be ordered. */
    static int compare(Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        if (ExprValues.isNumber(a) && ExprValues.isNumber(b)) {
            return Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue());
        }
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        throw invalid("<", a, b);
    }

    private static int ordered(String op, Object a, Object b) {
        if (a instanceof Double x && x.isNaN() || b instanceof Double y && y.isNaN()) {
            // NaN is neither smaller nor larger than anything: every comparison is false
            return op.startsWith("<") ? 1 : -1;
        }
        try {
            return compare(a, b);
        } catch (EvalFailure e) {
            throw invalid(op, a, b);
        }
    }

    private static String[] strings(String op, Object a, Object b) {
        if (a instanceof String x && b instanceof String y) {
            return new String[] {x, y};
        }
        throw invalid(op, a, b);
    }

    /** {@code needle in haystack}: an element of an array, a key of a map; nothing is in nil. */
    static boolean in(Object needle, Object haystack) {
        if (haystack == null) {
            return false;
        }
        if (haystack instanceof List<?> l) {
            for (Object o : l) {
                if (ExprValues.equal(o, needle)) {
                    return true;
                }
            }
            return false;
        }
        if (haystack instanceof Map<?, ?> m) {
            return m.containsKey(needle);
        }
        throw new EvalFailure("operator \"in\" not defined on " + ExprValues.typeName(haystack)
                + " (it looks for an element of an array or a key of a map; for a substring use contains)");
    }

    private static Object range(Object a, Object b) {
        if (!(a instanceof Long from) || !(b instanceof Long to)) {
            throw invalid("..", a, b);
        }
        long span = to - from; // negative for an empty range, or when it overflows
        if (to >= from && (span < 0 || span >= MAX_RANGE)) {
            throw new EvalFailure("range " + from + ".." + to + " is too large");
        }
        List<Object> out = new ArrayList<>();
        for (long k = 0; to >= from && k <= span; k++) {
            out.add(from + k);
        }
        return ExprValues.listOf(out);
    }

    static Object negate(Object v) {
        if (v instanceof Long l) {
            return -l;
        }
        if (v instanceof Double d) {
            return -d;
        }
        throw new EvalFailure("invalid operation: - " + ExprValues.typeName(v));
    }
}
