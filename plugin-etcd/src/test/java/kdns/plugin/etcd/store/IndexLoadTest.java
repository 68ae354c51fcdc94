package kdns.plugin.etcd.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A full read loaded in bulk holds what key-by-key puts hold. */
class IndexLoadTest {

    private static Node node(String key) {
        return Node.of(key, "{\"host\":\"10.0.0.1\"}".getBytes(StandardCharsets.UTF_8), 0, 1);
    }

    /** Keys under several paths and depths, in etcd's order. */
    private static List<Node> keys(int perZone) {
        List<Node> out = new ArrayList<>();
        for (String zone : List.of("/skydns/local/a", "/skydns/local/b/x", "/skydns/org")) {
            for (int i = 0; i < perZone; i++) {
                out.add(node(zone + "/n" + (10_000 + i)));
                if (i % 7 == 0) {
                    out.add(node(zone + "/n" + (10_000 + i) + "/sub"));
                }
            }
        }
        out.add(node("/top"));
        out.sort((x, y) -> x.key().compareTo(y.key()));
        return out;
    }

    private static Index.Keys oneByOne(List<Node> nodes) {
        Index.Keys k = new Index.Keys("/skydns");
        for (Node n : nodes) {
            k.put(n);
        }
        return k;
    }

    /** The names table with its arrays as lists, which compare by their nodes. */
    private static TreeMap<String, List<Node>> lists(Map<String, Node[]> names) {
        TreeMap<String, List<Node>> out = new TreeMap<>();
        names.forEach((name, read) -> out.put(name, List.of(read)));
        return out;
    }

    @Test
    void bulkLoadEqualsPuts() {
        for (int perZone : new int[] {5, 2_000}) {
            List<Node> nodes = keys(perZone);
            Index.Keys bulk = Index.Keys.load("/skydns", nodes, n -> n);
            Index.Keys puts = oneByOne(nodes);
            assertEquals(puts.exact, bulk.exact);
            assertEquals(new ArrayList<>(puts.ordered.keySet()), new ArrayList<>(bulk.ordered.keySet()));
            assertEquals(new TreeMap<>(puts.below), new TreeMap<>(bulk.below));
            assertEquals(lists(puts.names), lists(bulk.names));
            // and the counts and names still follow deletes: the last key under a path removes the path
            for (Node n : nodes) {
                bulk.remove(n.key());
            }
            assertEquals(Map.of(), bulk.below);
            assertEquals(Map.of(), bulk.names);
        }
    }

    @Test
    void unorderedKeysAreCountedRight() {
        List<Node> nodes = new ArrayList<>(keys(3));
        List<Node> shuffled = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            shuffled.add(nodes.get((i * 7) % nodes.size()));
        }
        assertEquals(new TreeMap<>(oneByOne(nodes).below), new TreeMap<>(Index.Keys.load("/skydns", shuffled, n -> n).below));
    }

    @Test
    void viewReadsABulkLoad() {
        Index index = Index.of(keys(2_000));
        // 2,000 names under the path, and a sub-key under every seventh (286 of them)
        assertEquals(2_286, index.view().get("/skydns/local/a", true).size());
        assertEquals("/skydns/local/a/n10007/sub", index.view().get("/skydns/local/a/n10007", true).get(0).key());
        assertEquals(1, index.view().get("/skydns/local/a/n10001", true).size());
        assertNull(index.view().get("/skydns/nothing", true));
    }
}
