package kdns.plugin.kubernetes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kubernetes.client.informer.cache.Cache;
import io.kubernetes.client.informer.cache.Caches;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The informer's store against the client's {@link Cache}: the same keys, lookups and contents. */
class SlimStoreTest {

    private final SlimStore store = new SlimStore();
    private final Cache<SlimObject> cache = new Cache<>();

    private void add(SlimObject o) {
        store.add(o);
        cache.add(o);
    }

    private void delete(SlimObject o) {
        store.delete(o);
        cache.delete(o);
    }

    private static List<String> sorted(List<String> keys) {
        List<String> out = new ArrayList<>(keys);
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private void assertSameAsCache() {
        assertEquals(sorted(cache.listKeys()), sorted(store.listKeys()));
        assertEquals(cache.list().size(), store.size());
        for (String key : cache.listKeys()) {
            assertSame(cache.getByKey(key), store.getByKey(key), key);
        }
    }

    @Test
    void keysAndLookupsAreTheClientCachesThroughGrowthAndShrinking() {
        List<SlimObject> objects = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            // namespaced and cluster-scoped objects; names that equal a namespace/name key's halves
            SlimObject o = new SlimObject(i % 3 == 0 ? null : "ns" + (i % 7), "o" + i, Integer.toString(i), i);
            objects.add(o);
            add(o);
        }
        assertSameAsCache();
        for (int i = 0; i < 3000; i += 2) {
            delete(objects.get(i));
        }
        assertSameAsCache();
        for (int i = 0; i < 3000; i += 2) {
            assertNull(store.get(objects.get(i)));
            assertSame(objects.get(i + 1), store.get(objects.get(i + 1)));
        }
        for (int i = 1; i < 3000; i += 2) {
            delete(objects.get(i));
        }
        assertSameAsCache();
        assertEquals(0, store.size());
    }

    @Test
    void anUpdateReplacesTheObjectWithTheSameNamespaceAndName() {
        SlimObject first = new SlimObject("ns", "a", "1", "x");
        SlimObject second = new SlimObject("ns", "a", "2", "y");
        SlimObject other = new SlimObject("other", "a", "3", "z");
        add(first);
        add(other);
        store.update(second);
        cache.update(second);
        assertSameAsCache();
        assertSame(second, store.getByKey("ns/a"));
        assertSame(second, store.get(first));
        assertSame(other, store.getByKey("other/a"));
    }

    @Test
    void anEmptyNamespaceIsAClusterScopedKey() {
        SlimObject empty = new SlimObject("", "n", "1", null);
        add(empty);
        assertSame(empty, store.getByKey("n"));
        assertSame(empty, store.get(new SlimObject(null, "n", "2", null)));
        assertSameAsCache();
    }

    @Test
    void replaceHoldsExactlyTheList() {
        add(new SlimObject("ns", "gone", "1", null));
        List<SlimObject> list = List.of(new SlimObject("ns", "a", "2", null), new SlimObject("ns", "b", "3", null));
        store.replace(list, "9");
        cache.replace(list, "9");
        assertSameAsCache();
        assertNull(store.getByKey("ns/gone"));
    }

    @Test
    void theNamespaceIndexIsTheClientCaches() {
        add(new SlimObject("a", "x", "1", null));
        add(new SlimObject("a", "y", "2", null));
        add(new SlimObject("b", "x", "3", null));
        assertEquals(sorted(cache.indexKeys(Caches.NAMESPACE_INDEX, "a")),
                sorted(store.indexKeys(Caches.NAMESPACE_INDEX, "a")));
        assertEquals(1, store.byIndex(Caches.NAMESPACE_INDEX, "b").size());
        assertEquals(2, store.index(Caches.NAMESPACE_INDEX, new SlimObject("a", "z", "4", null)).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.byIndex("nodes", "a"));
        assertEquals("no index nodes in the informer's store (only namespace)", e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> store.addIndexers(Map.of("nodes", o -> List.of())));
    }

    @Test
    void sameAsHeldHandsOnTheHeldPayloadOnlyWhenEqual() {
        String held = new String("payload");
        store.add(new SlimObject("ns", "a", "1", held));
        store.add(new SlimObject(null, "cluster-scoped", "1", held));
        assertSame(held, store.sameAsHeld("ns", "a", new String("payload")), "unchanged: the held one");
        assertSame(held, store.sameAsHeld(null, "cluster-scoped", new String("payload")));
        String changed = "changed";
        assertSame(changed, store.sameAsHeld("ns", "a", changed), "changed: itself");
        String other = new String("payload");
        assertSame(other, store.sameAsHeld("ns", "b", other), "not held: itself");
        assertSame(other, store.sameAsHeld("other", "a", other), "another namespace: itself");
        assertNull(store.sameAsHeld("ns", "a", null));
    }
}
