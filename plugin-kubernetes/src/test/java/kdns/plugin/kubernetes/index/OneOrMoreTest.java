package kdns.plugin.kubernetes.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** A reverse index entry keeps its values in order, one of them as itself, and goes when empty. */
class OneOrMoreTest {

    @Test
    void oneIsHeldAsItselfMoreAsAListInOrder() {
        ConcurrentHashMap<String, Object> map = new ConcurrentHashMap<>();
        OneOrMore.add(map, "ip", "a");
        assertSame("a", map.get("ip"));
        assertEquals(List.of("a"), OneOrMore.list(map.get("ip")));
        OneOrMore.add(map, "ip", "b");
        OneOrMore.add(map, "ip", "c");
        assertEquals(List.of("a", "b", "c"), OneOrMore.list(map.get("ip")));
        OneOrMore.remove(map, "ip", "b");
        assertEquals(List.of("a", "c"), OneOrMore.list(map.get("ip")));
        OneOrMore.remove(map, "ip", "a");
        assertSame("c", map.get("ip"), "back to the value itself");
        OneOrMore.remove(map, "ip", "x");
        assertSame("c", map.get("ip"), "removing a value it does not hold changes nothing");
        OneOrMore.remove(map, "ip", "c");
        assertNull(map.get("ip"), "the entry goes with its last value");
        assertEquals(List.of(), OneOrMore.list(null));
    }

    @Test
    void equalValuesAreRemovedOneAtATime() {
        Object held = OneOrMore.plus(OneOrMore.plus(null, "a"), "a");
        assertEquals(List.of("a", "a"), OneOrMore.list(held));
        assertEquals("a", OneOrMore.minus(held, "a"));
        assertNull(OneOrMore.minus("a", "a"));
    }
}
