package kdns.api.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;

class RecordValuesTest {

    @Test
    void numericRanges() {
        assertTrue(RecordValues.isU16(0) && RecordValues.isU16(65535));
        assertFalse(RecordValues.isU16(-1) || RecordValues.isU16(65536));
        assertTrue(RecordValues.isPort(1) && RecordValues.isPort(65535));
        assertFalse(RecordValues.isPort(0) || RecordValues.isPort(-10) || RecordValues.isPort(70000));
        assertTrue(RecordValues.isTtl(0) && RecordValues.isTtl(0x7FFFFFFFL));
        assertFalse(RecordValues.isTtl(-1) || RecordValues.isTtl(0x80000000L));
    }

    @Test
    void labelsAndNames() {
        assertTrue(RecordValues.isLabel("web-0") && RecordValues.isLabel("x".repeat(63)));
        assertFalse(RecordValues.isLabel("") || RecordValues.isLabel(null) || RecordValues.isLabel("x".repeat(64))
                || RecordValues.isLabel("a.b") || RecordValues.isLabel("a\\b"));
        assertTrue(RecordValues.isDomainName("example.com") && RecordValues.isDomainName("example.com."));
        assertFalse(RecordValues.isDomainName("..x") || RecordValues.isDomainName("x".repeat(64) + ".com")
                || RecordValues.isDomainName("abcdefghi.".repeat(30) + "org") || RecordValues.isDomainName(""));
    }

    /** CoreDNS's split255: under 255 octets one string; else 255-octet strings and the rest, even empty. */
    @Test
    void txtStringsOf255Octets() throws Exception {
        Name owner = Name.fromString("t.example.");
        assertEquals(List.of("short"), strings(owner, "short"));
        assertEquals(List.of("a".repeat(255), ""), strings(owner, "a".repeat(255)));
        assertEquals(List.of("a".repeat(255), "a".repeat(255), "a".repeat(10)), strings(owner, "a".repeat(520)));
        assertEquals(List.of("a\\\\b\\\"c"), strings(owner, "a\\b\"c"), "the text as it is, not read as escapes");
        RecordValues.txtRecord(owner, DClass.CH, 0, "\u00e9".repeat(300)).toWire(org.xbill.DNS.Section.ANSWER);
    }

    private static List<String> strings(Name owner, String text) {
        return ((TXTRecord) RecordValues.txtRecord(owner, DClass.IN, 5, text)).getStrings();
    }
}
