package kdns.plugin.standard.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values as Go prints them ({@code fmt.Sprint}) and their expr-lang type names. */
class ExprValuesTest {

    @Test
    void floatsAsGoPrintsThem() {
        String[][] cases = {
            {"0", "0"}, {"2", "2"}, {"1.5", "1.5"}, {"-2.5", "-2.5"}, {"999999", "999999"},
            {"1000000", "1e+06"}, {"1234567", "1.234567e+06"}, {"0.0001", "0.0001"}, {"0.00001", "1e-05"},
            {"123456.5", "123456.5"}, {"1e21", "1e+21"}, {"1e100", "1e+100"}, {"0.1", "0.1"},
            {"608863452348.1149", "6.088634523481149e+11"}, {"-0.0", "-0"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], ExprValues.formatFloat(Double.parseDouble(c[0])), c[0]);
        }
        assertEquals("NaN", ExprValues.formatFloat(Double.NaN));
        assertEquals("+Inf", ExprValues.formatFloat(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", ExprValues.formatFloat(Double.NEGATIVE_INFINITY));
    }

    @Test
    void format() {
        assertEquals("<nil>", ExprValues.format(null));
        assertEquals("42", ExprValues.format(42L));
        assertEquals("42", ExprValues.format(42));
        assertEquals("2", ExprValues.format(2.0));
        assertEquals("true", ExprValues.format(true));
        assertEquals("a b", ExprValues.format("a b"));
        assertEquals("[a 1 <nil> [2.5]]", ExprValues.format(Arrays.asList("a", 1L, null, List.of(2.5))));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1L);
        m.put("a", List.of("x"));
        assertEquals("map[a:[x] z:1]", ExprValues.format(m));
    }

    @Test
    void typeNames() {
        assertEquals("nil", ExprValues.typeName(null));
        assertEquals("string", ExprValues.typeName(""));
        assertEquals("int", ExprValues.typeName(1L));
        assertEquals("int", ExprValues.typeName(1));
        assertEquals("float", ExprValues.typeName(1.0));
        assertEquals("bool", ExprValues.typeName(false));
        assertEquals("array", ExprValues.typeName(List.of()));
        assertEquals("map", ExprValues.typeName(Map.of()));
        assertEquals("func", ExprValues.typeName((ExprFunction) a -> null));
    }
}
