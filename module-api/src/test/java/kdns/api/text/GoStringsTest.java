package kdns.api.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GoStringsTest {

    @Test
    void quotesAsGo() {
        assertEquals("\"a\\\"b\\\\c\\n\\x01é\"", GoStrings.quote("a\"b\\c\n\u0001é"));
        assertEquals("\"\\t\\r\\x7f\\u200b\"", GoStrings.quote("\t\r\u007f\u200b"));
        assertEquals("\"\"", GoStrings.quote(""));
    }
}
