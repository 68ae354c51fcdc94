package kdns.plugin.etcd.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The sorted view of a full read reads as a tree map of the same nodes does. */
class SortedRunTest {

    private static Node[] nodes(String... keys) {
        Node[] out = new Node[keys.length];
        for (int i = 0; i < keys.length; i++) {
            out[i] = Node.of(keys[i], "{}".getBytes(StandardCharsets.UTF_8), 0, 1);
        }
        return out;
    }

    private static TreeMap<String, Node> tree(Node[] nodes) {
        TreeMap<String, Node> t = new TreeMap<>();
        for (Node n : nodes) {
            t.put(n.key(), n);
        }
        return t;
    }

    private static void same(SortedMap<String, Node> want, SortedMap<String, Node> got) {
        assertEquals(new ArrayList<>(want.entrySet()), new ArrayList<>(got.entrySet()));
        assertEquals(want.size(), got.size());
        assertEquals(want, got);
    }

    @Test
    void readsAsATreeMap() {
        Node[] nodes = nodes("/a", "/a/b", "/a/c", "/b", "/c/d");
        SortedRun run = new SortedRun(nodes);
        TreeMap<String, Node> tree = tree(nodes);
        same(tree, run);
        assertNull(run.comparator());
        assertEquals("/a", run.firstKey());
        assertEquals("/c/d", run.lastKey());
        same(tree.subMap("/a/", "/a0"), run.subMap("/a/", "/a0"));
        same(tree.headMap("/b"), run.headMap("/b"));
        same(tree.tailMap("/a/c"), run.tailMap("/a/c"));
        same(tree.tailMap("/a/").headMap("/b"), run.tailMap("/a/").headMap("/b"));
        same(tree.subMap("/z", "/zz"), run.subMap("/z", "/zz"));
        assertEquals(nodes[2], run.get("/a/c"));
    }

    @Test
    void anEmptyRunHasNoEnds() {
        SortedRun empty = new SortedRun(nodes());
        assertEquals(0, empty.size());
        assertThrows(NoSuchElementException.class, empty::firstKey);
        assertThrows(NoSuchElementException.class, empty::lastKey);
        assertThrows(NoSuchElementException.class, () -> empty.entrySet().iterator().next());
        assertThrows(IllegalArgumentException.class, () -> new SortedRun(nodes("/a")).subMap("/b", "/a"));
        assertEquals(List.of(), new ArrayList<>(new SortedRun(nodes("/a", "/b")).subMap("/a0", "/a1").keySet()));
    }
}
