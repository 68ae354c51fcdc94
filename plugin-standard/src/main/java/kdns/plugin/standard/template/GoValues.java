package kdns.plugin.standard.template;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import kdns.plugin.standard.expr.ExprValues;
import kdns.plugin.standard.template.GoTemplate.TemplateException;

/**
 * Go's view of template values: field access on data, maps and nothing; printing as {@code fmt.Sprint}
 * (floats, which {@code var} expressions can give, as Go prints them: {@code 2}, {@code 1e+06}).
 */
final class GoValues {

    /** What Go prints for a missing map key or an absent value. */
    static final String NO_VALUE = "<no value>";

    private GoValues() {
    }

    /** {@code receiver.name}: a data field, or a map entry (null when the key is missing, as Go's "invalid"). */
    static Object field(Object receiver, String name, List<String> chainSoFar) throws TemplateException {
        if (receiver instanceof GoTemplate.Data d) {
            Object v = d.field(name);
            if (v == GoTemplate.MISSING) {
                throw new TemplateException("can't evaluate field " + name + " in type " + typeName(receiver));
            }
            return v;
        }
        if (receiver instanceof Map<?, ?> m) {
            return m.get(name);
        }
        if (receiver == null) {
            throw new TemplateException("nil pointer evaluating ." + String.join(".", chainSoFar));
        }
        throw new TemplateException("can't evaluate field " + name + " in type " + typeName(receiver));
    }

    /** Go's {@code fmt.Sprint} of one value as text/template prints it. */
    static String print(Object v) {
        if (v == null || v == GoTemplate.MISSING) {
            return NO_VALUE;
        }
        if (v instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                sb.append(l.get(i) == null ? "<nil>" : print(l.get(i)));
            }
            return sb.append(']').toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("map[");
            boolean first = true;
            for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
                if (!first) {
                    sb.append(' ');
                }
                first = false;
                sb.append(e.getKey()).append(':').append(e.getValue() == null ? "<nil>" : print(e.getValue()));
            }
            return sb.append(']').toString();
        }
        if (v instanceof Double d) {
            return ExprValues.formatFloat(d);
        }
        return v.toString();
    }

    /** Go's truth: false, 0, "", empty collections and nil are false. */
    static boolean truth(Object v) {
        if (v == null || v == GoTemplate.MISSING) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Double d) {
            return d != 0;
        }
        if (v instanceof Number n) {
            return n.longValue() != 0;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof List<?> l) {
            return !l.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    static String typeName(Object v) {
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Long || v instanceof Integer) {
            return "int";
        }
        if (v instanceof Double) {
            return "float64";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof List<?>) {
            return "[]string";
        }
        if (v instanceof Map<?, ?>) {
            return "map[string]string";
        }
        if (v instanceof GoTemplate.Data d) {
            return "*" + d.getClass().getSimpleName();
        }
        return v == null ? "nil" : v.getClass().getSimpleName();
    }
}
