package kdns.plugin.standard.expr;

import static kdns.plugin.standard.expr.ExpressionTest.check;
import static kdns.plugin.standard.expr.ExpressionTest.eval;
import static kdns.plugin.standard.expr.ExpressionTest.runError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** expr-lang's builtins with Go's string semantics; the expressions use {@link ExpressionTest#bindings()}. */
class BuiltinsTest {

    @Test
    void lengthAndNumbers() throws Exception {
        check(5L, "len(s)");
        check(2L, "len('é€')");
        check(3L, "len(list)");
        check(2L, "len(m)");
        check(0L, "len([])");
        check(5L, "abs(-5)");
        check(2.5, "abs(-2.5)");
        check(2.0, "ceil(1.5)");
        check(1.0, "floor(1.5)");
        check(2.0, "round(1.5)");
        check(-3.0, "round(-2.5)");
        check(0.0, "round(0.49999999999999994)");
        check(3.0, "ceil(3)");
        check(7L, "max(5, 7)");
        check(5L, "min(5, 7)");
        check(7.5, "max(1, [7.5, 2], 3)");
        check(1L, "min(list)");
        assertNull(eval("max([])"));
    }

    @Test
    void conversions() throws Exception {
        check(123L, "int('123')");
        check(-5L, "int('-5')");
        check(2L, "int(2.9)");
        check(-2L, "int(-2.9)");
        check(42L, "int(n)");
        check(123.45, "float('123.45')");
        check(1e5, "float('1e5')");
        check(2.0, "float(2)");
        check(Double.POSITIVE_INFINITY, "float('+Inf')");
        check("123", "string(123)");
        check("1.5", "string(1.5)");
        check("1e+06", "string(1000000.0)");
        check("true", "string(true)");
        check("<nil>", "string(nil)");
        check("[1 2 3]", "string(list)");
        check("map[a:1 b:x]", "string(m)");
        check("hello", "string(s)");
    }

    @Test
    void strings() throws Exception {
        check("Hello", "trim('  Hello \\n')");
        check("Hello", "trim('__Hello__', '_')");
        check("Hello", "trim('xyHelloyx', 'yx')");
        check("World", "trimPrefix('HelloWorld', 'Hello')");
        check("x", "trimPrefix(' x')");
        check("HelloWorld", "trimPrefix('HelloWorld', 'World')");
        check("Hello", "trimSuffix('HelloWorld', 'World')");
        check("HELLO", "upper(s)");
        check("hello", "lower('HeLLo')");
        check(List.of("apple", "orange", "grape"), "split('apple,orange,grape', ',')");
        check(List.of("apple", "orange,grape"), "split('apple,orange,grape', ',', 2)");
        check(List.of(), "split('a,b', ',', 0)");
        check(List.of(""), "split('', ',')");
        check(List.of("a", "b", "c"), "split('abc', '')");
        check(List.of("a", "bc"), "split('abc', '', 2)");
        check(List.of("1", "2", "3", "4"), "split('1-2-3-4', '-')");
        check(List.of("apple,", "orange,", "grape"), "splitAfter('apple,orange,grape', ',')");
        check(List.of("apple,", "orange,grape"), "splitAfter('apple,orange,grape', ',', 2)");
        check("Hello Universe", "replace('Hello World', 'World', 'Universe')");
        check("10.1.2.3", "replace('10-1-2-3', '-', '.')");
        check("10.1-2-3", "replace('10-1-2-3', '-', '.', 1)");
        check("-a-b-c-", "replace('abc', '', '-')");
        check("-abc", "replace('abc', '', '-', 1)");
        check("HiHiHi", "repeat('Hi', 3)");
        check("", "repeat('Hi', 0)");
        check("apple,orange", "join(['apple', 'orange'], ',')");
        check("ab", "join(['a', 'b'])");
        check(6L, "indexOf('apple pie', 'pie')");
        check(-1L, "indexOf('apple', 'x')");
        check(5L, "indexOf('é€x', 'x')"); // a byte offset, as in Go: 'é' is 2 bytes, '€' 3
        check(10L, "lastIndexOf('apple pie apple', 'apple')");
        check(true, "hasPrefix('HelloWorld', 'Hello')");
        check(false, "hasPrefix('HelloWorld', 'World')");
        check(true, "hasSuffix('HelloWorld', 'World')");
    }

    @Test
    void arrays() throws Exception {
        check(1L, "first(list)");
        check(3L, "last(list)");
        assertNull(eval("first([])"));
        assertNull(eval("last([])"));
        check(2L, "get(list, 1)");
        check(3L, "get(list, -1)");
        assertNull(eval("get(list, 5)"));
        check("x", "get(m, 'b')");
        assertNull(eval("get(m, 'zz')"));
        check(List.of(1L, 2L), "take(list, 2)");
        check(List.of(1L, 2L, 3L), "take(list, 10)");
        check(List.of(3L, 2L, 1L), "reverse(list)");
        check(List.of(1L, 2L, 3L, "a"), "concat(list, ['a'])");
        check(List.of(1L, 2L, 3L), "uniq([1, 2, 3, 2, 1])");
        check(List.of("a", "b"), "keys(m)");
        check(List.of(1L, "x"), "values(m)");
    }

    @Test
    void wrongArgumentsAreRuntimeErrors() throws Exception {
        String[][] bad = {
            {"len(n)", "invalid argument for len (type int)"},
            {"abs('a')", "invalid argument for abs (type string)"},
            {"ceil('a')", "invalid argument for ceil (type string)"},
            {"int('12a')", "invalid operation: int(\"12a\")"},
            {"int('1.5')", "invalid operation: int(\"1.5\")"},
            {"int(' 1')", "invalid operation: int(\" 1\")"},
            {"int('99999999999999999999')", "invalid operation: int"},
            {"int(true)", "invalid operation: int(bool)"},
            {"float('abc')", "invalid operation: float(\"abc\")"},
            {"float('1.5d')", "invalid operation: float(\"1.5d\")"},
            {"float('1e999')", "invalid operation: float"},
            {"upper(1)", "upper: argument 1 must be a string, got int"},
            {"replace(s, 1, 'x')", "replace: argument 2 must be a string, got int"},
            {"split(s, '', 'a')", "split: expected an int, got string"},
            {"repeat('a', -1)", "invalid argument for repeat (expected positive integer, got -1)"},
            {"repeat('a', 2000000)", "repeat: result too large"},
            {"join([1, 2], ',')", "join: element 0 is int, not a string"},
            {"join(s)", "join: expected an array, got string"},
            {"max('a', 1)", "invalid argument for max (type string)"},
            {"first(s)", "first: expected an array, got string"},
            {"keys(list)", "keys: expected a map, got array"},
            {"get(n, 1)", "get: cannot get int from int"},
        };
        for (String[] b : bad) {
            ExpressionException e = runError(b[0]);
            assertTrue(e.getMessage().contains(b[1]), b[0] + ": " + e.getMessage());
        }
        assertEquals("upper: argument 1 must be a string, got int at column 1 of \"upper(1)\"",
                runError("upper(1)").getMessage());
    }
}
