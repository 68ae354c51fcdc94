package kdns.plugin.standard.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The part of Go's {@code text/template} that CoreDNS's template plugin users write, parsed once at
 * setup and executed per query: text with {@code {{ }}} actions holding a pipeline of commands
 * ({@code .Name}, {@code .Group.a}, {@code .Message.RecursionDesired}, {@code index .Match 1},
 * {@code parseInt .Group.b 16 8}, {@code .Meta "kubernetes/client-namespace"}, string and number
 * literals, parentheses, {@code |} pipes), trim markers ({@code {{-} and {@code -}}}) and comments.
 * Control structures ({@code if}, {@code range}, {@code with}, {@code define}, variables) are not
 * part of the subset: they are refused at setup with a message naming them, never rendered wrongly.
 *
 * <p>Functions: {@code parseInt} (Go's {@code strconv.ParseUint(s, base, bits)}), and Go's
 * built-ins {@code index}, {@code len}, {@code print}, {@code printf} (verbs {@code %s %d %v %x %X
 * %o %q %%} with flags and width), {@code eq}, {@code ne}, {@code not}, {@code and}, {@code or}.
 */
final class GoTemplate {

    /** A template that does not parse, or an execution that fails (Go's template errors). */
    static final class TemplateException extends Exception {
        TemplateException(String message) {
            super(message, null, false, false);
        }
    }

    /** What a template's data offers: fields by Go name, and methods called with arguments. */
    interface Data {
        /** The field's value, or {@link #MISSING} when there is no such field. */
        Object field(String name);

        /** Calls a method such as {@code Meta}; {@link #MISSING} when there is no such method. */
        default Object call(String name, List<Object> args) throws TemplateException {
            return MISSING;
        }
    }

    /** "No such field or method". */
    static final Object MISSING = new Object();

    private sealed interface Node permits Text, Action {
    }

    private record Text(String text) implements Node {
    }

    private record Action(Pipeline pipeline) implements Node {
    }

    private record Pipeline(List<Command> commands) {
    }

    private record Command(List<Operand> operands) {
    }

    private sealed interface Operand permits Field, Literal, Function, Sub {
    }

    /** {@code .} (empty chain) or {@code .A.B}. */
    private record Field(List<String> chain) implements Operand {
    }

    private record Literal(Object value) implements Operand {
    }

    private record Function(String name) implements Operand {
    }

    private record Sub(Pipeline pipeline) implements Operand {
    }

    private static final List<String> FUNCTIONS = List.of("parseInt", "index", "len", "print", "printf", "eq", "ne",
            "not", "and", "or");
    private static final List<String> UNSUPPORTED = List.of("if", "else", "end", "range", "with", "define", "template",
            "block", "break", "continue", "call", "slice", "html", "js", "urlquery", "println", "lt", "le", "gt", "ge");

    private final String source;
    private final List<Node> nodes;

    private GoTemplate(String source, List<Node> nodes) {
        this.source = source;
        this.nodes = nodes;
    }

    /** The text it was parsed from (the {@code template} label of the failure metrics). */
    String source() {
        return source;
    }

    /** Parses {@code text}; the error says what is wrong and where. */
    static GoTemplate parse(String text) throws TemplateException {
        List<Node> nodes = new ArrayList<>();
        int p = 0;
        boolean trimNextText = false;
        while (p < text.length()) {
            int open = text.indexOf("{{", p);
            String literal = open < 0 ? text.substring(p) : text.substring(p, open);
            if (trimNextText) {
                literal = literal.stripLeading();
            }
            if (open < 0) {
                addText(nodes, literal);
                break;
            }
            boolean trimLeft = text.startsWith("{{- ", open);
            if (trimLeft) {
                literal = literal.stripTrailing();
            }
            addText(nodes, literal);
            int close = text.indexOf("}}", open + 2);
            if (close < 0) {
                throw new TemplateException("unclosed action");
            }
            boolean trimRight = close >= 2 && text.startsWith(" -}}", close - 2);
            int from = open + (trimLeft ? 3 : 2);
            int to = trimRight ? close - 2 : close;
            String inside = from <= to ? text.substring(from, to).strip() : "";
            if (inside.startsWith("/*")) {
                if (!inside.endsWith("*/")) {
                    throw new TemplateException("unclosed comment");
                }
            } else {
                if (inside.isEmpty()) {
                    throw new TemplateException("missing value for command");
                }
                Lexer lexer = new Lexer(inside);
                Pipeline pl = lexer.pipeline();
                if (!lexer.atEnd()) {
                    throw new TemplateException("unexpected \"" + lexer.rest() + "\" in command");
                }
                nodes.add(new Action(pl));
            }
            trimNextText = trimRight;
            p = close + 2;
        }
        return new GoTemplate(text, List.copyOf(nodes));
    }

    private static void addText(List<Node> nodes, String s) {
        if (!s.isEmpty()) {
            nodes.add(new Text(s));
        }
    }

    /** Renders the template over {@code data}. */
    String execute(Data data) throws TemplateException {
        StringBuilder out = new StringBuilder();
        for (Node n : nodes) {
            if (n instanceof Text t) {
                out.append(t.text());
            } else {
                out.append(GoValues.print(eval(((Action) n).pipeline(), data)));
            }
        }
        return out.toString();
    }

    private Object eval(Pipeline p, Data data) throws TemplateException {
        Object previous = MISSING;
        for (Command c : p.commands()) {
            previous = eval(c, data, previous);
        }
        return previous;
    }

    /** One command; {@code piped} is the previous command's result, appended as the last argument. */
    private Object eval(Command c, Data data, Object piped) throws TemplateException {
        List<Operand> ops = c.operands();
        Operand first = ops.get(0);
        List<Object> args = new ArrayList<>();
        for (int i = 1; i < ops.size(); i++) {
            args.add(operand(ops.get(i), data));
        }
        if (piped != MISSING) {
            args.add(piped);
        }
        if (first instanceof Function f) {
            return GoFunctions.call(f.name(), args);
        }
        if (first instanceof Field field && !field.chain().isEmpty() && !args.isEmpty()) {
            return method(field, data, args);
        }
        if (!args.isEmpty()) {
            throw new TemplateException("can't give argument to non-function " + describe(first));
        }
        return operand(first, data);
    }

    private Object operand(Operand o, Data data) throws TemplateException {
        return switch (o) {
            case Literal l -> l.value();
            case Sub s -> eval(s.pipeline(), data);
            case Function f -> GoFunctions.call(f.name(), List.of());
            case Field f -> resolve(f.chain(), data, f.chain().size());
        };
    }

    /** {@code .A.B.Meta "x"}: the chain up to the last name, then the method call. */
    private Object method(Field f, Data data, List<Object> args) throws TemplateException {
        List<String> chain = f.chain();
        Object holder = chain.size() == 1 ? data : resolve(chain, data, chain.size() - 1);
        String name = chain.get(chain.size() - 1);
        if (holder instanceof Data d) {
            Object v = d.call(name, args);
            if (v != MISSING) {
                return v;
            }
        }
        throw new TemplateException("can't give argument to non-function ." + String.join(".", chain));
    }

    private static Object resolve(List<String> chain, Data data, int length) throws TemplateException {
        Object v = data;
        for (int i = 0; i < length; i++) {
            String name = chain.get(i);
            v = GoValues.field(v, name, chain.subList(0, i + 1));
        }
        return v;
    }

    private static String describe(Operand o) {
        return switch (o) {
            case Literal l -> GoValues.print(l.value());
            case Field f -> "." + String.join(".", f.chain());
            case Function f -> f.name();
            case Sub s -> "(...)";
        };
    }

    /** Reads one action's text into a pipeline. */
    private static final class Lexer {
        private final String s;
        private int p;

        Lexer(String s) {
            this.s = s;
        }

        boolean atEnd() {
            skipSpace();
            return p >= s.length();
        }

        String rest() {
            return s.substring(p);
        }

        Pipeline pipeline() throws TemplateException {
            List<Command> commands = new ArrayList<>();
            while (true) {
                commands.add(command());
                skipSpace();
                if (p < s.length() && s.charAt(p) == '|') {
                    p++;
                    continue;
                }
                return new Pipeline(List.copyOf(commands));
            }
        }

        private Command command() throws TemplateException {
            List<Operand> ops = new ArrayList<>();
            while (true) {
                skipSpace();
                if (p >= s.length() || s.charAt(p) == '|' || s.charAt(p) == ')') {
                    break;
                }
                ops.add(operand());
            }
            if (ops.isEmpty()) {
                throw new TemplateException("missing value for command");
            }
            return new Command(List.copyOf(ops));
        }

        private Operand operand() throws TemplateException {
            char c = s.charAt(p);
            if (c == '.') {
                return field();
            }
            if (c == '(') {
                p++;
                Pipeline inner = pipeline();
                skipSpace();
                if (p >= s.length() || s.charAt(p) != ')') {
                    throw new TemplateException("unclosed left paren");
                }
                p++;
                return new Sub(inner);
            }
            if (c == '"') {
                return new Literal(quoted());
            }
            if (c == '`') {
                int end = s.indexOf('`', p + 1);
                if (end < 0) {
                    throw new TemplateException("unterminated raw quoted string");
                }
                String v = s.substring(p + 1, end);
                p = end + 1;
                return new Literal(v);
            }
            if (c == '$') {
                throw new TemplateException("variables ($) are not supported by kdns's template subset");
            }
            if (c == '-' || c == '+' || Character.isDigit(c)) {
                return new Literal(number());
            }
            if (Character.isLetter(c) || c == '_') {
                String word = word();
                switch (word) {
                    case "true" -> {
                        return new Literal(Boolean.TRUE);
                    }
                    case "false" -> {
                        return new Literal(Boolean.FALSE);
                    }
                    case "nil" -> throw new TemplateException("nil is not a command");
                    default -> {
                        if (FUNCTIONS.contains(word)) {
                            return new Function(word);
                        }
                        if (UNSUPPORTED.contains(word)) {
                            throw new TemplateException("\"" + word + "\" is not supported by kdns's template subset");
                        }
                        throw new TemplateException("function \"" + word + "\" not defined");
                    }
                }
            }
            throw new TemplateException("unexpected \"" + c + "\" in command");
        }

        private Field field() throws TemplateException {
            List<String> chain = new ArrayList<>();
            while (p < s.length() && s.charAt(p) == '.') {
                p++;
                if (p >= s.length() || !(Character.isLetter(s.charAt(p)) || s.charAt(p) == '_')) {
                    if (chain.isEmpty() && (p >= s.length() || isDelimiter(s.charAt(p)))) {
                        return new Field(List.of()); // the dot itself
                    }
                    throw new TemplateException("bad character in field name after \".\"");
                }
                chain.add(word());
            }
            if (p < s.length() && !isDelimiter(s.charAt(p))) {
                throw new TemplateException("unexpected \"" + s.charAt(p) + "\" in operand");
            }
            return new Field(List.copyOf(chain));
        }

        private static boolean isDelimiter(char c) {
            return Character.isWhitespace(c) || c == '|' || c == ')';
        }

        private String word() {
            int start = p;
            while (p < s.length() && (Character.isLetterOrDigit(s.charAt(p)) || s.charAt(p) == '_')) {
                p++;
            }
            return s.substring(start, p);
        }

        private Object number() throws TemplateException {
            int start = p;
            p++;
            while (p < s.length() && !isDelimiter(s.charAt(p))) {
                p++;
            }
            String text = s.substring(start, p).replace("_", "");
            try {
                String t = text.toLowerCase(Locale.ROOT);
                boolean neg = t.startsWith("-");
                String body = neg || t.startsWith("+") ? t.substring(1) : t;
                long v;
                if (body.startsWith("0x")) {
                    v = Long.parseLong(body.substring(2), 16);
                } else if (body.startsWith("0o")) {
                    v = Long.parseLong(body.substring(2), 8);
                } else if (body.startsWith("0b")) {
                    v = Long.parseLong(body.substring(2), 2);
                } else if (body.length() > 1 && body.startsWith("0")) {
                    v = Long.parseLong(body.substring(1), 8);
                } else {
                    v = Long.parseLong(body);
                }
                return neg ? -v : v;
            } catch (NumberFormatException e) {
                throw new TemplateException("bad number syntax: \"" + text + "\"");
            }
        }

        private String quoted() throws TemplateException {
            StringBuilder sb = new StringBuilder();
            p++;
            while (p < s.length()) {
                char c = s.charAt(p++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (p >= s.length()) {
                    break;
                }
                char e = s.charAt(p++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case '\\', '"', '\'' -> sb.append(e);
                    default -> throw new TemplateException("unknown escape sequence \\" + e);
                }
            }
            throw new TemplateException("unterminated quoted string");
        }

        private void skipSpace() {
            while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
                p++;
            }
        }
    }
}
