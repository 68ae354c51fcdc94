package kdns.plugin.standard.expr;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The values expressions work with, as expr-lang (Go) sees them: String, Long ({@code int}), Double
 * ({@code float}), Boolean, List ({@code array}), Map with String keys ({@code map}) and null
 * ({@code nil}). Integer and Float from a binding are read as Long and Double.
 */
public final class ExprValues {

    private ExprValues() {
    }

    /** The expr-lang type name of {@code v}: {@code string int float bool array map nil func}. */
    public static String typeName(Object v) {
        if (v == null) {
            return "nil";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return "int";
        }
        if (v instanceof Double || v instanceof Float) {
            return "float";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof List<?>) {
            return "array";
        }
        if (v instanceof Map<?, ?>) {
            return "map";
        }
        if (v instanceof ExprFunction) {
            return "func";
        }
        return v.getClass().getSimpleName();
    }

    /**
     * {@code v} as Go's {@code fmt.Sprint} writes it, which is what expr-lang's {@code string(v)}
     * gives: {@code <nil>}, {@code 1.5}, {@code 1e+06}, {@code [a b]}, {@code map[a:1 b:2]}.
     */
    public static String format(Object v) {
        StringBuilder sb = new StringBuilder();
        format(sb, v);
        return sb.toString();
    }

    private static void format(StringBuilder sb, Object v) {
        v = normalize(v);
        if (v == null) {
            sb.append("<nil>");
        } else if (v instanceof Double d) {
            sb.append(formatFloat(d));
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                format(sb, l.get(i));
            }
            sb.append(']');
        } else if (v instanceof Map<?, ?> m) {
            sb.append("map[");
            boolean first = true;
            for (Map.Entry<String, ?> e : sorted(m).entrySet()) {
                if (!first) {
                    sb.append(' ');
                }
                first = false;
                sb.append(e.getKey()).append(':');
                format(sb, e.getValue());
            }
            sb.append(']');
        } else {
            sb.append(v);
        }
    }

    private static TreeMap<String, Object> sorted(Map<?, ?> m) {
        TreeMap<String, Object> out = new TreeMap<>();
        m.forEach((k, val) -> out.put(String.valueOf(k), val));
        return out;
    }

    /**
     * Go's {@code %v} of a float64 (strconv's shortest {@code 'g'}): plain digits for decimal
     * exponents from -4 to 5, else {@code d.ddde±XX}; {@code +Inf}, {@code -Inf}, {@code NaN}.
     */
    public static String formatFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int exp = digits.length() - bd.scale() - 1; // the decimal exponent of the first digit
        StringBuilder sb = new StringBuilder(d < 0 ? "-" : "");
        if (exp < -4 || exp >= 6) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            int e = Math.abs(exp);
            if (e < 10) {
                sb.append('0');
            }
            return sb.append(e).toString();
        }
        return sb.append(bd.toPlainString()).toString();
    }

    /** Integer, Short and Byte as Long, Float as Double; anything else unchanged. */
    static Object normalize(Object v) {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        return v;
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double;
    }

    /** expr-lang's {@code ==}: numbers by value (1 == 1.0), arrays element by element, maps entry by entry. */
    static boolean equal(Object a, Object b) {
        a = normalize(a);
        b = normalize(b);
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof Long x && b instanceof Long y) {
            return x.longValue() == y.longValue();
        }
        if (isNumber(a) && isNumber(b)) {
            return ((Number) a).doubleValue() == ((Number) b).doubleValue();
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !equal(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** A copy of {@code l} that can be handed out (elements may be null). */
    static List<Object> listOf(List<?> l) {
        return Collections.unmodifiableList(new ArrayList<>(l));
    }
}
