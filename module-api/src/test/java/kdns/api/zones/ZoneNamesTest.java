package kdns.api.zones;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ZoneNamesTest {

    @Test
    void normalize() {
        assertEquals("example.org.", ZoneNames.normalize("Example.ORG"));
        assertEquals(".", ZoneNames.normalize("."));
    }

    @Test
    void subdomain() {
        assertTrue(ZoneNames.isSubdomain("example.org.", "a.example.org."));
        assertTrue(ZoneNames.isSubdomain("example.org.", "example.org."));
        assertFalse(ZoneNames.isSubdomain("example.org.", "badexample.org."));
        assertTrue(ZoneNames.isSubdomain(".", "anything."));
    }

    @Test
    void longestMatch() {
        List<String> zones = List.of("org.", "example.org.", ".");
        assertEquals("example.org.", ZoneNames.longestMatch(zones, "a.example.org."));
        assertEquals("org.", ZoneNames.longestMatch(zones, "other.org."));
        assertEquals(".", ZoneNames.longestMatch(zones, "x.com."));
        assertNull(ZoneNames.longestMatch(List.of("org."), "x.com."));
    }

    @Test
    void originsFromArgsOrServerBlock() {
        assertEquals(List.of("a.", "b."), ZoneNames.originsFromArgsOrServerBlock(List.of(), List.of("a.", "b.")));
        assertEquals(List.of("cluster.local.", "0.0.10.in-addr.arpa."),
                ZoneNames.originsFromArgsOrServerBlock(List.of("Cluster.Local", "10.0.0.0/24"), List.of(".")));
    }

    @Test
    void labelsSplitOnUnescapedDotsWithTheEscapesKept() {
        assertEquals(List.of("web", "default", "svc"), ZoneNames.splitLabels("web.default.svc"));
        assertEquals(List.of("a\\.b", "c"), ZoneNames.splitLabels("a\\.b.c"));
        assertEquals(List.of("a\\\\", "b"), ZoneNames.splitLabels("a\\\\.b"), "an escaped backslash does not escape the dot");
        assertEquals(List.of(""), ZoneNames.splitLabels(""));
        assertEquals(List.of("a", ""), ZoneNames.splitLabels("a."));
    }
}
