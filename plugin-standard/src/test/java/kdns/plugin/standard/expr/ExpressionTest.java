package kdns.plugin.standard.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The expression language: literals, every operator, precedence, names, predicates and the errors. */
class ExpressionTest {

    static final AtomicInteger BOOMS = new AtomicInteger();

    /** What the expressions of these tests can use. */
    static Map<String, Object> bindings() {
        Map<String, Object> b = new HashMap<>();
        b.put("s", "hello");
        b.put("n", 42L);
        b.put("i", 7); // an Integer reads as an int
        b.put("f", 1.5);
        b.put("t", true);
        b.put("nothing", null);
        b.put("list", List.of(1L, 2L, 3L));
        b.put("ints", List.of(1, 2, 3)); // Integers read as ints, also as elements
        b.put("words", List.of("a", "bb", "ccc"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1L);
        m.put("b", "x");
        b.put("m", m);
        b.put("twice", (ExprFunction) args -> (Long) args.get(0) * 2);
        b.put("argc", (ExprFunction) args -> (long) args.size());
        b.put("boom", (ExprFunction) args -> {
            BOOMS.incrementAndGet();
            throw new ExpressionException("it went boom");
        });
        b.put("type", (ExprFunction) args -> "A"); // hides expr-lang's type builtin, as in CoreDNS
        return b;
    }

    static Object eval(String src) throws ExpressionException {
        Map<String, Object> b = bindings();
        return Expression.parse(src, b.keySet()).evaluate(b);
    }

    static ExpressionException parseError(String src) {
        return assertThrows(ExpressionException.class, () -> Expression.parse(src, bindings().keySet()), src);
    }

    static ExpressionException runError(String src) throws ExpressionException {
        Expression e = Expression.parse(src, bindings().keySet());
        return assertThrows(ExpressionException.class, () -> e.evaluate(bindings()), src);
    }

    static void check(Object want, String src) throws ExpressionException {
        assertEquals(want, eval(src), src);
    }

    @Test
    void literals() throws Exception {
        check("it's", "'it\\'s'");
        check("say \"hi\"", "\"say \\\"hi\\\"\"");
        check("a\tb\nc\\d", "'a\\tb\\nc\\\\d'");
        check("AéA€😀", "'\\x41\\u00e9\\101\\u{20AC}\\U0001F600'");
        check("raw \\n", "`raw \\n`");
        check(42L, "42");
        check(42L, "0x2A");
        check(42L, "0o52");
        check(42L, "0b101010");
        check(1000000L, "1_000_000");
        check(0.5, "0.5");
        check(0.5, ".5");
        check(1000.0, "1e3");
        check(true, "true");
        check(false, "false");
        assertNull(eval("nil"));
        check(List.of(1L, "a", List.of(true)), "[1, 'a', [true],]");
        check(List.of(), "[]");
        check(Map.of("a", 1L, "b c", 2L, "3", 3L, "d", 4L), "{a: 1, 'b c': 2, 3: 3, ('d'): 4}");
        check(3L, "1 + /* a comment */ 2 // another");
    }

    @Test
    void arithmetic() throws Exception {
        check(3L, "1 + 2");
        check(-1L, "1 - 2");
        check(6L, "2 * 3");
        check(3.5, "7 / 2");
        check(2.0, "6 / 3");
        check(1L, "7 % 3");
        check(-1L, "-7 % 3");
        check(1024.0, "2 ** 10");
        check(8.0, "2 ^ 3");
        check(3.5, "1 + 2.5");
        check(3.0, "1.5 * 2");
        check(Double.POSITIVE_INFINITY, "1 / 0");
        check(-42L, "-n");
        check(42L, "+n");
        check(Long.MIN_VALUE, "9223372036854775807 + 1");
        check("hello world", "s + ' ' + 'world'");
        check(14L, "i * 2");
        check(3.0, "f * 2");
        check(List.of(1L, 2L, 3L), "1..3");
        check(List.of(), "3..1");
    }

    @Test
    void precedence() throws Exception {
        check(7L, "1 + 2 * 3");
        check(9L, "(1 + 2) * 3");
        check(5L, "10 - 2 - 3");
        check(1.0, "8 / 4 / 2");
        check(-4.0, "-2 ** 2");
        check(512.0, "2 ** 3 ** 2");
        check(true, "true || false && false");
        check(false, "(true || false) && false");
        check(true, "1 + 2 == 3 && 'a' < 'b'");
        check(true, "not true == false");
        check(false, "!true && false");
        check(true, "!(1 > 2)");
        check(2L, "false ? 1 : true ? 2 : 3");
        check("big", "n > 10 ? 'big' : 'small'");
        check(5L, "(nil ?? 2) + 3");
        check(3L, "1 + nothing ?? 2");
        check(List.of(2L, 3L, 4L), "1 + 1..4");
        check(true, "'x' + 'y' in ['xy']");
        check(true, "1 < 2 < 3");
        check(false, "3 > 2 > 2");
        check(true, "2 > 1 == true");
    }

    @Test
    void comparisonsAndEquality() throws Exception {
        check(true, "1 < 2");
        check(true, "2 <= 2");
        check(false, "2 > 2");
        check(true, "2 >= 2");
        check(true, "'b' > 'a'");
        check(true, "1.5 < 2");
        check(true, "1 == 1.0");
        check(true, "1 != 2");
        check(false, "1 == '1'");
        check(true, "[1, 'a'] == [1, 'a']");
        check(false, "[1] == [1, 2]");
        check(true, "{a: 1} == {a: 1.0}");
        check(true, "nil == nil");
        check(true, "nothing == nil");
        check(false, "s == nil");
        check(true, "list == [1, 2, 3]");
        check(true, "i == 7");
    }

    @Test
    void membershipAndStringOperators() throws Exception {
        check(true, "'A' in ['A', 'AAAA']");
        check(false, "'MX' in ['A', 'AAAA']");
        check(true, "'MX' not in ['A', 'AAAA']");
        check(true, "2 in list");
        check(true, "2.0 in list");
        check(true, "'a' in m");
        check(false, "'z' in m");
        check(true, "'z' not in m");
        check(false, "1 in nil");
        check(true, "s contains 'ell'");
        check(false, "s not contains 'ell'");
        check(true, "s startsWith 'he'");
        check(true, "s not startsWith 'lo'");
        check(true, "s endsWith 'lo'");
        check(false, "s not endsWith 'lo'");
        check(true, "s matches 'l+'");
        check(false, "s matches '^l'");
        check(true, "s not matches '^l'");
        check(true, "'a.b.' matches '^(?P<first>[a-z])[.]'");
        check(true, "'ab1' matches '[[:digit:]]$'");
        check(true, "s matches 'h' + '.*'");
    }

    @Test
    void logicalOperatorsShortCircuit() throws Exception {
        BOOMS.set(0);
        check(false, "false && boom()");
        check(true, "true || boom()");
        check(false, "false and boom()");
        check(true, "true or boom()");
        check("x", "nil ?? 'x'");
        check("hello", "s ?? boom()");
        check(1L, "true ? 1 : boom()");
        check(2L, "false ? boom() : 2");
        check(false, "true && false");
        check(true, "false || true");
        check(true, "t ?: false");
        assertEquals(0, BOOMS.get(), "the side not needed is not run");
    }

    @Test
    void indexesSlicesAndFields() throws Exception {
        check(1L, "list[0]");
        check(3L, "list[-1]");
        check(List.of(2L, 3L), "list[1:]");
        check(List.of(1L, 2L), "list[:2]");
        check(List.of(2L), "list[1:-1]");
        check(List.of(1L, 2L, 3L), "list[:]");
        check(List.of(), "list[5:9]");
        check("el", "s[1:3]");
        check("lo", "s[-2:]");
        check(1L, "m.a");
        check("x", "m['b']");
        assertNull(eval("m.nope"));
        check(2L, "{a: {b: 2}}.a.b");
        check("b", "split('a.b.c', '.')[1]");
        check(3L, "len(words[-1])");
    }

    @Test
    void predicates() throws Exception {
        check(true, "any(list, # > 2)");
        check(false, "any([], # > 2)");
        check(true, "all(list, # > 0)");
        check(true, "all([], # > 0)");
        check(false, "all(list, # > 1)");
        check(true, "none(list, # > 3)");
        check(true, "one(list, # == 2)");
        check(false, "one(list, # > 1)");
        check(List.of(2L, 3L), "filter(list, # > 1)");
        check(List.of(2L, 4L, 6L), "map(list, # * 2)");
        check(List.of(0L, 1L, 2L), "map(list, #index)");
        check(2L, "count(list, # > 1)");
        check(2L, "count([true, false, true])");
        check(6L, "sum(list)");
        check(12L, "sum(list, # * 2)");
        check(4.5, "sum([1, 2, 1.5])");
        check(2L, "find(list, # > 1)");
        assertNull(eval("find(list, # > 5)"));
        check(1L, "findIndex(list, # > 1)");
        check(-1L, "findIndex(list, # > 5)");
        check(3L, "findLast(list, # > 1)");
        check(2L, "findLastIndex(list, # > 1)");
        check(true, "any(list, {# == 3})");
        check(List.of("bb", "ccc"), "filter(words, len(#) > 1)");
        check(true, "any(words, any(list, # == 2))");
        check(List.of(List.of(2L), List.of(3L)), "map([[1, 2], [3]], filter(#, # > 1))");
        check(List.of("x"), "map([{k: 'x'}], .k)");
        check(List.of(2L, 3L), "list | filter(# > 1)");
        check(true, "list | any(# == 1)");
        check(3L, "words | len()");
        check("A-B", "['a', 'b'] | map(upper(#)) | join('-')");
        check(2L, "count(list, # > 1,)");
        check(true, "any(ints, # > 2)");
        check(2L, "find(ints, # > 1)");
        check(List.of(2L, 4L, 6L), "map(ints, # * 2)");
        check(2L, "first(ints) + 1");
        check(4L, "ints[-1] + 1");
        check(6L, "sum(ints)");
    }

    @Test
    void boundNamesAndFunctions() throws Exception {
        check(84L, "twice(n)");
        check(84L, "n | twice()");
        check(3L, "argc(1, 'a', nil)");
        check(0L, "argc()");
        check("A", "type()");
        check(true, "type() in ['A', 'AAAA']");
        ExpressionException e = runError("boom(1)");
        assertEquals("boom: it went boom at column 1 of \"boom(1)\"", e.getMessage());
    }

    @Test
    void anExpressionIsParsedOnceAndRunManyTimes() throws Exception {
        Expression e = Expression.parse("x * 2 + len(y)", java.util.Set.of("x", "y"));
        assertEquals("x * 2 + len(y)", e.source());
        assertEquals("x * 2 + len(y)", e.toString());
        for (long x = 0; x < 5; x++) {
            Map<String, Object> b = new HashMap<>();
            b.put("x", x);
            b.put("y", "ab");
            assertEquals(x * 2 + 2, e.evaluate(b));
        }
        List<Thread> threads = new ArrayList<>();
        AtomicInteger wrong = new AtomicInteger();
        for (int t = 0; t < 4; t++) {
            long x = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int k = 0; k < 1000; k++) {
                    try {
                        if (!e.evaluate(Map.of("x", x, "y", "")).equals(x * 2)) {
                            wrong.incrementAndGet();
                        }
                    } catch (ExpressionException ex) {
                        wrong.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(0, wrong.get(), "evaluations on several threads at once");
    }

    @Test
    void testWantsABoolean() throws Exception {
        Map<String, Object> b = bindings();
        assertTrue(Expression.parse("n == 42", b.keySet()).test(b));
        assertFalse(Expression.parse("n != 42", b.keySet()).test(b));
        ExpressionException e = assertThrows(ExpressionException.class,
                () -> Expression.parse("n + 1", b.keySet()).test(b));
        assertEquals("expression \"n + 1\" must be true or false, got int 43", e.getMessage());
        e = assertThrows(ExpressionException.class, () -> Expression.parse("nothing", b.keySet()).test(b));
        assertEquals("expression \"nothing\" must be true or false, got nil <nil>", e.getMessage());
    }

    @Test
    void unknownNamesAreParseErrorsWithTheirColumn() {
        ExpressionException e = parseError("n == 1 && nme() == 'a.'");
        assertTrue(e.getMessage().startsWith("unknown function 'nme': the names bound here are argc, boom, f, i, ints, "
                + "list, m, n, nothing, s, t, twice, type, words at column 11 of \"n == 1 && nme() == 'a.'\""), e.getMessage());
        e = parseError("foo == 1");
        assertTrue(e.getMessage().startsWith("unknown name 'foo': "), e.getMessage());
        assertTrue(e.getMessage().endsWith(" at column 1 of \"foo == 1\""), e.getMessage());
        e = assertThrows(ExpressionException.class, () -> Expression.parse("x", java.util.Set.of()));
        assertEquals("unknown name 'x': nothing is bound here at column 1 of \"x\"", e.getMessage());
        assertTrue(parseError("len == 1").getMessage().startsWith("len is a builtin function: call it as len(...)"));
        assertTrue(parseError("now()").getMessage().startsWith("the expr-lang builtin now() is not supported by kdns"));
        assertTrue(parseError("$env['s']").getMessage().startsWith("unknown name '$env'"));
    }

    @Test
    void syntaxErrors() {
        String[][] bad = {
            {"(1 + 2", "expected ')' to close the '(' at column 1, found the end of the expression at column 7"},
            {"((1)", "expected ')' to close the '(' at column 1"},
            {"1 + 2)", "unbalanced ')': nothing before it opened one at column 6"},
            {"g(1", "unknown function 'g'"},
            {"f(1", "expected ',' or ')' to close the '(' at column 2"},
            {"twice(1", "expected ',' or ')' to close the '(' at column 6, found the end of the expression"},
            {"[1, 2", "expected ',' or ']' to close the '[' at column 1"},
            {"1 2", "unexpected number 2 after a complete expression"},
            {"n n", "unexpected 'n' after a complete expression"},
            {"1 +", "unexpected end of the expression: a value is missing at column 4"},
            {"", "empty expression in \"\""},
            {"   ", "empty expression"},
            {"'abc", "literal not terminated: a string opened by ' is not closed at column 1"},
            {"'\\q'", "invalid char escape \\q at column 2"},
            {"'\\u12'", "invalid char escape"},
            {"1 ?? 2 + 3", "operator + and ?? cannot be mixed"},
            {"1 ? 2", "expected ':' for the '?' at column 3"},
            {"n not 1", "unexpected 'not'"},
            {"# > 1", "'#' is the element a predicate looks at"},
            {"any(list, #acc)", "'#acc' is not supported by kdns"},
            {"any(list)", "any() needs a predicate after the array"},
            {"any()", "any() needs an array and a predicate"},
            {"len(1, 2)", "len() takes 1 argument, got 2"},
            {"replace('a')", "replace() takes 3 or 4 arguments, got 1"},
            {"max()", "max() takes at least 1 arguments, got 0"},
            {"s matches '('", "invalid regular expression: error parsing regexp"},
            {"let x = 1; x", "'let' is not supported by kdns"},
            {"if true { 1 } else { 2 }", "'if' is not supported by kdns; write cond ? a : b"},
            {"m?.a", "optional chaining (?.) is not supported by kdns"},
            {"s.trim()", "methods are not supported by kdns"},
            {"1 ~ 2", "unrecognized character \"~\" at column 3"},
            {"12ab", "bad number syntax: \"12a\""},
            {"99999999999999999999", "invalid or too large integer literal"},
            {"1e999", "float literal is too large"},
            {"/* open", "unclosed comment"},
            {"{a 1}", "expected ':' after the map key"},
            {"list[1", "expected ']' or ':' to close the '['"},
            {"1 = 1", "unexpected '=' after a complete expression"},
            {"(".repeat(150) + "1" + ")".repeat(150), "expression nested too deeply"},
            {"1" + " + 1".repeat(500), "expression too long"},
        };
        for (String[] b : bad) {
            ExpressionException e = parseError(b[0]);
            assertTrue(e.getMessage().contains(b[1]), b[0] + ": " + e.getMessage());
        }
    }

    @Test
    void runtimeErrorsNameTheOperationAndTheExpression() throws Exception {
        String[][] bad = {
            {"s + 1", "invalid operation: string + int at column 3 of \"s + 1\""},
            {"1 - 'a'", "invalid operation: int - string"},
            {"s * 2", "invalid operation: string * int"},
            {"s / 2", "invalid operation: string / int"},
            {"1.5 % 2", "invalid operation: float % int"},
            {"n % 0", "integer divide by zero at column 3"},
            {"s < 1", "invalid operation: string < int"},
            {"nil > 1", "invalid operation: nil > int"},
            {"-s", "invalid operation: - string at column 1"},
            {"!n", "invalid operation: ! int"},
            {"n && true", "operator && needs true or false, got int at column 3"},
            {"false || 'x'", "operator || needs true or false, got string"},
            {"n ? 1 : 2", "operator ?: needs true or false, got int"},
            {"'a' in 'abc'", "operator \"in\" not defined on string"},
            {"n contains 'a'", "invalid operation: int contains string"},
            {"n matches 'a'", "invalid operation: int matches string"},
            {"s matches s + '('", "invalid regular expression"},
            {"list[3]", "index out of range: 3 (array length is 3)"},
            {"list['a']", "an array index must be an int, got string"},
            {"s[0]", "cannot index a string"},
            {"n.a", "cannot fetch a from int"},
            {"n[1:2]", "cannot slice int"},
            {"any(s, # == 1)", "any: expected an array, got string"},
            {"filter(list, #)", "the predicate of filter must give true or false, got int"},
            {"count(list)", "the predicate of count must give true or false, got int (an element of the array)"},
            {"sum(words)", "sum: string is not a number"},
            {"s()", "s is string, not a function"},
            {"twice", "twice is a function: call it as twice(...)"},
            {"boom() == 1", "boom: it went boom at column 1"},
            {"twice('a')", "twice failed: java.lang.ClassCastException"},
            {"1..10000000", "range 1..10000000 is too large"},
            {"{(n): 1}", "a map key must be a string, got int"},
            {"1 + (2 * (s - 1))", "invalid operation: string - int at column 13 of \"1 + (2 * (s - 1))\""},
        };
        for (String[] b : bad) {
            ExpressionException e = runError(b[0]);
            assertTrue(e.getMessage().contains(b[1]), b[0] + ": " + e.getMessage());
            assertTrue(e.getMessage().contains(" of \"" + b[0].replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                    || e.getMessage().contains(" in \""), b[0] + ": " + e.getMessage());
        }
    }

    @Test
    void aBindingThatIsMissingAtRunTime() throws Exception {
        Expression e = Expression.parse("x + 1", java.util.Set.of("x"));
        ExpressionException ex = assertThrows(ExpressionException.class, () -> e.evaluate(Map.of()));
        assertEquals("no value is bound to x at column 1 of \"x + 1\"", ex.getMessage());
        Expression call = Expression.parse("f()", java.util.Set.of("f"));
        ex = assertThrows(ExpressionException.class, () -> call.evaluate(Map.of()));
        assertEquals("no function is bound to f at column 1 of \"f()\"", ex.getMessage());
    }

    @Test
    void reservedNames() {
        for (String name : List.of("len", "type", "now", "sortBy", "true", "nil", "and", "in", "let", "matches",
                "not", "if")) {
            assertTrue(Expression.reserved(name), name);
        }
        for (String name : List.of("ip", "name", "client_ip", "group", "x")) {
            assertFalse(Expression.reserved(name), name);
        }
    }

    @Test
    void resultsAreJavaValues() throws Exception {
        assertSame(Boolean.TRUE, eval("1 == 1"));
        assertEquals(Long.class, eval("i").getClass());
        assertThrows(UnsupportedOperationException.class, () -> ((List<?>) eval("[1]")).clear(),
                "lists cannot be changed");
    }
}
