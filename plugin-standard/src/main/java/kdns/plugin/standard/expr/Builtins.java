package kdns.plugin.standard.expr;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import kdns.api.text.GoStrings;

/**
 * expr-lang's builtin functions that kdns implements, with Go's semantics (strings are Go strings:
 * {@code len} counts characters, {@code indexOf} gives a byte offset), and the names of the ones it
 * does not.
 */
final class Builtins {

    /** A builtin taking {@code min} to {@code max} plain arguments ({@code max} -1: any number). */
    record Builtin(String name, int min, int max, Impl impl) {
    }

    /** The body of a builtin; it fails with {@link EvalFailure}. */
    @FunctionalInterface
    interface Impl {
        Object apply(List<Object> args);
    }

    /** Builtins that take an array and a predicate run for each element (the predicate optional for count and sum). */
    static final Set<String> PREDICATES = Set.of("all", "none", "any", "one", "filter", "map", "count", "sum", "find",
            "findIndex", "findLast", "findLastIndex");

    /** Every builtin of expr-lang, including the ones kdns does not implement (reserved names all the same). */
    static final Set<String> EXPR_LANG = Set.of("all", "none", "any", "one", "filter", "map", "find", "findIndex",
            "findLast", "findLastIndex", "count", "sum", "groupBy", "sortBy", "reduce", "len", "type", "abs", "ceil",
            "floor", "round", "int", "float", "string", "trim", "trimPrefix", "trimSuffix", "upper", "lower", "split",
            "splitAfter", "replace", "repeat", "join", "indexOf", "lastIndexOf", "hasPrefix", "hasSuffix", "max", "min",
            "mean", "median", "toJSON", "fromJSON", "toBase64", "fromBase64", "now", "duration", "date", "timezone",
            "first", "last", "get", "take", "keys", "values", "toPairs", "fromPairs", "reverse", "uniq", "concat",
            "flatten", "sort", "bitand", "bitor", "bitxor", "bitnand", "bitnot", "bitshl", "bitshr", "bitushr");

    private static final Pattern INT = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern FLOAT = Pattern.compile(
            "[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?i:inf|infinity)|(?i:nan)");

    static final Map<String, Builtin> PLAIN = new HashMap<>();

    static {
        add("len", 1, 1, a -> len(a.get(0)));
        add("abs", 1, 1, a -> abs(a.get(0)));
        add("ceil", 1, 1, a -> Math.ceil(number("ceil", a.get(0))));
        add("floor", 1, 1, a -> Math.floor(number("floor", a.get(0))));
        add("round", 1, 1, a -> round(number("round", a.get(0))));
        add("int", 1, 1, a -> toInt(a.get(0)));
        add("float", 1, 1, a -> toFloat(a.get(0)));
        add("string", 1, 1, a -> ExprValues.format(a.get(0)));
        add("trim", 1, 2, a -> trim(str("trim", a, 0), a.size() == 1 ? null : str("trim", a, 1)));
        add("trimPrefix", 1, 2, a -> {
            String s = str("trimPrefix", a, 0);
            String prefix = a.size() == 2 ? str("trimPrefix", a, 1) : " ";
            return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
        });
        add("trimSuffix", 1, 2, a -> {
            String s = str("trimSuffix", a, 0);
            String suffix = a.size() == 2 ? str("trimSuffix", a, 1) : " ";
            return s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
        });
        add("upper", 1, 1, a -> str("upper", a, 0).toUpperCase(Locale.ROOT));
        add("lower", 1, 1, a -> str("lower", a, 0).toLowerCase(Locale.ROOT));
        add("split", 2, 3, a -> split(str("split", a, 0), str("split", a, 1), a.size() == 3 ? integer("split", a.get(2))
                : -1, false));
        add("splitAfter", 2, 3, a -> split(str("splitAfter", a, 0), str("splitAfter", a, 1),
                a.size() == 3 ? integer("splitAfter", a.get(2)) : -1, true));
        add("replace", 3, 4, a -> replace(str("replace", a, 0), str("replace", a, 1), str("replace", a, 2),
                a.size() == 4 ? integer("replace", a.get(3)) : -1));
        add("repeat", 2, 2, a -> repeat(str("repeat", a, 0), integer("repeat", a.get(1))));
        add("join", 1, 2, a -> join(a.get(0), a.size() == 2 ? str("join", a, 1) : ""));
        add("indexOf", 2, 2, a -> byteOffset(str("indexOf", a, 0), str("indexOf", a, 0).indexOf(str("indexOf", a, 1))));
        add("lastIndexOf", 2, 2, a -> byteOffset(str("lastIndexOf", a, 0),
                str("lastIndexOf", a, 0).lastIndexOf(str("lastIndexOf", a, 1))));
        add("hasPrefix", 2, 2, a -> str("hasPrefix", a, 0).startsWith(str("hasPrefix", a, 1)));
        add("hasSuffix", 2, 2, a -> str("hasSuffix", a, 0).endsWith(str("hasSuffix", a, 1)));
        add("max", 1, -1, a -> minMax("max", a, true));
        add("min", 1, -1, a -> minMax("min", a, false));
        add("first", 1, 1, a -> {
            List<?> l = list("first", a.get(0));
            return l.isEmpty() ? null : l.get(0);
        });
        add("last", 1, 1, a -> {
            List<?> l = list("last", a.get(0));
            return l.isEmpty() ? null : l.get(l.size() - 1);
        });
        add("get", 2, 2, a -> get(a.get(0), a.get(1)));
        add("take", 2, 2, a -> {
            List<?> l = list("take", a.get(0));
            long n = integer("take", a.get(1));
            return ExprValues.listOf(l.subList(0, (int) Math.max(0, Math.min(n, l.size()))));
        });
        add("reverse", 1, 1, a -> ExprValues.listOf(list("reverse", a.get(0)).reversed()));
        add("concat", 1, -1, a -> {
            List<Object> out = new ArrayList<>();
            for (Object o : a) {
                out.addAll(list("concat", o));
            }
            return ExprValues.listOf(out);
        });
        add("uniq", 1, 1, a -> {
            List<Object> out = new ArrayList<>();
            for (Object o : list("uniq", a.get(0))) {
                if (out.stream().noneMatch(x -> ExprValues.equal(x, o))) {
                    out.add(o);
                }
            }
            return ExprValues.listOf(out);
        });
        add("keys", 1, 1, a -> ExprValues.listOf(new ArrayList<>(map("keys", a.get(0)).keySet())));
        add("values", 1, 1, a -> ExprValues.listOf(new ArrayList<>(map("values", a.get(0)).values())));
    }

    private Builtins() {
    }

    private static void add(String name, int min, int max, Impl impl) {
        PLAIN.put(name, new Builtin(name, min, max, impl));
    }

    /** True for names an expression cannot bind: keywords, literals and every expr-lang builtin. */
    static boolean reserved(String name) {
        return EXPR_LANG.contains(name) || Lexer.WORD_OPERATORS.contains(name) || name.equals("true")
                || name.equals("false") || name.equals("nil");
    }

    static EvalFailure fail(String detail) {
        return new EvalFailure(detail);
    }

    private static String describe(Object v) {
        return ExprValues.typeName(v);
    }

    static String str(String fn, List<Object> args, int i) {
        if (args.get(i) instanceof String s) {
            return s;
        }
        throw fail(fn + ": argument " + (i + 1) + " must be a string, got " + describe(args.get(i)));
    }

    static long integer(String fn, Object v) {
        if (v instanceof Long l) {
            return l;
        }
        throw fail(fn + ": expected an int, got " + describe(v));
    }

    static double number(String fn, Object v) {
        if (v instanceof Long || v instanceof Double) {
            return ((Number) v).doubleValue();
        }
        throw fail("invalid argument for " + fn + " (type " + describe(v) + ")");
    }

    static List<?> list(String fn, Object v) {
        if (v instanceof List<?> l) {
            return l;
        }
        throw fail(fn + ": expected an array, got " + describe(v));
    }

    static Map<?, ?> map(String fn, Object v) {
        if (v instanceof Map<?, ?> m) {
            return m;
        }
        throw fail(fn + ": expected a map, got " + describe(v));
    }

    static Object len(Object v) {
        if (v instanceof String s) {
            return (long) s.codePointCount(0, s.length());
        }
        if (v instanceof List<?> l) {
            return (long) l.size();
        }
        if (v instanceof Map<?, ?> m) {
            return (long) m.size();
        }
        throw fail("invalid argument for len (type " + describe(v) + ")");
    }

    private static Object abs(Object v) {
        if (v instanceof Long l) {
            return Math.abs(l);
        }
        if (v instanceof Double d) {
            return Math.abs(d);
        }
        throw fail("invalid argument for abs (type " + describe(v) + ")");
    }

    /** Go's {@code math.Round}: half away from zero. */
    private static double round(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return d;
        }
        return Math.copySign(new BigDecimal(d).setScale(0, RoundingMode.HALF_UP).doubleValue(), d);
    }

    static Object toInt(Object v) {
        if (v instanceof Long) {
            return v;
        }
        if (v instanceof Double d) {
            return d.longValue();
        }
        if (v instanceof String s) {
            if (INT.matcher(s).matches()) {
                try {
                    return Long.parseLong(s);
                } catch (NumberFormatException e) {
                    // out of range: reported below
                }
            }
            throw fail("invalid operation: int(" + GoStrings.quote(s) + ")");
        }
        throw fail("invalid operation: int(" + describe(v) + ")");
    }

    static Object toFloat(Object v) {
        if (v instanceof Double) {
            return v;
        }
        if (v instanceof Long l) {
            return l.doubleValue();
        }
        if (v instanceof String s) {
            if (FLOAT.matcher(s).matches()) {
                String lower = s.toLowerCase(Locale.ROOT);
                if (lower.contains("nan")) {
                    return Double.NaN;
                }
                if (lower.contains("inf")) {
                    return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                }
                double d = Double.parseDouble(s);
                if (!Double.isInfinite(d)) {
                    return d;
                }
            }
            throw fail("invalid operation: float(" + GoStrings.quote(s) + ")");
        }
        throw fail("invalid operation: float(" + describe(v) + ")");
    }

    /** Go's {@code unicode.IsSpace}. */
    private static boolean isSpace(int cp) {
        return cp >= 9 && cp <= 13 || cp == ' ' || cp == 0x85 || cp == 0xA0 || Character.isSpaceChar(cp);
    }

    /** Go's {@code strings.TrimSpace} ({@code cutset} null) or {@code strings.Trim}. */
    private static String trim(String s, String cutset) {
        int start = 0;
        int end = s.length();
        while (start < end) {
            int cp = s.codePointAt(start);
            if (cutset == null ? !isSpace(cp) : cutset.indexOf(cp) < 0) {
                break;
            }
            start += Character.charCount(cp);
        }
        while (end > start) {
            int cp = s.codePointBefore(end);
            if (cutset == null ? !isSpace(cp) : cutset.indexOf(cp) < 0) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return s.substring(start, end);
    }

    /** Go's {@code strings.SplitN} / {@code SplitAfterN}: n < 0 all parts, n == 0 none, else at most n. */
    private static Object split(String s, String sep, long n, boolean after) {
        List<Object> out = new ArrayList<>();
        if (n == 0) {
            return ExprValues.listOf(out);
        }
        if (sep.isEmpty()) {
            int i = 0;
            while (i < s.length()) {
                if (n > 0 && out.size() == n - 1) {
                    out.add(s.substring(i));
                    return ExprValues.listOf(out);
                }
                int next = i + Character.charCount(s.codePointAt(i));
                out.add(s.substring(i, next));
                i = next;
            }
            return ExprValues.listOf(out);
        }
        int start = 0;
        while (n < 0 || out.size() < n - 1) {
            int at = s.indexOf(sep, start);
            if (at < 0) {
                break;
            }
            out.add(s.substring(start, after ? at + sep.length() : at));
            start = at + sep.length();
        }
        out.add(s.substring(start));
        return ExprValues.listOf(out);
    }

    /**
     * Go's {@code strings.Replace}: at most n replacements (all when n < 0); an empty {@code old}
     * matches before every character and at the end.
     */
    private static String replace(String s, String old, String with, long n) {
        if (old.equals(with) || n == 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder();
        int start = 0;
        long done = 0;
        while (n < 0 || done < n) {
            int at;
            if (old.isEmpty()) {
                if (done > 0) {
                    if (start >= s.length()) {
                        break;
                    }
                    at = start + Character.charCount(s.codePointAt(start));
                } else {
                    at = 0;
                }
            } else {
                at = s.indexOf(old, start);
                if (at < 0) {
                    break;
                }
            }
            sb.append(s, start, at).append(with);
            start = at + old.length();
            done++;
        }
        return sb.append(s, start, s.length()).toString();
    }

    private static String repeat(String s, long n) {
        if (n < 0) {
            throw fail("invalid argument for repeat (expected positive integer, got " + n + ")");
        }
        if (n > 1_000_000 || s.length() * n > 10_000_000) {
            throw fail("repeat: result too large");
        }
        return s.repeat((int) n);
    }

    private static String join(Object v, String sep) {
        List<?> l = list("join", v);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof String s)) {
                throw fail("join: element " + i + " is " + describe(l.get(i)) + ", not a string");
            }
            if (i > 0) {
                sb.append(sep);
            }
            sb.append(s);
        }
        return sb.toString();
    }

    /** The UTF-8 byte offset of char index {@code at} in {@code s} (Go's string indexes), -1 stays -1. */
    private static long byteOffset(String s, int at) {
        return at < 0 ? -1 : s.substring(0, at).getBytes(StandardCharsets.UTF_8).length;
    }

    private static Object minMax(String fn, List<Object> args, boolean max) {
        List<Object> flat = new ArrayList<>();
        flatten(fn, args, flat);
        Object best = null;
        for (Object o : flat) {
            if (!ExprValues.isNumber(o)) {
                throw fail("invalid argument for " + fn + " (type " + describe(o) + ")");
            }
            if (best == null || (max ? Operators.compare(best, o) < 0 : Operators.compare(best, o) > 0)) {
                best = o;
            }
        }
        return best;
    }

    private static void flatten(String fn, List<?> in, List<Object> out) {
        for (Object o : in) {
            if (o instanceof List<?> l) {
                flatten(fn, l, out);
            } else {
                out.add(o);
            }
        }
    }

    private static Object get(Object from, Object key) {
        if (from instanceof List<?> l && key instanceof Long i) {
            long at = i < 0 ? l.size() + i : i;
            return at < 0 || at >= l.size() ? null : l.get((int) at);
        }
        if (from instanceof Map<?, ?> m) {
            return m.get(key);
        }
        if (from == null) {
            return null;
        }
        throw fail("get: cannot get " + describe(key) + " from " + describe(from));
    }

    /** A map literal's map: insertion order, so keys() and printing are stable. */
    static Map<String, Object> newMap() {
        return new LinkedHashMap<>();
    }
}
