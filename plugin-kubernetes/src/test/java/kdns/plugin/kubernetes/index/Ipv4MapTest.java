package kdns.plugin.kubernetes.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Entries by IPv4 address, kept in /24 blocks that are replaced whole. */
class Ipv4MapTest {

    private static int ip(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }

    private final Ipv4Map map = new Ipv4Map();

    @Test
    void addsAndRemovesAcrossBlocks() {
        int[] first = {ip(10, 0, 0, 1), ip(10, 0, 0, 200), ip(10, 0, 1, 0), ip(200, 1, 2, 255)};
        map.addAll(first, "a");
        for (int address : first) {
            assertEquals("a", map.get(address));
        }
        assertNull(map.get(ip(10, 0, 0, 2)));
        assertNull(map.get(ip(10, 0, 2, 0)));
        assertNull(map.get(ip(200, 1, 2, 254)));
        map.addAll(new int[] {ip(10, 0, 0, 0), ip(10, 0, 0, 200), ip(10, 0, 0, 255)}, "b");
        assertEquals("b", map.get(ip(10, 0, 0, 0)));
        assertEquals("a", map.get(ip(10, 0, 0, 1)), "an address between new ones keeps its entry");
        assertEquals(List.of("a", "b"), OneOrMore.list(map.get(ip(10, 0, 0, 200))), "two values, in the order added");
        assertEquals("b", map.get(ip(10, 0, 0, 255)));
        assertEquals(6, map.size());
        map.removeAll(first, "a");
        assertNull(map.get(ip(10, 0, 0, 1)));
        assertEquals("b", map.get(ip(10, 0, 0, 200)));
        assertNull(map.get(ip(200, 1, 2, 255)));
        assertEquals(3, map.size());
        map.removeAll(new int[] {ip(10, 0, 0, 0), ip(10, 0, 0, 200), ip(10, 0, 0, 255)}, "b");
        assertEquals(0, map.size());
        assertNull(map.get(ip(10, 0, 0, 200)));
    }

    @Test
    void removingAValueNotHeldChangesNothing() {
        map.addAll(new int[] {ip(10, 0, 0, 5)}, "a");
        map.removeAll(new int[] {ip(10, 0, 0, 5), ip(10, 0, 0, 6)}, "z");
        assertEquals("a", map.get(ip(10, 0, 0, 5)));
        assertEquals(1, map.size());
    }

    @Test
    void everyLastOctetOfOneBlock() {
        int[] all = new int[256];
        for (int i = 0; i < 256; i++) {
            all[i] = ip(172, 16, 9, i);
        }
        map.addAll(all, "x");
        for (int i = 0; i < 256; i++) {
            assertEquals("x", map.get(ip(172, 16, 9, i)), "octet " + i);
        }
        map.removeAll(new int[] {ip(172, 16, 9, 0), ip(172, 16, 9, 128), ip(172, 16, 9, 255)}, "x");
        assertEquals(253, map.size());
        assertNull(map.get(ip(172, 16, 9, 128)));
        assertEquals("x", map.get(ip(172, 16, 9, 127)));
        assertEquals("x", map.get(ip(172, 16, 9, 129)));
    }
}
