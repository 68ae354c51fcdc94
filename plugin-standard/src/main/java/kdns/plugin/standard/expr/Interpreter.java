package kdns.plugin.standard.expr;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import kdns.plugin.standard.expr.Node.ArrayOf;
import kdns.plugin.standard.expr.Node.BuiltinCall;
import kdns.plugin.standard.expr.Node.Call;
import kdns.plugin.standard.expr.Node.Coalesce;
import kdns.plugin.standard.expr.Node.Conditional;
import kdns.plugin.standard.expr.Node.Element;
import kdns.plugin.standard.expr.Node.Literal;
import kdns.plugin.standard.expr.Node.Logical;
import kdns.plugin.standard.expr.Node.MapOf;
import kdns.plugin.standard.expr.Node.Matches;
import kdns.plugin.standard.expr.Node.Member;
import kdns.plugin.standard.expr.Node.Name;
import kdns.plugin.standard.expr.Node.PredicateCall;
import kdns.plugin.standard.expr.Node.Slice;
import kdns.plugin.standard.expr.Node.Unary;
import kdns.plugin.standard.golang.GoRegex;

/** Runs a parsed expression against one set of bindings. Not shared between threads: one per evaluation. */
final class Interpreter {

    /** The element a predicate is looking at, and its index. */
    private record Frame(Object element, long index) {
    }

    private final Map<String, Object> bindings;

    Interpreter(Map<String, Object> bindings) {
        this.bindings = bindings;
    }

    Object run(Node root) {
        return eval(root, null);
    }

    private Object eval(Node node, Frame f) {
        try {
            return switch (node) {
                case Literal l -> l.value();
                case ArrayOf a -> {
                    List<Object> out = new ArrayList<>(a.items().size());
                    for (Node item : a.items()) {
                        out.add(eval(item, f));
                    }
                    yield Collections.unmodifiableList(out);
                }
                case MapOf m -> {
                    Map<String, Object> out = Builtins.newMap();
                    for (int i = 0; i < m.keys().size(); i++) {
                        Object key = eval(m.keys().get(i), f);
                        if (!(key instanceof String k)) {
                            throw new EvalFailure("a map key must be a string, got " + ExprValues.typeName(key));
                        }
                        out.put(k, eval(m.values().get(i), f));
                    }
                    yield Collections.unmodifiableMap(out);
                }
                case Name n -> name(n.name());
                case Element e -> e.index() ? (Object) f.index() : f.element();
                case Unary u -> unary(u.op(), eval(u.operand(), f));
                case Node.Binary b -> Operators.binary(b.op(), eval(b.left(), f), eval(b.right(), f));
                case Logical l -> {
                    boolean left = bool(eval(l.left(), f), l.and() ? "&&" : "||");
                    if (l.and() != left) {
                        yield left; // false && ..., true || ...: the right side is not run
                    }
                    yield bool(eval(l.right(), f), l.and() ? "&&" : "||");
                }
                case Coalesce c -> {
                    Object left = eval(c.left(), f);
                    yield left != null ? left : eval(c.right(), f);
                }
                case Matches m -> matches(eval(m.text(), f),
                        m.compiled() != null ? m.compiled() : eval(m.pattern(), f));
                case Conditional c -> bool(eval(c.cond(), f), "?:") ? eval(c.then(), f) : eval(c.otherwise(), f);
                case Call c -> call(c, f);
                case BuiltinCall b -> {
                    List<Object> args = new ArrayList<>(b.args().size());
                    for (Node a : b.args()) {
                        args.add(eval(a, f));
                    }
                    yield ExprValues.normalize(b.builtin().impl().apply(args));
                }
                case PredicateCall p -> predicate(p, f);
                case Member m -> member(eval(m.target(), f), eval(m.key(), f));
                case Slice s -> slice(eval(s.target(), f), s.from() == null ? null : eval(s.from(), f),
                        s.to() == null ? null : eval(s.to(), f));
            };
        } catch (EvalFailure e) {
            throw e.at(node.pos());
        }
    }

    private Object name(String name) {
        Object v = bindings.get(name);
        if (v == null && !bindings.containsKey(name)) {
            throw new EvalFailure("no value is bound to " + name);
        }
        if (v instanceof ExprFunction) {
            throw new EvalFailure(name + " is a function: call it as " + name + "(...)");
        }
        return ExprValues.normalize(v);
    }

    private Object call(Call c, Frame f) {
        Object v = bindings.get(c.name());
        if (!(v instanceof ExprFunction fn)) {
            throw new EvalFailure(v == null && !bindings.containsKey(c.name()) ? "no function is bound to " + c.name()
                    : c.name() + " is " + ExprValues.typeName(v) + ", not a function");
        }
        List<Object> args = new ArrayList<>(c.args().size());
        for (Node a : c.args()) {
            args.add(eval(a, f));
        }
        try {
            return ExprValues.normalize(fn.call(Collections.unmodifiableList(args)));
        } catch (ExpressionException e) {
            throw new EvalFailure(c.name() + ": " + e.getMessage());
        } catch (EvalFailure e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EvalFailure(c.name() + " failed: " + e);
        }
    }

    private static boolean bool(Object v, String op) {
        if (v instanceof Boolean b) {
            return b;
        }
        throw new EvalFailure("operator " + op + " needs true or false, got " + ExprValues.typeName(v));
    }

    private static Object unary(String op, Object v) {
        return switch (op) {
            case "!" -> {
                if (!(v instanceof Boolean b)) {
                    throw new EvalFailure("invalid operation: ! " + ExprValues.typeName(v));
                }
                yield !b;
            }
            case "-" -> Operators.negate(v);
            default -> {
                if (!ExprValues.isNumber(v)) {
                    throw new EvalFailure("invalid operation: + " + ExprValues.typeName(v));
                }
                yield v;
            }
        };
    }

    private static boolean matches(Object text, Object pattern) {
        if (!(text instanceof String s) || !(pattern instanceof String || pattern instanceof GoRegex)) {
            throw Operators.invalid("matches", text, pattern instanceof GoRegex ? "" : pattern);
        }
        GoRegex regex;
        if (pattern instanceof GoRegex r) {
            regex = r;
        } else {
            try {
                regex = GoRegex.compile((String) pattern);
            } catch (IllegalArgumentException e) {
                throw new EvalFailure("invalid regular expression: " + e.getMessage());
            }
        }
        return regex.matches(s);
    }

    private Object predicate(PredicateCall p, Frame outer) {
        String name = p.name();
        List<?> items = Builtins.list(name, eval(p.array(), outer));
        switch (name) {
            case "map" -> {
                List<Object> out = new ArrayList<>(items.size());
                for (int i = 0; i < items.size(); i++) {
                    out.add(eval(p.predicate(), frame(items, i)));
                }
                return Collections.unmodifiableList(out);
            }
            case "sum" -> {
                Object sum = 0L;
                for (int i = 0; i < items.size(); i++) {
                    Object v = p.predicate() == null ? items.get(i) : eval(p.predicate(), frame(items, i));
                    if (!ExprValues.isNumber(ExprValues.normalize(v))) {
                        throw new EvalFailure("sum: " + ExprValues.typeName(v) + " is not a number");
                    }
                    sum = Operators.binary("+", sum, ExprValues.normalize(v));
                }
                return sum;
            }
            default -> {
                return test(p, items);
            }
        }
    }

    private static Frame frame(List<?> items, int i) {
        return new Frame(ExprValues.normalize(items.get(i)), i);
    }

    /** The builtins whose predicate says true or false of each element. */
    private Object test(PredicateCall p, List<?> items) {
        String name = p.name();
        boolean backwards = name.equals("findLast") || name.equals("findLastIndex");
        List<Object> kept = new ArrayList<>();
        long count = 0;
        for (int k = 0; k < items.size(); k++) {
            int i = backwards ? items.size() - 1 - k : k;
            Object item = ExprValues.normalize(items.get(i));
            Object r = p.predicate() == null ? item : eval(p.predicate(), new Frame(item, i));
            if (!(r instanceof Boolean yes)) {
                throw new EvalFailure("the predicate of " + name + " must give true or false, got "
                        + ExprValues.typeName(r) + (p.predicate() == null ? " (an element of the array)" : ""));
            }
            if (!yes) {
                switch (name) {
                    case "all" -> {
                        return false;
                    }
                    default -> {
                    }
                }
                continue;
            }
            count++;
            switch (name) {
                case "any" -> {
                    return true;
                }
                case "none" -> {
                    return false;
                }
                case "one" -> {
                    if (count > 1) {
                        return false;
                    }
                }
                case "find", "findLast" -> {
                    return item;
                }
                case "findIndex", "findLastIndex" -> {
                    return (long) i;
                }
                case "filter" -> kept.add(item);
                default -> {
                }
            }
        }
        return switch (name) {
            case "all", "none" -> true;
            case "any" -> false;
            case "one" -> count == 1;
            case "filter" -> Collections.unmodifiableList(kept);
            case "count" -> count;
            case "findIndex", "findLastIndex" -> -1L;
            default -> null; // find, findLast: nothing found
        };
    }

    private static Object member(Object target, Object key) {
        if (target instanceof List<?> l) {
            if (!(key instanceof Long i)) {
                throw new EvalFailure("an array index must be an int, got " + ExprValues.typeName(key));
            }
            long at = i < 0 ? l.size() + i : i;
            if (at < 0 || at >= l.size()) {
                throw new EvalFailure("index out of range: " + i + " (array length is " + l.size() + ")");
            }
            return ExprValues.normalize(l.get((int) at));
        }
        if (target instanceof Map<?, ?> m) {
            return ExprValues.normalize(m.get(key));
        }
        if (target instanceof String) {
            throw new EvalFailure("cannot index a string: take a slice such as s[0:1]");
        }
        throw new EvalFailure("cannot fetch " + ExprValues.format(key) + " from " + ExprValues.typeName(target));
    }

    /** Go's slice bounds as expr-lang applies them: negative counts from the end, out of range is clamped. */
    private static Object slice(Object target, Object from, Object to) {
        int length;
        if (target instanceof List<?> l) {
            length = l.size();
        } else if (target instanceof String s) {
            length = s.length();
        } else {
            throw new EvalFailure("cannot slice " + ExprValues.typeName(target));
        }
        long a = from == null ? 0 : Builtins.integer("slice", from);
        long b = to == null ? length : Builtins.integer("slice", to);
        a = a < 0 ? Math.max(0, length + a) : a;
        b = b < 0 ? Math.max(0, length + b) : Math.min(b, length);
        a = Math.min(a, b);
        if (target instanceof List<?> l) {
            return ExprValues.listOf(l.subList((int) a, (int) b));
        }
        return ((String) target).substring((int) a, (int) b);
    }
}
