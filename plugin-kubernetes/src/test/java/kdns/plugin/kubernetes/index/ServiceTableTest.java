package kdns.plugin.kubernetes.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import kdns.plugin.kubernetes.model.ServiceInfo;
import kdns.plugin.kubernetes.spi.Port;
import org.junit.jupiter.api.Test;

/** The services' table answers by namespace and name and by a query name's text, through growth and removals. */
class ServiceTableTest {

    private final ServiceTable table = new ServiceTable();

    private static ServiceInfo svc(String ns, String name, String... ips) {
        return new ServiceInfo(ns, name, "ClusterIP", List.of(ips), "", List.of(new Port("http", "TCP", 80)), List.of());
    }

    /** The entry for {@code <name>.<ns>} as it appears in a query name below the zone. */
    private ServiceTable.Entry inQuery(String name, String ns) {
        String q = "x." + name + "." + ns + ".svc.cluster.local.";
        return table.find(q, 2, 2 + name.length() + 1 + ns.length());
    }

    @Test
    void findsByNameAndByTheQueryNamesCharacters() {
        ServiceInfo a = svc("ns", "a", "10.0.0.1");
        assertNull(table.put(a));
        assertSame(a, table.get("ns", "a"));
        assertSame(a, inQuery("a", "ns").service());
        assertNull(table.get("ns", "b"));
        assertNull(table.get("n", "sa"));
        assertNull(inQuery("a", "n"));
        assertNull(inQuery("a.n", "s"), "the same characters split elsewhere are another name");
        assertNull(inQuery("a", "ns2"));
    }

    @Test
    void theUsualServiceCarriesItsAddressAnswer() {
        table.put(svc("ns", "one", "10.0.0.1"));
        table.put(svc("ns", "six", "fd00::1"));
        table.put(svc("ns", "two", "10.0.0.2", "fd00::2"));
        table.put(svc("ns", "headless", "None"));
        table.put(new ServiceInfo("ns", "ports", "ClusterIP", List.of("10.0.0.3"), "",
                List.of(new Port("a", "TCP", 1), new Port("b", "TCP", 2)), List.of()));
        table.put(new ServiceInfo("ns", "ext", "ExternalName", List.of(), "example.org", List.of(), List.of()));
        ServiceTable.Entry one = inQuery("one", "ns");
        assertTrue(one.singleAddress());
        assertEquals("10.0.0.1", one.clusterIp());
        assertArrayEquals(new byte[] {10, 0, 0, 1}, one.clusterIpBytes());
        assertEquals(80, one.port());
        assertEquals(16, inQuery("six", "ns").clusterIpBytes().length);
        for (String other : List.of("two", "headless", "ports", "ext")) {
            ServiceTable.Entry e = inQuery(other, "ns");
            assertFalse(e.singleAddress(), other);
            assertNull(e.clusterIpBytes(), other);
        }
    }

    @Test
    void keysLongerThanTheEntryHoldsAreComparedToTheirEnd() {
        // "<name>.ns" of 23 to 27 bytes: around the 24 an entry holds in its own fields.
        List<String> names = List.of("abcdefghijklmnopqrst", "abcdefghijklmnopqrstu", "abcdefghijklmnopqrstuv",
                "abcdefghijklmnopqrstuvw", "abcdefghijklmnopqrstuvwx", "abcdefghijklmnopqrstuvwy");
        for (String name : names) {
            table.put(svc("ns", name, "10.0.0.1"));
        }
        for (String name : names) {
            assertEquals(name, inQuery(name, "ns").service().name());
            assertNull(inQuery(name, "nt"), name);
            assertNull(inQuery(name.substring(0, name.length() - 1) + "z", "ns"), name);
        }
        assertNull(inQuery("abcdefghijklmnopqrstuvwxyz", "ns"));
    }

    @Test
    void eachIpv4AnswerGetsItsOwnBytes() {
        table.put(svc("ns", "one", "192.168.255.1"));
        byte[] first = inQuery("one", "ns").clusterIpBytes();
        assertArrayEquals(new byte[] {(byte) 192, (byte) 168, (byte) 255, 1}, first);
        first[0] = 0;
        assertArrayEquals(new byte[] {(byte) 192, (byte) 168, (byte) 255, 1}, inQuery("one", "ns").clusterIpBytes());
    }

    @Test
    void replacedAndRemovedServicesAreSeen() {
        ServiceInfo first = svc("ns", "a", "10.0.0.1");
        ServiceInfo second = svc("ns", "a", "10.0.0.2");
        table.put(first);
        assertSame(first, table.put(second));
        assertEquals("10.0.0.2", inQuery("a", "ns").clusterIp());
        assertEquals(1, table.size());
        assertSame(second, table.remove("ns", "a"));
        assertNull(table.remove("ns", "a"));
        assertNull(table.get("ns", "a"));
        assertNull(inQuery("a", "ns"));
        assertEquals(0, table.size());
    }

    @Test
    void manyServicesThroughGrowthAndChurn() {
        for (int i = 0; i < 5000; i++) {
            table.put(svc("ns" + (i % 7), "svc" + i, "10.0." + (i >> 8) + "." + (i & 255)));
        }
        // Remove every other one, add them back under other names: removed slots are taken again
        // and compacted away, and no lookup is lost on the way.
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 5000; i += 2) {
                assertTrue(table.remove("ns" + (i % 7), (round == 0 ? "svc" : "r" + (round - 1) + "-") + i) != null);
                table.put(svc("ns" + (i % 7), "r" + round + "-" + i, "10.1.0.1"));
            }
            assertEquals(5000, table.size());
        }
        Set<String> names = new HashSet<>();
        for (ServiceInfo s : table.values()) {
            names.add(s.namespace() + "/" + s.name());
        }
        assertEquals(5000, names.size());
        for (int i = 0; i < 5000; i++) {
            String name = i % 2 == 0 ? "r2-" + i : "svc" + i;
            assertEquals(name, table.get("ns" + (i % 7), name).name());
            assertEquals(name, inQuery(name, "ns" + (i % 7)).service().name());
            assertNull(table.get("ns" + (i % 7), "svc" + (i % 2 == 0 ? i : i + 1)), "gone: " + i);
        }
    }

    @Test
    void aNameOutsideAsciiIsFoundByNameButNeverByAQueryName() {
        ServiceInfo s = svc("ns", "caf\u00e9", "10.0.0.1");
        table.put(s);
        assertSame(s, table.get("ns", "caf\u00e9"));
        assertNull(inQuery("caf\u00e9", "ns"));
    }
}
