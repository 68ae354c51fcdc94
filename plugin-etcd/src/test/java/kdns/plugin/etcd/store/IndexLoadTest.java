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
        Index.Keys k = new Index.Keys();
        for (Node n : nodes) {
            k.put(n);
        }
        return k;
    }

    @Test
    void bulkLoadEqualsPuts() {
        for (int perZone : new int[] {5, 2_000}) {
            List<Node> nodes = keys(perZone);
            Index.Keys bulk = Index.Keys.load(nodes, n -> n);
            Index.Keys puts = oneByOne(nodes);
            assertEquals(puts.exact, bulk.exact);
            assertEquals(new ArrayList<>(puts.ordered.keySet()), new ArrayList<>(bulk.ordered.keySet()));
            assertEquals(new TreeMap<>(puts.below), new TreeMap<>(bulk.below));
            // and the counts still follow deletes: the last key under a path removes the path
            for (Node n : nodes) {
                bulk.remove(n.key());
            }
            assertEquals(Map.of(), bulk.below);
        }
    }

    @Test
    void unorderedKeysAreCountedRight() {
        List<Node> nodes = new ArrayList<>(keys(3));
        List<Node> shuffled = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            shuffled.add(nodes.get((i * 7) % nodes.size()));
        }
        Index.Keys puts = oneByOne(shuffled);
        Index.Keys bulk = Index.Keys.load(shuffled, n -> n);
        assertEquals(new TreeMap<>(puts.below), new TreeMap<>(bulk.below));
        assertEquals(puts.exact, bulk.exact);
        assertEquals(new ArrayList<>(puts.ordered.keySet()), new ArrayList<>(bulk.ordered.keySet()));
    }

    @Test
    void aRepeatedKeyKeepsItsLastNode() {
        Node first = node("/skydns/local/a/x");
        Node last = Node.of("/skydns/local/a/x", "{\"host\":\"10.0.0.2\"}".getBytes(StandardCharsets.UTF_8), 0, 2);
        Index.Keys bulk = Index.Keys.load(List.of(first, node("/skydns/local/a/y"), last), n -> n);
        assertEquals(last, bulk.exact.get("/skydns/local/a/x"));
        assertEquals(last, bulk.ordered.get("/skydns/local/a/x"));
        assertEquals(2, bulk.below.get("/skydns/local/a"));
    }

    @Test
    void aSortedLoadTakesLaterPutsAndRemoves() {
        Index.Keys bulk = Index.Keys.load(keys(50), n -> n);
        Index.Keys puts = oneByOne(keys(50));
        for (String key : List.of("/skydns/local/a/n10000a", "/skydns/local/0", "/zzz", "/skydns/local/b/x/n10049/sub")) {
            bulk.put(node(key));
            puts.put(node(key));
        }
        bulk.remove("/skydns/local/a/n10007");
        puts.remove("/skydns/local/a/n10007");
        assertEquals(new ArrayList<>(puts.ordered.keySet()), new ArrayList<>(bulk.ordered.keySet()));
        assertEquals(new TreeMap<>(puts.below), new TreeMap<>(bulk.below));
    }

    /** Keys that are ascending in String order but not in UTF-8 byte order still load in String order. */
    @Test
    void keysBeyondTheBasicPlaneLoadInStringOrder() {
        // etcd's (UTF-8 byte) order: in String order the last key comes before the second
        List<Node> nodes = List.of(node("/skydns/a/b"), node("/skydns/a/\uFF21"), node("/skydns/a/\uD83D\uDE00"));
        Index.Keys bulk = Index.Keys.load(nodes, n -> n);
        assertEquals(new ArrayList<>(oneByOne(nodes).ordered.keySet()), new ArrayList<>(bulk.ordered.keySet()));
        assertEquals(3, bulk.below.get("/skydns/a"));
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
