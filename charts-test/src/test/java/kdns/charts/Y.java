package kdns.charts;

import java.util.List;
import java.util.Map;

/** Dotted paths into parsed YAML (maps and lists; a number selects a list element). */
final class Y {
    private Y() {
    }

    static Object at(Object root, String path) {
        Object cur = root;
        for (String part : path.split("\\.")) {
            if (cur instanceof Map<?, ?> m) {
                cur = m.get(part);
            } else if (cur instanceof List<?> l && part.matches("\\d+")) {
                int i = Integer.parseInt(part);
                cur = i < l.size() ? l.get(i) : null;
            } else {
                return null;
            }
        }
        return cur;
    }

    static String str(Object root, String path) {
        Object v = at(root, path);
        return v == null ? null : String.valueOf(v);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object root, String path) {
        Object v = at(root, path);
        if (!(v instanceof Map)) {
            throw new AssertionError(path + " is not a map: " + v);
        }
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object root, String path) {
        Object v = at(root, path);
        if (!(v instanceof List)) {
            throw new AssertionError(path + " is not a list: " + v);
        }
        return (List<Object>) v;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Object root, String path) {
        return (List<Map<String, Object>>) (List<?>) list(root, path);
    }
}
