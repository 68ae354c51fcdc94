package kdns.plugin.standard.expr;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import kdns.api.text.GoStrings;

/**
 * An expr-lang expression (the language of CoreDNS's {@code view} and of {@code template}'s
 * {@code var} and {@code expr}), parsed once and evaluated as often as needed: evaluation walks the
 * parsed tree and never parses again. Immutable and thread-safe; each evaluation gets its own
 * bindings.
 *
 * <p>Names are resolved when parsing: every name must be one the caller promises to bind, or an
 * expr-lang builtin kdns implements, else {@link #parse} fails naming it and its column. A bound
 * name hides a builtin of the same name (CoreDNS's {@code type()} hides expr-lang's {@code type}).
 * Types are checked when the expression runs.
 */
public final class Expression {

    private final String source;
    private final Node root;

    private Expression(String source, Node root) {
        this.source = source;
        this.root = root;
    }

    /**
     * Parses {@code source}.
     *
     * @param names the variables and functions the caller will bind when evaluating
     * @throws ExpressionException for a syntax error, an unknown name or function, a builtin called
     *                             with the wrong number of arguments or an invalid regular expression
     *                             literal after {@code matches}
     */
    public static Expression parse(String source, Set<String> names) throws ExpressionException {
        Objects.requireNonNull(source, "source");
        return new Expression(source, Parser.parse(source, Set.copyOf(names)));
    }

    /**
     * Runs the expression.
     *
     * @param bindings a value for every name it uses: String, Long, Double, Boolean, List, Map,
     *                 null, or an {@link ExprFunction} for the names called as functions
     * @return String, Long, Double, Boolean, List, Map or null
     * @throws ExpressionException when an operation does not fit its values' types, a function or
     *                             builtin fails, or a bound name has no value
     */
    public Object evaluate(Map<String, Object> bindings) throws ExpressionException {
        try {
            return new Interpreter(bindings).run(root);
        } catch (EvalFailure e) {
            throw ExpressionException.at(source, e.pos, e.getMessage());
        }
    }

    /**
     * Runs the expression as a condition.
     *
     * @throws ExpressionException as {@link #evaluate}, and when the result is not a Boolean
     */
    public boolean test(Map<String, Object> bindings) throws ExpressionException {
        Object v = evaluate(bindings);
        if (v instanceof Boolean b) {
            return b;
        }
        throw new ExpressionException("expression " + GoStrings.quote(source)
                + " must be true or false, got " + ExprValues.typeName(v) + " " + ExprValues.format(v));
    }

    /** The expression as written. */
    public String source() {
        return source;
    }

    /**
     * True when {@code name} cannot name a variable: a keyword or literal of the language
     * ({@code and}, {@code in}, {@code let}, {@code true}, {@code nil}, ...) or one of expr-lang's
     * builtin functions, including those kdns does not implement ({@code len}, {@code now}, ...).
     */
    public static boolean reserved(String name) {
        return Builtins.reserved(name);
    }

    @Override
    public String toString() {
        return source;
    }
}
