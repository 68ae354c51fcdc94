package kdns.plugin.standard.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import kdns.plugin.standard.expr.Node.ArrayOf;
import kdns.plugin.standard.expr.Node.Binary;
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
import kdns.plugin.standard.expr.Token.Kind;
import kdns.plugin.standard.golang.GoRegex;

/**
 * expr-lang's grammar by precedence climbing, with its precedences: {@code ??} binds tightest, then
 * {@code ** ^} (right to left), unary {@code - +}, {@code * / %}, unary {@code ! not}, {@code + -},
 * {@code ..}, comparisons and {@code in matches contains startsWith endsWith}, {@code && and},
 * {@code || or}, {@code |} and last {@code ? :}. Every name is resolved here: one the caller binds,
 * a builtin, or an error.
 */
final class Parser {

    /** How deeply expressions may nest (parentheses, operands, arguments). */
    static final int MAX_DEPTH = 100;

    private static final Map<String, Integer> BINARY = Map.ofEntries(Map.entry("|", 0), Map.entry("or", 10),
            Map.entry("||", 10), Map.entry("and", 15), Map.entry("&&", 15), Map.entry("==", 20), Map.entry("!=", 20),
            Map.entry("<", 20), Map.entry(">", 20), Map.entry(">=", 20), Map.entry("<=", 20), Map.entry("in", 20),
            Map.entry("matches", 20), Map.entry("contains", 20), Map.entry("startsWith", 20),
            Map.entry("endsWith", 20), Map.entry("..", 25), Map.entry("+", 30), Map.entry("-", 30),
            Map.entry("*", 60), Map.entry("/", 60), Map.entry("%", 60), Map.entry("**", 100), Map.entry("^", 100),
            Map.entry("??", 500));
    private static final Map<String, Integer> UNARY = Map.of("not", 50, "!", 50, "-", 90, "+", 90);
    private static final Set<String> COMPARISONS = Set.of("<", ">", "<=", ">=");
    private static final Set<String> NEGATABLE = Set.of("in", "matches", "contains", "startsWith", "endsWith");

    private final String src;
    private final List<Token> tokens;
    private final Set<String> names;
    private int at;
    private int depth;
    private int predicates;

    private Parser(String src, List<Token> tokens, Set<String> names) {
        this.src = src;
        this.tokens = tokens;
        this.names = names;
    }

    static Node parse(String source, Set<String> names) throws ExpressionException {
        Parser p = new Parser(source, Lexer.tokens(source), names);
        if (p.cur().kind() == Kind.EOF) {
            throw ExpressionException.at(source, -1, "empty expression");
        }
        Node root = p.expression(0);
        Token t = p.cur();
        if (t.kind() != Kind.EOF) {
            if (t.isBracket(")") || t.isBracket("]") || t.isBracket("}")) {
                throw p.error(t, "unbalanced '" + t.text() + "': nothing before it opened one");
            }
            throw p.error(t, "unexpected " + t.describe() + " after a complete expression (a missing operator or ',')");
        }
        if (depthOf(root) > 4 * MAX_DEPTH) {
            throw ExpressionException.at(source, -1, "expression too long: more than " + 4 * MAX_DEPTH
                    + " operations in a row");
        }
        return root;
    }

    private ExpressionException error(Token t, String detail) {
        return ExpressionException.at(src, t.pos(), detail);
    }

    private Token cur() {
        return tokens.get(at);
    }

    private Token peek() {
        return tokens.get(Math.min(at + 1, tokens.size() - 1));
    }

    private Token advance() {
        Token t = tokens.get(at);
        if (t.kind() != Kind.EOF) {
            at++;
        }
        return t;
    }

    private void expectBracket(String close, Token open, String what) throws ExpressionException {
        Token t = cur();
        if (!t.isBracket(close)) {
            throw error(t, "expected " + what + "'" + close + "' to close the '" + open.text() + "' at column "
                    + (open.pos() + 1) + ", found " + t.describe());
        }
        advance();
    }

    private Node expression(int precedence) throws ExpressionException {
        if (++depth > MAX_DEPTH) {
            throw error(cur(), "expression nested too deeply (more than " + MAX_DEPTH + " levels)");
        }
        Token first = cur();
        if (precedence == 0 && (first.isOperator("let") || first.isOperator("if") || first.isOperator("else"))) {
            throw error(first, "'" + first.text() + "' is not supported by kdns"
                    + (first.isOperator("let") ? "" : "; write cond ? a : b"));
        }
        Node left = primary();
        String previous = "";
        while (cur().kind() == Kind.OPERATOR) {
            Token opToken = cur();
            String op = opToken.text();
            boolean negate = op.equals("not");
            if (negate) {
                Token next = peek();
                if (next.kind() != Kind.OPERATOR || !NEGATABLE.contains(next.text())) {
                    throw error(opToken, "unexpected 'not': between two values it must be followed by in, matches, "
                            + "contains, startsWith or endsWith");
                }
                op = next.text();
            }
            Integer p = BINARY.get(op);
            if (p == null || p < precedence) {
                break;
            }
            advance();
            if (negate) {
                advance();
            }
            if (op.equals("|")) {
                Token fn = advance();
                if (fn.kind() != Kind.NAME) {
                    throw error(fn, "expected a function call after '|', found " + fn.describe());
                }
                List<Node> first1 = new ArrayList<>();
                first1.add(left);
                left = call(fn, first1);
                previous = op;
                continue;
            }
            if (previous.equals("??") && !op.equals("??")) {
                throw error(opToken, "operator " + op + " and ?? cannot be mixed: wrap one of them in parentheses");
            }
            if (COMPARISONS.contains(op)) {
                left = comparison(left, opToken, p);
            } else {
                Node right = expression(op.equals("**") || op.equals("^") ? p : p + 1);
                left = binary(op, left, right, opToken);
                if (negate) {
                    left = new Unary("!", left, opToken.pos());
                }
            }
            previous = op;
        }
        if (precedence == 0) {
            left = conditional(left);
        }
        depth--;
        return left;
    }

    /** {@code a < b <= c} is {@code a < b && b <= c}, as in expr-lang. */
    private Node comparison(Node left, Token opToken, int precedence) throws ExpressionException {
        Node root = null;
        Token op = opToken;
        while (true) {
            Node right = expression(precedence + 1);
            Node cmp = new Binary(op.text(), left, right, op.pos());
            root = root == null ? cmp : new Logical(true, root, cmp, op.pos());
            left = right;
            if (cur().kind() != Kind.OPERATOR || !COMPARISONS.contains(cur().text())) {
                return root;
            }
            op = advance();
        }
    }

    private Node binary(String op, Node left, Node right, Token opToken) throws ExpressionException {
        int pos = opToken.pos();
        return switch (op) {
            case "&&", "and" -> new Logical(true, left, right, pos);
            case "||", "or" -> new Logical(false, left, right, pos);
            case "??" -> new Coalesce(left, right, pos);
            case "matches" -> {
                GoRegex compiled = null;
                if (right instanceof Literal l && l.value() instanceof String pattern) {
                    try {
                        compiled = GoRegex.compile(pattern);
                    } catch (IllegalArgumentException e) {
                        throw ExpressionException.at(src, right.pos(), "invalid regular expression: " + e.getMessage());
                    }
                }
                yield new Matches(left, right, compiled, pos);
            }
            default -> new Binary(op, left, right, pos);
        };
    }

    private Node conditional(Node cond) throws ExpressionException {
        Node node = cond;
        while (cur().isOperator("?")) {
            Token q = advance();
            Node then;
            if (cur().isOperator(":")) {
                advance();
                then = node;
            } else {
                then = expression(0);
                Token colon = cur();
                if (!colon.isOperator(":")) {
                    throw error(colon, "expected ':' for the '?' at column " + (q.pos() + 1) + ", found "
                            + colon.describe());
                }
                advance();
            }
            node = new Conditional(node, then, expression(0), q.pos());
        }
        return node;
    }

    private Node primary() throws ExpressionException {
        Token t = cur();
        if (t.kind() == Kind.OPERATOR && UNARY.containsKey(t.text())) {
            advance();
            Node operand = expression(UNARY.get(t.text()));
            String op = t.text().equals("not") ? "!" : t.text();
            if (op.equals("-") && operand instanceof Literal l && ExprValues.isNumber(l.value())) {
                return postfix(new Literal(Operators.negate(l.value()), t.pos()));
            }
            return postfix(new Unary(op, operand, t.pos()));
        }
        if (t.isBracket("(")) {
            advance();
            Node inner = expression(0);
            expectBracket(")", t, "");
            return postfix(inner);
        }
        if (t.kind() == Kind.POINTER) {
            if (predicates == 0) {
                throw error(t, "'#' is the element a predicate looks at, so it is only meaningful inside one, "
                        + "e.g. any(list, # > 1)");
            }
            if (!t.text().isEmpty() && !t.text().equals("index")) {
                throw error(t, "'#" + t.text() + "' is not supported by kdns: only # and #index");
            }
            advance();
            return postfix(new Element(!t.text().isEmpty(), t.pos()));
        }
        if (predicates > 0 && t.isOperator(".") && peek().kind() == Kind.NAME) {
            advance();
            Token field = advance();
            return postfix(new Member(new Element(false, t.pos()), new Literal(field.text(), field.pos()), t.pos()));
        }
        return postfix(secondary());
    }

    private Node secondary() throws ExpressionException {
        Token t = cur();
        switch (t.kind()) {
            case NAME -> {
                advance();
                switch (t.text()) {
                    case "true" -> {
                        return new Literal(Boolean.TRUE, t.pos());
                    }
                    case "false" -> {
                        return new Literal(Boolean.FALSE, t.pos());
                    }
                    case "nil" -> {
                        return new Literal(null, t.pos());
                    }
                    default -> {
                        if (cur().isBracket("(")) {
                            return call(t, new ArrayList<>());
                        }
                        return name(t);
                    }
                }
            }
            case NUMBER, STRING -> {
                advance();
                return new Literal(t.value(), t.pos());
            }
            case BRACKET -> {
                if (t.isBracket("[")) {
                    return array();
                }
                if (t.isBracket("{")) {
                    return map();
                }
            }
            case EOF -> throw error(t, "unexpected end of the expression: a value is missing");
            default -> {
            }
        }
        throw error(t, "unexpected " + t.describe() + " where a value should be");
    }

    private Node name(Token t) throws ExpressionException {
        if (names.contains(t.text())) {
            return new Name(t.text(), t.pos());
        }
        if (Builtins.PLAIN.containsKey(t.text()) || Builtins.PREDICATES.contains(t.text())) {
            throw error(t, t.text() + " is a builtin function: call it as " + t.text() + "(...)");
        }
        throw error(t, "unknown name '" + t.text() + "': " + known());
    }

    private String known() {
        return names.isEmpty() ? "nothing is bound here" : "the names bound here are " + String.join(", ",
                new TreeSet<>(names));
    }

    private Node call(Token fn, List<Node> args) throws ExpressionException {
        String name = fn.text();
        if (names.contains(name)) {
            return new Call(name, arguments(args), fn.pos());
        }
        if (Builtins.PREDICATES.contains(name)) {
            return predicateCall(fn, args);
        }
        Builtins.Builtin b = Builtins.PLAIN.get(name);
        if (b != null) {
            List<Node> all = arguments(args);
            if (all.size() < b.min() || b.max() >= 0 && all.size() > b.max()) {
                String want = b.max() < 0 ? "at least " + b.min() : b.min() == b.max() ? String.valueOf(b.min())
                        : b.min() + " or " + b.max();
                throw error(fn, name + "() takes " + want + " argument" + (want.equals("1") ? "" : "s") + ", got "
                        + all.size());
            }
            return new BuiltinCall(b, List.copyOf(all), fn.pos());
        }
        if (Builtins.EXPR_LANG.contains(name)) {
            throw error(fn, "the expr-lang builtin " + name + "() is not supported by kdns");
        }
        throw error(fn, "unknown function '" + name + "': " + known());
    }

    /** {@code (a, b, ...)} after {@code already} (the left side of a pipe). */
    private List<Node> arguments(List<Node> already) throws ExpressionException {
        Token open = advance(); // (
        List<Node> args = new ArrayList<>(already);
        int own = 0;
        while (!cur().isBracket(")")) {
            if (own > 0) {
                expectComma(open);
                if (cur().isBracket(")")) {
                    break; // a trailing comma
                }
            }
            args.add(expression(0));
            own++;
        }
        advance();
        return args;
    }

    private void expectComma(Token open) throws ExpressionException {
        Token t = cur();
        if (!t.isOperator(",")) {
            throw error(t, "expected ',' or '" + closing(open) + "' to close the '" + open.text() + "' at column "
                    + (open.pos() + 1) + ", found " + t.describe());
        }
        advance();
    }

    private static String closing(Token open) {
        return switch (open.text()) {
            case "(" -> ")";
            case "[" -> "]";
            default -> "}";
        };
    }

    /** {@code any(array, predicate)} and the like; the array may come from a pipe. */
    private Node predicateCall(Token fn, List<Node> piped) throws ExpressionException {
        String name = fn.text();
        Token open = cur();
        if (!open.isBracket("(")) {
            throw error(open, "expected '(' after " + name);
        }
        advance();
        Node array;
        if (piped.isEmpty()) {
            if (cur().isBracket(")")) {
                throw error(cur(), name + "() needs an array and a predicate, e.g. " + name + "(list, # > 1)");
            }
            array = expression(0);
            if (!cur().isBracket(")")) {
                expectComma(open);
            }
        } else {
            array = piped.get(0);
        }
        Node predicate = null;
        if (cur().isBracket(")")) {
            if (!name.equals("count") && !name.equals("sum")) {
                throw error(cur(), name + "() needs a predicate after the array, e.g. " + name + "(list, # > 1)");
            }
        } else {
            predicate = predicate();
            if (cur().isOperator(",")) {
                advance();
            }
        }
        expectBracket(")", open, "");
        return new PredicateCall(name, array, predicate, fn.pos());
    }

    /** An expression about {@code #}, bare or in braces. */
    private Node predicate() throws ExpressionException {
        predicates++;
        Node n;
        Token open = cur();
        if (open.isBracket("{")) {
            advance();
            n = expression(0);
            expectBracket("}", open, "");
        } else {
            n = expression(0);
        }
        predicates--;
        return n;
    }

    private Node array() throws ExpressionException {
        Token open = advance(); // [
        List<Node> items = new ArrayList<>();
        while (!cur().isBracket("]")) {
            if (!items.isEmpty()) {
                expectComma(open);
                if (cur().isBracket("]")) {
                    break;
                }
            }
            if (cur().kind() == Kind.EOF) {
                throw error(cur(), "expected ']' to close the '[' at column " + (open.pos() + 1));
            }
            items.add(expression(0));
        }
        advance();
        return new ArrayOf(List.copyOf(items), open.pos());
    }

    /** {@code {key: value, ...}}: a key is a name, a string, a number or an expression in parentheses. */
    private Node map() throws ExpressionException {
        Token open = advance(); // {
        List<Node> keys = new ArrayList<>();
        List<Node> values = new ArrayList<>();
        while (!cur().isBracket("}")) {
            if (!keys.isEmpty()) {
                expectComma(open);
                if (cur().isBracket("}")) {
                    break;
                }
            }
            Token k = cur();
            if (k.kind() == Kind.NAME || k.kind() == Kind.NUMBER) {
                advance();
                keys.add(new Literal(k.text(), k.pos()));
            } else if (k.kind() == Kind.STRING) {
                advance();
                keys.add(new Literal(k.value(), k.pos()));
            } else if (k.isBracket("(")) {
                keys.add(expression(0));
            } else {
                throw error(k, "a map key must be a name, a quoted string, a number or an expression in "
                        + "parentheses, found " + k.describe());
            }
            Token colon = cur();
            if (!colon.isOperator(":")) {
                throw error(colon, "expected ':' after the map key, found " + colon.describe());
            }
            advance();
            values.add(expression(0));
        }
        advance();
        return new MapOf(List.copyOf(keys), List.copyOf(values), open.pos());
    }

    private Node postfix(Node node) throws ExpressionException {
        while (true) {
            Token t = cur();
            if (t.isOperator(".")) {
                advance();
                Token field = advance();
                if (field.kind() != Kind.NAME && !(field.kind() == Kind.OPERATOR
                        && Character.isLetter(field.text().charAt(0)))) {
                    throw error(field, "expected a name after '.', found " + field.describe());
                }
                if (cur().isBracket("(")) {
                    throw error(cur(), "methods are not supported by kdns: ." + field.text() + "()");
                }
                node = new Member(node, new Literal(field.text(), field.pos()), t.pos());
            } else if (t.isOperator("?.")) {
                throw error(t, "optional chaining (?.) is not supported by kdns; use ?? or a ? : test");
            } else if (t.isBracket("[")) {
                node = index(node);
            } else {
                return node;
            }
        }
    }

    /** {@code node[i]}, {@code node[a:b]}, {@code node[:b]}, {@code node[a:]}. */
    private Node index(Node node) throws ExpressionException {
        Token open = advance(); // [
        Node from = null;
        if (!cur().isOperator(":")) {
            from = expression(0);
            if (cur().isBracket("]")) {
                advance();
                return new Member(node, from, open.pos());
            }
        }
        Token colon = cur();
        if (!colon.isOperator(":")) {
            throw error(colon, "expected ']' or ':' to close the '[' at column " + (open.pos() + 1) + ", found "
                    + colon.describe());
        }
        advance();
        Node to = cur().isBracket("]") ? null : expression(0);
        expectBracket("]", open, "");
        return new Slice(node, from, to, open.pos());
    }

    /** How deep the tree is (an evaluation recurses this deep). */
    private static int depthOf(Node n) {
        return 1 + switch (n) {
            case Literal l -> 0;
            case Name nm -> 0;
            case Element e -> 0;
            case ArrayOf a -> a.items().stream().mapToInt(Parser::depthOf).max().orElse(0);
            case MapOf m -> Math.max(m.keys().stream().mapToInt(Parser::depthOf).max().orElse(0),
                    m.values().stream().mapToInt(Parser::depthOf).max().orElse(0));
            case Unary u -> depthOf(u.operand());
            case Binary b -> Math.max(depthOf(b.left()), depthOf(b.right()));
            case Logical l -> Math.max(depthOf(l.left()), depthOf(l.right()));
            case Coalesce c -> Math.max(depthOf(c.left()), depthOf(c.right()));
            case Matches m -> Math.max(depthOf(m.text()), depthOf(m.pattern()));
            case Conditional c -> Math.max(depthOf(c.cond()), Math.max(depthOf(c.then()), depthOf(c.otherwise())));
            case Call c -> c.args().stream().mapToInt(Parser::depthOf).max().orElse(0);
            case BuiltinCall b -> b.args().stream().mapToInt(Parser::depthOf).max().orElse(0);
            case PredicateCall p -> Math.max(depthOf(p.array()), p.predicate() == null ? 0 : depthOf(p.predicate()));
            case Member m -> Math.max(depthOf(m.target()), depthOf(m.key()));
            case Slice s -> Math.max(depthOf(s.target()), Math.max(s.from() == null ? 0 : depthOf(s.from()),
                    s.to() == null ? 0 : depthOf(s.to())));
        };
    }
}
