package kdns.plugin.kubernetes.watch;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.cache.Caches;
import io.kubernetes.client.informer.cache.Indexer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The informer's store of slim objects: the objects themselves in one open-addressing table,
 * found by their own namespace and name.
 *
 * <p>The client's {@code Cache} files each object under a {@code namespace/name} key string in a
 * HashMap, and again under its namespace in an index of key sets: a key string and two map nodes
 * an object, about 130 bytes, 26 MiB of the heap with 100,000 Services and their slices. Here an
 * object costs one table slot (4 to 8 bytes at the table's load). Key strings are made only
 * when asked for ({@link #getByKey} takes one apart, {@link #listKeys} makes them); the informer
 * and {@link ListBatchingDeltaQueue} look objects up by the objects themselves ({@link #get}).
 *
 * <p>Keys are the client's ({@link Caches#deletionHandlingMetaNamespaceKeyFunc}): {@code
 * namespace/name}, or the name alone for a cluster-scoped object. The one index is the client's
 * {@code namespace} index, answered by a scan (kdns asks no index; it is there because the
 * interface has it). Every method holds the store's lock: the reflector's thread reads while the
 * informer's thread writes.
 */
final class SlimStore implements Indexer<SlimObject> {

    private static final int MIN_CAPACITY = 16;

    /** Slots, a power of two in size, at most half full; null is an empty slot. */
    private SlimObject[] table = new SlimObject[MIN_CAPACITY];
    private int size;

    /** The key the client's cache would file {@code obj} under. */
    static String keyOf(KubernetesObject obj) {
        return obj instanceof SlimObject s ? s.key() : Caches.deletionHandlingMetaNamespaceKeyFunc(obj);
    }

    @Override
    public synchronized void add(SlimObject obj) {
        put(obj);
    }

    @Override
    public synchronized void update(SlimObject obj) {
        put(obj);
    }

    @Override
    public synchronized void delete(SlimObject obj) {
        removeKey(ns(obj.namespace()), name(obj.name()));
    }

    /** Holds exactly {@code list}'s objects from now on (the version is not kept). */
    @Override
    public synchronized void replace(List<SlimObject> list, String resourceVersion) {
        table = new SlimObject[capacityFor(list.size())];
        size = 0;
        for (SlimObject o : list) {
            put(o);
        }
    }

    /** Nothing to do: the store holds no second copy to bring in line. */
    @Override
    public void resync() {
    }

    @Override
    public synchronized List<String> listKeys() {
        List<String> keys = new ArrayList<>(size);
        for (SlimObject o : table) {
            if (o != null) {
                keys.add(o.key());
            }
        }
        return keys;
    }

    /** The stored object with {@code obj}'s namespace and name, or null. */
    @Override
    public synchronized Object get(SlimObject obj) {
        return find(ns(obj.namespace()), name(obj.name()));
    }

    /** The stored object under a key ({@code namespace/name}, or a name alone), or null. */
    @Override
    public synchronized SlimObject getByKey(String key) {
        int slash = key.indexOf('/');
        return slash < 0 ? find("", key) : find(key.substring(0, slash), key.substring(slash + 1));
    }

    /** A copy of the stored objects, in no particular order. */
    @Override
    public synchronized List<SlimObject> list() {
        List<SlimObject> all = new ArrayList<>(size);
        for (SlimObject o : table) {
            if (o != null) {
                all.add(o);
            }
        }
        return all;
    }

    /** The objects in the namespace of {@code obj}, for the {@code namespace} index. */
    @Override
    public List<SlimObject> index(String indexName, SlimObject obj) {
        return byIndex(indexName, ns(obj.namespace()));
    }

    @Override
    public synchronized List<String> indexKeys(String indexName, String indexKey) {
        List<String> keys = new ArrayList<>();
        for (SlimObject o : byIndex(indexName, indexKey)) {
            keys.add(o.key());
        }
        return keys;
    }

    @Override
    public synchronized List<SlimObject> byIndex(String indexName, String indexKey) {
        if (!Caches.NAMESPACE_INDEX.equals(indexName)) {
            throw new IllegalArgumentException("no index " + indexName + " in the informer's store (only "
                    + Caches.NAMESPACE_INDEX + ")");
        }
        List<SlimObject> found = new ArrayList<>();
        for (SlimObject o : table) {
            if (o != null && ns(o.namespace()).equals(indexKey)) {
                found.add(o);
            }
        }
        return found;
    }

    @Override
    public Map<String, Function<SlimObject, List<String>>> getIndexers() {
        return Map.of(Caches.NAMESPACE_INDEX, o -> List.of(ns(o.namespace())));
    }

    /** Refused: kdns adds no index, and this store keeps none but the namespace one. */
    @Override
    public void addIndexers(Map<String, Function<SlimObject, List<String>>> indexers) {
        throw new UnsupportedOperationException("the informer's store takes no further indexes: " + indexers.keySet());
    }

    /**
     * The payload of the stored object of this namespace and name when it equals {@code payload},
     * else {@code payload}. A relist (after 410 Gone) brings every object again, mostly unchanged:
     * handing on the held payload lets the new copy go at once, so the relist does not hold the
     * cluster twice, and the index sees the very value it holds (nothing to change).
     */
    synchronized Object sameAsHeld(String namespace, String name, Object payload) {
        if (payload == null || name == null) {
            return payload;
        }
        SlimObject held = find(ns(namespace), name);
        return held != null && payload.equals(held.payload()) ? held.payload() : payload;
    }

    synchronized int size() {
        return size;
    }

    private void put(SlimObject obj) {
        String ns = ns(obj.namespace());
        String name = name(obj.name());
        int mask = table.length - 1;
        for (int i = slot(ns, name, mask); ; i = (i + 1) & mask) {
            SlimObject o = table[i];
            if (o == null) {
                table[i] = obj;
                if (++size * 2 > table.length) {
                    rehash(table.length * 2);
                }
                return;
            }
            if (same(o, ns, name)) {
                table[i] = obj;
                return;
            }
        }
    }

    private SlimObject find(String ns, String name) {
        int mask = table.length - 1;
        for (int i = slot(ns, name, mask); ; i = (i + 1) & mask) {
            SlimObject o = table[i];
            if (o == null || same(o, ns, name)) {
                return o;
            }
        }
    }

    private void removeKey(String ns, String name) {
        int mask = table.length - 1;
        int i = slot(ns, name, mask);
        while (true) {
            SlimObject o = table[i];
            if (o == null) {
                return;
            }
            if (same(o, ns, name)) {
                break;
            }
            i = (i + 1) & mask;
        }
        // Backward-shift deletion: move later objects of the same run into the gap, so every
        // object stays reachable from its home slot without tombstones.
        int gap = i;
        for (int j = (gap + 1) & mask; table[j] != null; j = (j + 1) & mask) {
            SlimObject o = table[j];
            int home = slot(ns(o.namespace()), name(o.name()), mask);
            if (((j - home) & mask) >= ((j - gap) & mask)) {
                table[gap] = o;
                gap = j;
            }
        }
        table[gap] = null;
        size--;
        if (table.length > MIN_CAPACITY && size * 8 < table.length) {
            rehash(capacityFor(size));
        }
    }

    private void rehash(int capacity) {
        SlimObject[] old = table;
        table = new SlimObject[capacity];
        size = 0;
        for (SlimObject o : old) {
            if (o != null) {
                put(o);
            }
        }
    }

    /** The table size that holds {@code n} objects at most half full. */
    private static int capacityFor(int n) {
        int c = MIN_CAPACITY;
        while (c < n * 2L) {
            c *= 2;
        }
        return c;
    }

    private static int slot(String ns, String name, int mask) {
        int h = (ns.hashCode() * 31 + name.hashCode()) * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    private static boolean same(SlimObject o, String ns, String name) {
        return name(o.name()).equals(name) && ns(o.namespace()).equals(ns);
    }

    /** A missing namespace and an empty one file an object under the same key (its name). */
    private static String ns(String namespace) {
        return namespace == null ? "" : namespace;
    }

    private static String name(String name) {
        return name == null ? "" : name;
    }
}
