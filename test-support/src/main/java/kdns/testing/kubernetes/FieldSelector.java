package kdns.testing.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed {@code fieldSelector}: comma-separated {@code field=value}, {@code field==value} or
 * {@code field!=value} terms (backslash escapes {@code , = ! \}), limited to the fields the
 * resource supports ({@code metadata.name}, {@code metadata.namespace}, plus e.g.
 * {@code spec.nodeName} and {@code status.phase} for pods), as in Kubernetes.
 */
final class FieldSelector {

    record Term(String field, boolean equal, String value) {}

    static final FieldSelector EVERYTHING = new FieldSelector(List.of());

    private final List<Term> terms;

    private FieldSelector(List<Term> terms) {
        this.terms = List.copyOf(terms);
    }

    List<Term> terms() {
        return terms;
    }

    boolean isEverything() {
        return terms.isEmpty();
    }

    /**
     * Parses a selector for a resource; {@code null} or blank selects everything.
     *
     * @throws IllegalArgumentException naming the bad term or the unsupported field
     */
    static FieldSelector parse(String text, ResourceType type) {
        if (text == null || text.isBlank()) {
            return EVERYTHING;
        }
        List<Term> terms = new ArrayList<>();
        for (String part : splitUnescaped(text, ',')) {
            if (part.isEmpty()) {
                continue;
            }
            int i = indexOfOperator(part);
            if (i < 0) {
                throw new IllegalArgumentException(
                        "invalid selector: '" + text + "'; can't understand '" + part + "'");
            }
            String field = unescape(part.substring(0, i)).trim();
            boolean equal;
            int valueStart;
            if (part.startsWith("!=", i)) {
                equal = false;
                valueStart = i + 2;
            } else if (part.startsWith("==", i)) {
                equal = true;
                valueStart = i + 2;
            } else {
                equal = true;
                valueStart = i + 1;
            }
            String value = unescape(part.substring(valueStart));
            if (type != null && !type.supportsField(field)) {
                throw new IllegalArgumentException("field label not supported: " + field);
            }
            terms.add(new Term(field, equal, value));
        }
        return new FieldSelector(terms);
    }

    boolean matches(ResourceType type, JsonNode object) {
        for (Term t : terms) {
            String have = type.field(object, t.field).orElse(null);
            if (have == null) {
                return false;
            }
            if (have.equals(t.value) != t.equal) {
                return false;
            }
        }
        return true;
    }

    private static int indexOfOperator(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '=' || (c == '!' && i + 1 < s.length() && s.charAt(i + 1) == '=')) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> splitUnescaped(String s, char sep) {
        List<String> out = new ArrayList<>();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                b.append(c).append(s.charAt(++i));
            } else if (c == sep) {
                out.add(b.toString());
                b.setLength(0);
            } else {
                b.append(c);
            }
        }
        out.add(b.toString());
        return out;
    }

    private static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                if (n != ',' && n != '=' && n != '!' && n != '\\') {
                    throw new IllegalArgumentException("invalid field selector: invalid escape"
                            + " sequence: \\" + n);
                }
                b.append(n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
