package kdns.plugin.standard.expr;

import java.util.List;
import kdns.plugin.standard.golang.GoRegex;

/** A parsed expression: a tree of these, built once by {@link Parser} and run by {@link Interpreter}. */
sealed interface Node {

    /** Where the node's token starts in the source, counted from 0 (for error messages). */
    int pos();

    /** A constant: String, Long, Double, Boolean or null. */
    record Literal(Object value, int pos) implements Node {
    }

    /** {@code [a, b]}. */
    record ArrayOf(List<Node> items, int pos) implements Node {
    }

    /** {@code {a: 1, 'b': 2}}: keys are expressions that must give strings. */
    record MapOf(List<Node> keys, List<Node> values, int pos) implements Node {
    }

    /** A name the caller binds. */
    record Name(String name, int pos) implements Node {
    }

    /** {@code #} (the element a predicate looks at) or {@code #index} (its index). */
    record Element(boolean index, int pos) implements Node {
    }

    /** {@code ! not - +}, with {@code op} one of {@code !}, {@code -}, {@code +}. */
    record Unary(String op, Node operand, int pos) implements Node {
    }

    /**
     * Operators that evaluate both sides: arithmetic, comparisons, {@code in}, {@code contains},
     * {@code startsWith}, {@code endsWith} and {@code ..}.
     */
    record Binary(String op, Node left, Node right, int pos) implements Node {
    }

    /** {@code &&} ({@code and} true) or {@code ||}: the right side runs only when needed. */
    record Logical(boolean and, Node left, Node right, int pos) implements Node {
    }

    /** {@code a ?? b}: {@code b} only when {@code a} is nil. */
    record Coalesce(Node left, Node right, int pos) implements Node {
    }

    /** {@code text matches pattern}; {@code compiled} is set when the pattern is a literal. */
    record Matches(Node text, Node pattern, GoRegex compiled, int pos) implements Node {
    }

    /** {@code cond ? then : otherwise}. */
    record Conditional(Node cond, Node then, Node otherwise, int pos) implements Node {
    }

    /** A call of a function the caller binds. */
    record Call(String name, List<Node> args, int pos) implements Node {
    }

    /** A call of a builtin that takes plain values. */
    record BuiltinCall(Builtins.Builtin builtin, List<Node> args, int pos) implements Node {
    }

    /**
     * {@code any(array, predicate)} and the other builtins that run a predicate for each element;
     * {@code predicate} is null for {@code count(array)} and {@code sum(array)}.
     */
    record PredicateCall(String name, Node array, Node predicate, int pos) implements Node {
    }

    /** {@code target[key]} or {@code target.key}. */
    record Member(Node target, Node key, int pos) implements Node {
    }

    /** {@code target[from:to]}, either end may be null. */
    record Slice(Node target, Node from, Node to, int pos) implements Node {
    }
}
