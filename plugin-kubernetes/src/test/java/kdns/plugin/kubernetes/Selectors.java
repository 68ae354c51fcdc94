package kdns.plugin.kubernetes;

import java.util.Map;

/** Equality-based label selectors ({@code a=b,c!=d,e}) as the API server applies them, for index-fed tests. */
final class Selectors {

    private Selectors() {
    }

    static boolean matches(String selector, Map<String, String> labels) {
        if (selector == null || selector.isBlank()) {
            return true;
        }
        for (String term : selector.split(",")) {
            String t = term.strip();
            if (t.contains("!=")) {
                String[] kv = t.split("!=", 2);
                if (kv[1].strip().equals(labels.get(kv[0].strip()))) {
                    return false;
                }
            } else if (t.contains("=")) {
                String[] kv = t.split("==?", 2);
                if (!kv[1].strip().equals(labels.get(kv[0].strip()))) {
                    return false;
                }
            } else if (t.startsWith("!")) {
                if (labels.containsKey(t.substring(1))) {
                    return false;
                }
            } else if (!labels.containsKey(t)) {
                return false;
            }
        }
        return true;
    }
}
