package kdns.plugin.standard.template;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kdns.plugin.standard.template.GoTemplate.TemplateException;

/** The functions a template may call: CoreDNS's {@code parseInt} and a few of Go's built-ins. */
final class GoFunctions {

    private GoFunctions() {
    }

    static Object call(String name, List<Object> args) throws TemplateException {
        return switch (name) {
            case "parseInt" -> parseInt(args);
            case "index" -> index(args);
            case "len" -> len(args);
            case "print" -> print(args);
            case "printf" -> printf(args);
            case "eq" -> eq(args);
            case "ne" -> {
                need(name, args, 2);
                yield !equal(args.get(0), args.get(1));
            }
            case "not" -> {
                need(name, args, 1);
                yield !GoValues.truth(args.get(0));
            }
            case "and" -> andOr(args, false);
            case "or" -> andOr(args, true);
            default -> throw new TemplateException("function \"" + name + "\" not defined");
        };
    }

    private static void need(String name, List<Object> args, int n) throws TemplateException {
        if (args.size() != n) {
            throw new TemplateException("wrong number of args for " + name + ": want " + n + " got " + args.size());
        }
    }

    /** Go's {@code strconv.ParseUint(s, base, bitSize)}; an error stops the template. */
    private static Object parseInt(List<Object> args) throws TemplateException {
        need("parseInt", args, 3);
        if (!(args.get(0) instanceof String s)) {
            throw new TemplateException("wrong type for value; expected string; got " + GoValues.typeName(args.get(0)));
        }
        long base = integer(args.get(1));
        long bits = integer(args.get(2));
        if (bits == 0) {
            bits = 64;
        }
        if (bits < 0 || bits > 64) {
            throw new TemplateException("strconv.ParseUint: parsing \"" + s + "\": invalid bit size " + bits);
        }
        String digits = s.replace("_", "");
        int radix = (int) base;
        if (base == 0) {
            radix = 10;
            String lower = digits.toLowerCase(Locale.ROOT);
            if (lower.startsWith("0x")) {
                radix = 16;
                digits = digits.substring(2);
            } else if (lower.startsWith("0b")) {
                radix = 2;
                digits = digits.substring(2);
            } else if (lower.startsWith("0o")) {
                radix = 8;
                digits = digits.substring(2);
            } else if (lower.length() > 1 && lower.startsWith("0")) {
                radix = 8;
                digits = digits.substring(1);
            }
        } else if (base < 2 || base > 36) {
            throw new TemplateException("strconv.ParseUint: parsing \"" + s + "\": invalid base " + base);
        } else if (s.contains("_")) {
            throw new TemplateException("strconv.ParseUint: parsing \"" + s + "\": invalid syntax");
        }
        if (digits.isEmpty() || digits.startsWith("+") || digits.startsWith("-")) {
            throw new TemplateException("strconv.ParseUint: parsing \"" + s + "\": invalid syntax");
        }
        BigInteger v;
        try {
            v = new BigInteger(digits, radix);
        } catch (NumberFormatException e) {
            throw new TemplateException("strconv.ParseUint: parsing \"" + s + "\": invalid syntax");
        }
        if (v.bitLength() > bits) {
            throw new TemplateException("strconv.ParseUint: parsing \"" + s + "\": value out of range");
        }
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private static long integer(Object o) throws TemplateException {
        if (o instanceof Long l) {
            return l;
        }
        if (o instanceof Integer i) {
            return i;
        }
        throw new TemplateException("wrong type for value; expected int; got " + GoValues.typeName(o));
    }

    private static Object index(List<Object> args) throws TemplateException {
        if (args.isEmpty()) {
            throw new TemplateException("wrong number of args for index: want at least 1 got 0");
        }
        Object v = args.get(0);
        for (Object key : args.subList(1, args.size())) {
            if (v instanceof List<?> l) {
                long i = integer(key);
                if (i < 0 || i >= l.size()) {
                    throw new TemplateException("error calling index: index out of range: " + i);
                }
                v = l.get((int) i);
            } else if (v instanceof Map<?, ?> m) {
                if (!(key instanceof String)) {
                    throw new TemplateException("error calling index: value has type " + GoValues.typeName(key)
                            + "; should be string");
                }
                Object x = m.get(key);
                v = x == null ? "" : x; // the element type's zero value
            } else {
                throw new TemplateException("error calling index: can't index item of type " + GoValues.typeName(v));
            }
        }
        return v;
    }

    private static Object len(List<Object> args) throws TemplateException {
        need("len", args, 1);
        Object v = args.get(0);
        if (v instanceof String s) {
            return (long) s.getBytes(StandardCharsets.UTF_8).length;
        }
        if (v instanceof List<?> l) {
            return (long) l.size();
        }
        if (v instanceof Map<?, ?> m) {
            return (long) m.size();
        }
        throw new TemplateException("error calling len: len of type " + GoValues.typeName(v));
    }

    /** {@code fmt.Sprint}: a space between operands when neither is a string. */
    private static Object print(List<Object> args) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            if (i > 0 && !(args.get(i - 1) instanceof String) && !(args.get(i) instanceof String)) {
                sb.append(' ');
            }
            sb.append(GoValues.print(args.get(i)));
        }
        return sb.toString();
    }

    /** {@code fmt.Sprintf} for the verbs templates use; other verbs print as Go prints a bad verb. */
    private static Object printf(List<Object> args) throws TemplateException {
        if (args.isEmpty() || !(args.get(0) instanceof String format)) {
            throw new TemplateException("wrong type for value; expected string");
        }
        StringBuilder out = new StringBuilder();
        int next = 1;
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i++);
            if (c != '%') {
                out.append(c);
                continue;
            }
            int start = i;
            while (i < format.length() && "+-# 0123456789".indexOf(format.charAt(i)) >= 0) {
                i++;
            }
            if (i >= format.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            String flags = format.substring(start, i);
            char verb = format.charAt(i++);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (next >= args.size()) {
                out.append("%!").append(verb).append("(MISSING)");
                continue;
            }
            Object a = args.get(next++);
            out.append(switch (verb) {
                case 'v', 's' -> String.format("%" + flags.replace("0", "") + "s", GoValues.print(a));
                case 'q' -> "\"" + GoValues.print(a).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
                case 'd', 'x', 'X', 'o' -> a instanceof Long || a instanceof Integer || a instanceof BigInteger
                        ? String.format("%" + flags + verb, a)
                        : "%!" + verb + "(" + GoValues.typeName(a) + "=" + GoValues.print(a) + ")";
                default -> "%!" + verb + "(" + GoValues.typeName(a) + "=" + GoValues.print(a) + ")";
            });
        }
        if (next < args.size()) {
            out.append("%!(EXTRA ");
            for (int k = next; k < args.size(); k++) {
                out.append(k > next ? ", " : "").append(GoValues.typeName(args.get(k))).append('=')
                        .append(GoValues.print(args.get(k)));
            }
            out.append(')');
        }
        return out.toString();
    }

    private static Object eq(List<Object> args) throws TemplateException {
        if (args.size() < 2) {
            throw new TemplateException("missing argument for comparison");
        }
        for (Object other : args.subList(1, args.size())) {
            if (equal(args.get(0), other)) {
                return true;
            }
        }
        return false;
    }

    private static boolean equal(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.longValue() == y.longValue();
        }
        return a == null ? b == null : a.equals(b);
    }

    private static Object andOr(List<Object> args, boolean or) throws TemplateException {
        if (args.isEmpty()) {
            throw new TemplateException("wrong number of args: want at least 1 got 0");
        }
        for (Object a : args) {
            if (GoValues.truth(a) == or) {
                return a;
            }
        }
        return args.get(args.size() - 1);
    }
}
