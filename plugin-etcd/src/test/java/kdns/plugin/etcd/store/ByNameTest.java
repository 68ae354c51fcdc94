package kdns.plugin.etcd.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import kdns.plugin.etcd.msg.Paths;
import org.junit.jupiter.api.Test;

/**
 * {@link Index.View#byName} finds what {@link Index.View#get} reads for a query's name, by the
 * name, or says to read by path: through puts, deletes, leaves gaining and losing keys below them,
 * keys no plain name gives, and another prefix.
 */
class ByNameTest {

    private static final String PREFIX = "/skydns";

    private static Node node(String key) {
        return Node.of(key, "{\"host\":\"10.0.0.1\"}".getBytes(StandardCharsets.UTF_8), 0, 1);
    }

    @Test
    void namesOfPaths() {
        assertEquals("x.example.org.", Names.of("/skydns/org/example/x", "/skydns"));
        assertEquals("x.example.org.", Names.of("/org/example/x", "/"));
        assertEquals("org.", Names.of("/skydns/org", "/skydns"));
        assertNull(Names.of("/skydns", "/skydns"));
        assertNull(Names.of("/skydnsx/org", "/skydns"));
        assertNull(Names.of("/skydns//org", "/skydns"));
        assertNull(Names.of("/skydns/org//x", "/skydns"));
        assertNull(Names.of("/skydns/org/", "/skydns"));
        assertNull(Names.of("/skydns/org/X", "/skydns"));
        assertNull(Names.of("/skydns/org/*", "/skydns"));
        assertNull(Names.of("/skydns/org/any/x", "/skydns"));
        assertNull(Names.of("/skydns/org/a.b", "/skydns"));
        assertNull(Names.of("/skydns/org/a\\b", "/skydns"));
        assertNull(Names.of("/other/org", "/skydns"));
        assertTrue(Names.isPlain("a-b_c.any1.org."));
        assertFalse(Names.isPlain("."));
        assertFalse(Names.isPlain("x.any.org."));
        assertFalse(Names.isPlain("*.org."));
        assertFalse(Names.isPlain("a\\.b.org."));
        assertFalse(Names.isPlain("A.org."));
        assertFalse(Names.isPlain("org"));
    }

    /** For every name asked: byName agrees with get(path, true) as a query for the name reads it. */
    private static void agrees(Index index, List<String> asked) {
        Index.View v = index.view();
        for (String name : asked) {
            Node[] found = v.byName(name, PREFIX);
            Paths.Wildcard w = Paths.pathWithWildcard(name, PREFIX);
            List<Node> read = w.star() ? null : v.get(w.path(), true);
            if (found == null) {
                continue; // read by path: always right
            }
            assertFalse(w.star(), name);
            if (found == Index.NOTHING) {
                assertNull(read, name);
            } else {
                assertEquals(List.of(found), read, name);
            }
        }
    }

    @Test
    void followsPutsAndDeletes() {
        Index index = new Index(PREFIX);
        index.put(node("/skydns/org/example/www"));
        index.put(node("/skydns/org/example/mail"));
        Index.View v = index.view();
        assertEquals("/skydns/org/example/www", v.byName("www.example.org.", PREFIX)[0].key());
        assertEquals(List.of("/skydns/org/example/mail", "/skydns/org/example/www"), keys(v.byName("example.org.", PREFIX)));
        assertNull(v.byName("org.", PREFIX)); // keys deeper below it: read by path
        assertSame(Index.NOTHING, v.byName("nope.example.org.", PREFIX));
        assertNull(v.byName("nope.example.org.", "/other")); // another prefix: read by path
        assertNull(v.byName("*.example.org.", PREFIX));
        assertNull(new Index().view().byName("www.example.org.", PREFIX));

        index.put(node("/skydns/org/example/www/a/b")); // the leaf gets keys below it
        assertNull(index.view().byName("www.example.org.", PREFIX));
        assertEquals(List.of("/skydns/org/example/www/a/b"), keys(index.view().byName("a.www.example.org.", PREFIX)));
        assertEquals("/skydns/org/example/www/a/b", index.view().byName("b.a.www.example.org.", PREFIX)[0].key());
        index.remove("/skydns/org/example/www/a/b"); // and loses them
        assertEquals("/skydns/org/example/www", index.view().byName("www.example.org.", PREFIX)[0].key());
        assertSame(Index.NOTHING, index.view().byName("a.www.example.org.", PREFIX));
        index.remove("/skydns/org/example/www");
        assertSame(Index.NOTHING, index.view().byName("www.example.org.", PREFIX));
        Node replaced = node("/skydns/org/example/mail");
        index.put(replaced);
        assertSame(replaced, index.view().byName("mail.example.org.", PREFIX)[0]);
    }

    private static List<String> keys(Node[] read) {
        return Arrays.stream(read).map(Node::key).toList();
    }

    private static Node value(String key, String json) {
        return Node.of(key, json.getBytes(StandardCharsets.UTF_8), 0, 1);
    }

    @Test
    void externalDnsTargetsAreReadByTheirName() {
        Index index = new Index(PREFIX);
        // As ExternalDNS writes a Service with two addresses and its ownership record: a random label each.
        index.put(value("/skydns/local/k8s/nginx/1a2b3c4d", "{\"host\":\"10.0.0.2\",\"targetstrip\":1}"));
        index.put(value("/skydns/local/k8s/nginx/0e5f6a7b", "{\"host\":\"10.0.0.1\",\"targetstrip\":1}"));
        index.put(value("/skydns/local/k8s/nginx/3c4d5e6f", "{\"text\":\"\\\"heritage=external-dns\\\"\"}"));
        assertEquals(List.of("/skydns/local/k8s/nginx/0e5f6a7b", "/skydns/local/k8s/nginx/1a2b3c4d",
                "/skydns/local/k8s/nginx/3c4d5e6f"), keys(index.view().byName("nginx.k8s.local.", PREFIX)));
        index.remove("/skydns/local/k8s/nginx/1a2b3c4d");
        assertEquals(List.of("/skydns/local/k8s/nginx/0e5f6a7b", "/skydns/local/k8s/nginx/3c4d5e6f"),
                keys(index.view().byName("nginx.k8s.local.", PREFIX)));
    }

    @Test
    void leavesBelowANameWithAGroupOrABadValueOrTooManyAreReadByPath() {
        Index index = new Index(PREFIX);
        index.put(value("/skydns/local/g/a", "{\"host\":\"10.0.0.1\",\"group\":\"g1\"}"));
        index.put(value("/skydns/local/g/b", "{\"host\":\"10.0.0.2\"}"));
        assertNull(index.view().byName("g.local.", PREFIX));
        index.put(value("/skydns/local/bad/a", "{\"host\":"));
        assertNull(index.view().byName("bad.local.", PREFIX));
        for (int i = 0; i <= Index.MOST_LEAVES; i++) {
            index.put(value("/skydns/local/many/n" + i, "{\"host\":\"10.0.1." + i + "\"}"));
            if (i < Index.MOST_LEAVES) {
                assertEquals(i + 1, index.view().byName("many.local.", PREFIX).length);
            }
        }
        assertNull(index.view().byName("many.local.", PREFIX));
        index.remove("/skydns/local/many/n0");
        assertEquals(Index.MOST_LEAVES, index.view().byName("many.local.", PREFIX).length);
    }

    @Test
    void randomKeysAgreeWithPathReads() {
        Random r = new Random(17);
        String[] labels = {"a", "b", "any", "*", "x.y", "Up", "c-d", "e_f", ""};
        Index bulk = null;
        Index index = new Index(PREFIX);
        List<String> keys = new ArrayList<>();
        List<String> asked = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            StringBuilder key = new StringBuilder(PREFIX);
            StringBuilder name = new StringBuilder();
            int depth = 1 + r.nextInt(4);
            for (int d = 0; d < depth; d++) {
                String l = labels[r.nextInt(labels.length)];
                key.append('/').append(l);
                name.insert(0, l.isEmpty() ? "" : l + ".");
            }
            String k = key.toString();
            asked.add(name.length() == 0 ? "." : name.toString());
            if (r.nextInt(3) == 0 && !keys.isEmpty()) {
                index.remove(keys.remove(r.nextInt(keys.size())));
            } else {
                index.put(node(k));
                keys.add(k);
            }
            if (i % 500 == 0) {
                agrees(index, asked);
            }
        }
        agrees(index, asked);
        List<Node> all = new ArrayList<>();
        for (String k : new java.util.TreeSet<>(keys)) {
            all.add(node(k));
        }
        bulk = Index.of(PREFIX, all);
        agrees(bulk, asked);
    }
}
