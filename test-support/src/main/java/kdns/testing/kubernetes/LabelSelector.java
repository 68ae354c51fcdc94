package kdns.testing.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A parsed {@code labelSelector} with the grammar and semantics of Kubernetes' label selectors:
 * comma-separated requirements, each {@code key}, {@code !key}, {@code key=v}, {@code key==v},
 * {@code key!=v}, {@code key in (a,b)}, {@code key notin (a,b)}, {@code key>n} or {@code key<n}.
 * {@code !=} and {@code notin} also match objects without the label, as they do in Kubernetes.
 */
final class LabelSelector {

    enum Op { EXISTS, DOES_NOT_EXIST, IN, NOT_IN, GT, LT }

    record Requirement(String key, Op op, Set<String> values) {
        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (op) {
                case EXISTS -> v != null;
                case DOES_NOT_EXIST -> v == null;
                case IN -> v != null && values.contains(v);
                case NOT_IN -> v == null || !values.contains(v);
                case GT, LT -> {
                    if (v == null) {
                        yield false;
                    }
                    long have;
                    try {
                        have = Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        yield false;
                    }
                    long want = Long.parseLong(values.iterator().next());
                    yield op == Op.GT ? have > want : have < want;
                }
            };
        }
    }

    private static final Pattern NAME =
            Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    static final LabelSelector EVERYTHING = new LabelSelector(List.of());

    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = List.copyOf(requirements);
    }

    List<Requirement> requirements() {
        return requirements;
    }

    boolean isEverything() {
        return requirements.isEmpty();
    }

    boolean matches(Map<String, String> labels) {
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** Matches an API object by its {@code metadata.labels}. */
    boolean matches(JsonNode object) {
        if (isEverything()) {
            return true;
        }
        return matches(labelsOf(object));
    }

    static Map<String, String> labelsOf(JsonNode object) {
        JsonNode labels = object.path("metadata").path("labels");
        Map<String, String> m = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : labels.properties()) {
            m.put(e.getKey(), e.getValue().asText());
        }
        return m;
    }

    /**
     * Parses a selector; {@code null} or blank selects everything.
     *
     * @throws IllegalArgumentException with a message in the style of the API server
     */
    static LabelSelector parse(String text) {
        if (text == null || text.isBlank()) {
            return EVERYTHING;
        }
        Lexer lx = new Lexer(text);
        List<Requirement> reqs = new ArrayList<>();
        while (true) {
            reqs.add(requirement(lx));
            Token t = lx.next();
            if (t.kind == Kind.END) {
                break;
            }
            if (t.kind != Kind.COMMA) {
                throw new IllegalArgumentException(
                        "found '" + t.text + "', expected: ',' or 'end of string'");
            }
        }
        return new LabelSelector(reqs);
    }

    private static Requirement requirement(Lexer lx) {
        Token t = lx.next();
        boolean negated = false;
        if (t.kind == Kind.NOT) {
            negated = true;
            t = lx.next();
        }
        if (t.kind != Kind.IDENT) {
            throw new IllegalArgumentException(
                    "found '" + t.text + "', expected: !, identifier, or 'end of string'");
        }
        String key = t.text;
        validateKey(key);
        Token op = lx.peek();
        if (negated || op.kind == Kind.COMMA || op.kind == Kind.END) {
            if (negated && !(op.kind == Kind.COMMA || op.kind == Kind.END)) {
                throw new IllegalArgumentException(
                        "found '" + op.text + "', expected: ',' or 'end of string'");
            }
            return new Requirement(key, negated ? Op.DOES_NOT_EXIST : Op.EXISTS, Set.of());
        }
        lx.next();
        switch (op.kind) {
            case EQ, DEQ, NEQ, GT, LT -> {
                Token v = lx.peek();
                String value = "";
                if (v.kind == Kind.IDENT) {
                    lx.next();
                    value = v.text;
                } else if (!(v.kind == Kind.COMMA || v.kind == Kind.END)) {
                    throw new IllegalArgumentException(
                            "found '" + v.text + "', expected: identifier");
                }
                validateValue(value);
                Op o = switch (op.kind) {
                    case NEQ -> Op.NOT_IN;
                    case GT -> Op.GT;
                    case LT -> Op.LT;
                    default -> Op.IN;
                };
                if (o == Op.GT || o == Op.LT) {
                    try {
                        Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("unable to parse requirement: for 'Gt', 'Lt'"
                                + " operators, the value must be an integer: \"" + value + "\"");
                    }
                }
                return new Requirement(key, o, Set.of(value));
            }
            case IN, NOTIN -> {
                Token open = lx.next();
                if (open.kind != Kind.OPEN) {
                    throw new IllegalArgumentException(
                            "found '" + open.text + "', expected: '('");
                }
                Set<String> values = new LinkedHashSet<>();
                while (true) {
                    Token v = lx.peek();
                    String value = "";
                    if (v.kind == Kind.IDENT) {
                        lx.next();
                        value = v.text;
                    }
                    validateValue(value);
                    values.add(value);
                    Token sep = lx.next();
                    if (sep.kind == Kind.CLOSE) {
                        break;
                    }
                    if (sep.kind != Kind.COMMA) {
                        throw new IllegalArgumentException(
                                "found '" + sep.text + "', expected: ',', ')' or identifier");
                    }
                }
                if (values.equals(Set.of(""))) {
                    throw new IllegalArgumentException("unable to parse requirement: for 'in',"
                            + " 'notin' operators, values set can't be empty");
                }
                return new Requirement(key, op.kind == Kind.IN ? Op.IN : Op.NOT_IN, values);
            }
            default -> throw new IllegalArgumentException("found '" + op.text
                    + "', expected: =, !=, ==, in, notin, <, >");
        }
    }

    private static void validateKey(String key) {
        String name = key;
        int slash = key.indexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
                throw new IllegalArgumentException("unable to parse requirement: key: Invalid value: \""
                        + key + "\": prefix part must be a lowercase DNS subdomain");
            }
        }
        if (name.isEmpty() || name.length() > 63 || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("unable to parse requirement: key: Invalid value: \""
                    + key + "\": name part must consist of alphanumeric characters, '-', '_' or '.',"
                    + " and must start and end with an alphanumeric character (at most 63)");
        }
    }

    private static void validateValue(String value) {
        if (!value.isEmpty() && (value.length() > 63 || !NAME.matcher(value).matches())) {
            throw new IllegalArgumentException("unable to parse requirement: values[0]: Invalid value: \""
                    + value + "\": a valid label must be an empty string or consist of alphanumeric"
                    + " characters, '-', '_' or '.', and must start and end with an alphanumeric"
                    + " character (at most 63)");
        }
    }

    @Override
    public String toString() {
        return requirements.toString();
    }

    private enum Kind { IDENT, NOT, EQ, DEQ, NEQ, GT, LT, IN, NOTIN, OPEN, CLOSE, COMMA, END }

    private record Token(Kind kind, String text) {}

    private static final class Lexer {
        private final String s;
        private int pos;
        private Token peeked;

        Lexer(String s) {
            this.s = s;
        }

        Token peek() {
            if (peeked == null) {
                peeked = scan();
            }
            return peeked;
        }

        Token next() {
            Token t = peek();
            peeked = null;
            return t;
        }

        private Token scan() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
            if (pos >= s.length()) {
                return new Token(Kind.END, "end of string");
            }
            char c = s.charAt(pos);
            switch (c) {
                case ',': pos++; return new Token(Kind.COMMA, ",");
                case '(': pos++; return new Token(Kind.OPEN, "(");
                case ')': pos++; return new Token(Kind.CLOSE, ")");
                case '>': pos++; return new Token(Kind.GT, ">");
                case '<': pos++; return new Token(Kind.LT, "<");
                case '!':
                    if (pos + 1 < s.length() && s.charAt(pos + 1) == '=') {
                        pos += 2;
                        return new Token(Kind.NEQ, "!=");
                    }
                    pos++;
                    return new Token(Kind.NOT, "!");
                case '=':
                    if (pos + 1 < s.length() && s.charAt(pos + 1) == '=') {
                        pos += 2;
                        return new Token(Kind.DEQ, "==");
                    }
                    pos++;
                    return new Token(Kind.EQ, "=");
                default:
                    int start = pos;
                    while (pos < s.length() && !isSpecial(s.charAt(pos))) {
                        pos++;
                    }
                    String word = s.substring(start, pos);
                    if (word.equals("in")) {
                        return new Token(Kind.IN, word);
                    }
                    if (word.equals("notin")) {
                        return new Token(Kind.NOTIN, word);
                    }
                    return new Token(Kind.IDENT, word);
            }
        }

        private static boolean isSpecial(char c) {
            return Character.isWhitespace(c) || c == ',' || c == '(' || c == ')' || c == '!'
                    || c == '=' || c == '<' || c == '>';
        }
    }
}
