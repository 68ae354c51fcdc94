package kdns.plugin.etcd.store;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;

/**
 * The in-memory copy of every key under the plugin's path, fed by the etcd watch. Readers (the DNS
 * threads) take a {@link #view()} and only read maps; writers (the store's single watch thread)
 * apply events to the current map or swap in a complete new one after a relist. Keys are ordered
 * as etcd orders them (byte order, the same as String order for the ASCII keys DNS names give).
 */
public final class Index {

    /** A lease whose remaining time is not known yet. */
    public static final long UNKNOWN = Long.MIN_VALUE;

    /** The SkyDNS key prefix (normalised) whose keys get {@link Keys#names}; null for none. */
    private final String prefix;
    private volatile Keys keys;
    /** Lease ID to the System.nanoTime() at which it expires. */
    private final Map<Long, Long> leaseDeadlines = new ConcurrentHashMap<>();

    /**
     * An index holding exactly {@code nodes}, with no lease times known yet (as right after a first
     * read): for answering from keys read elsewhere, such as a benchmark's data set.
     */
    public static Index of(List<Node> nodes) {
        return of(null, nodes);
    }

    /** As {@link #of(List)}, with the names of the keys under {@code prefix} (see {@link View#byName}). */
    public static Index of(String prefix, List<Node> nodes) {
        Index index = new Index(prefix);
        index.replace(Keys.load(prefix, nodes, n -> n));
        return index;
    }

    /** An empty index whose keys are only read by path. */
    public Index() {
        this(null);
    }

    /**
     * An empty index that also finds the keys under {@code prefix} (normalised, as
     * {@link kdns.plugin.etcd.msg.Paths#normalizePrefix} gives it) by their DNS names.
     */
    public Index(String prefix) {
        this.prefix = prefix;
        this.keys = new Keys(prefix);
    }

    /** The prefix given at construction (null for none). */
    public String prefix() {
        return prefix;
    }

    /** What a query reads: one map for the whole query, so a relist swap is never seen half-way. */
    public View view() {
        return new View(keys, this);
    }

    /** Number of keys. */
    public int size() {
        return keys.size();
    }

    /** Replaces everything (initial load and relists). */
    void replace(Keys fresh) {
        keys = fresh;
    }

    /** Applies a put; returns the node it replaced, or null. */
    Node put(Node n) {
        return keys.put(n);
    }

    /** Applies a delete; returns the removed node, or null. */
    Node remove(String key) {
        return keys.remove(key);
    }

    /** Every lease some key currently uses. */
    Set<Long> leasesInUse() {
        Set<Long> out = new HashSet<>();
        for (Node n : keys.exact.values()) {
            if (n.lease() != 0) {
                out.add(n.lease());
            }
        }
        return out;
    }

    /** Records a lease's remaining time (seconds, as etcd's TimeToLive says; -1 when expired). */
    void leaseTtl(long lease, long ttlSeconds, long askedAtNanos) {
        leaseDeadlines.put(lease, askedAtNanos + Math.max(0, ttlSeconds) * 1_000_000_000L);
    }

    /** Forgets leases no key uses any more. */
    void retainLeases(Set<Long> inUse) {
        leaseDeadlines.keySet().retainAll(inUse);
    }

    boolean knowsLease(long lease) {
        return leaseDeadlines.containsKey(lease);
    }

    /** Whole seconds left on a lease (rounded up, 0 once expired), or {@link #UNKNOWN}. */
    public long leaseRemaining(long lease) {
        Long deadline = leaseDeadlines.get(lease);
        if (deadline == null) {
            return UNKNOWN;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return 0;
        }
        return (left + 999_999_999L) / 1_000_000_000L;
    }

    /**
     * The keys twice over: ordered for sub-tree reads, hashed for the exact reads nearly every query
     * makes, with the number of keys below each path so that a query for a leaf (or for nothing)
     * costs two hash lookups instead of walks of a skip list comparing long common prefixes (a
     * third of the plugin's CPU under load before). Written by one thread; readers tolerate a write
     * in progress, since a sub-tree read that finds nothing falls back to the exact key.
     * With a prefix, the keys whose path a plain DNS name gives are also held by that name
     * ({@link #names}), so that the usual query finds its leaf, the few leaves right below the name
     * (ExternalDNS writes one per target, under a random label), or that there is nothing, without
     * building the path.
     */
    static final class Keys {
        final ConcurrentSkipListMap<String, Node> ordered = new ConcurrentSkipListMap<>();
        final ConcurrentHashMap<String, Node> exact = new ConcurrentHashMap<>();
        /** Path to the number of keys that start with the path and a slash (absent when none). */
        final ConcurrentHashMap<String, Integer> below = new ConcurrentHashMap<>();
        /** See {@link Index#prefix}. */
        final String prefix;
        /**
         * By DNS name ({@link Names#of}), every path under the prefix that a plain name gives and
         * that is a key or has keys below it: what a query for the name reads, when that is the
         * path's own key with nothing below (a leaf), or at most {@link #MOST_LEAVES} keys right below
         * the path, each with a value that decodes and no group (ExternalDNS's targets); else
         * {@link #INNER}. Kept in step with {@link #exact}, {@link #ordered} and {@link #below} by the
         * writer; empty without a prefix.
         */
        final ConcurrentHashMap<String, Node[]> names = new ConcurrentHashMap<>();

        Keys(String prefix) {
            this.prefix = prefix;
        }

        int size() {
            return exact.size();
        }

        Node put(Node n) {
            ordered.put(n.key(), n);
            Node old = exact.put(n.key(), n);
            if (old == null) {
                countAncestors(n.key(), 1);
            }
            nameAncestors(n.key());
            return old;
        }

        /**
         * The keys of a full read: {@code items} (in etcd's key order) decoded and added. (Decoding the
         * second half on a helper thread was tried: at start-up it was within the machine's noise,
         * -0.04 to +0.01 s on the median ready time with 10,000 keys, so it was left out.)
         */
        static <T> Keys load(String prefix, List<T> items, Function<T, Node> decode) {
            Keys keys = new Keys(prefix);
            keys.addAll(items, decode);
            if (prefix != null) {
                for (Node n : keys.exact.values()) {
                    keys.name(n.key());
                }
                for (String path : keys.below.keySet()) {
                    keys.name(path);
                }
            }
            return keys;
        }

        /**
         * Adds decoded items. Keys in order share their ancestors with the key before, so a run of
         * keys under one path is counted once per ancestor instead of once per key and ancestor (a
         * substring and a map merge each). Order only saves work: unordered keys are counted right too.
         */
        private <T> void addAll(List<T> items, Function<T, Node> decode) {
            List<String> paths = new ArrayList<>();
            List<int[]> counts = new ArrayList<>();
            for (T item : items) {
                Node n = decode.apply(item);
                String key = n.key();
                ordered.put(key, n);
                if (exact.put(key, n) != null) {
                    continue;
                }
                int depth = 0;
                for (int i = key.indexOf('/'); i >= 0; i = key.indexOf('/', i + 1), depth++) {
                    if (depth < paths.size()) {
                        String p = paths.get(depth);
                        if (p.length() == i && key.startsWith(p)) {
                            counts.get(depth)[0]++;
                            continue;
                        }
                        flush(paths, counts, depth);
                    }
                    paths.add(key.substring(0, i));
                    counts.add(new int[] {1});
                }
                flush(paths, counts, depth);
            }
            flush(paths, counts, 0);
        }

        /** Adds the counts held for the paths from {@code depth} down, and forgets those paths. */
        private void flush(List<String> paths, List<int[]> counts, int depth) {
            for (int d = paths.size() - 1; d >= depth; d--) {
                below.merge(paths.remove(d), counts.remove(d)[0], Integer::sum);
            }
        }

        Node remove(String key) {
            Node old = exact.remove(key);
            if (old != null) {
                countAncestors(key, -1);
                ordered.remove(key);
                nameAncestors(key);
            }
            return old;
        }

        /** Every prefix of {@code key} that ends just before one of its slashes gains or loses a key. */
        private void countAncestors(String key, int delta) {
            for (int i = key.indexOf('/'); i >= 0; i = key.indexOf('/', i + 1)) {
                below.merge(key.substring(0, i), delta, (a, b) -> a + b == 0 ? null : a + b);
            }
        }

        /** {@link #name} for {@code key} and every path above it, after a put or a delete of the key. */
        private void nameAncestors(String key) {
            if (prefix == null) {
                return;
            }
            name(key);
            for (int i = key.indexOf('/'); i >= 0; i = key.indexOf('/', i + 1)) {
                name(key.substring(0, i));
            }
        }

        /** Brings the entry of {@code path}'s name in {@link #names} in line with the maps (when it has a name). */
        private void name(String path) {
            String name = Names.of(path, prefix);
            if (name == null) {
                return;
            }
            Node n = exact.get(path);
            Integer keysBelow = below.get(path);
            if (n != null && keysBelow == null) {
                names.put(name, new Node[] {n});
            } else if (keysBelow != null) {
                Node[] leaves = keysBelow <= MOST_LEAVES ? leavesBelow(path, keysBelow) : null;
                names.put(name, leaves == null ? INNER : leaves);
            } else if (n != null) {
                names.put(name, INNER);
            } else {
                names.remove(name);
            }
        }

        /**
         * The {@code count} keys below {@code path} in key order (as {@link View#get} reads them),
         * when every one is right below it, decodes and has no group (so that what a query does with
         * them is what {@link View#get}'s caller does); else null.
         */
        private Node[] leavesBelow(String path, int count) {
            Node[] leaves = new Node[count];
            int i = 0;
            for (Node c : ordered.subMap(path + "/", true, path + "0", false).values()) {
                if (i == count || c.key().indexOf('/', path.length() + 1) >= 0 || c.service() == null
                        || !c.service().group().isEmpty()) {
                    return null;
                }
                leaves[i++] = c;
            }
            return i == count ? leaves : null;
        }
    }

    /** The most keys right below a name that {@link Keys#names} holds by the name. */
    static final int MOST_LEAVES = 8;

    /** What {@link Keys#names} holds for a path that must be read by path (told apart by identity). */
    private static final Node[] INNER = new Node[0];

    /** What {@link View#byName} returns when there is nothing at the name (told apart by identity). */
    public static final Node[] NOTHING = new Node[0];

    /** A consistent read of the keys for one query. */
    public static final class View {
        private final Keys keys;
        private final Index index;

        View(Keys keys, Index index) {
            this.keys = keys;
            this.index = index;
        }

        /**
         * What CoreDNS's {@code get(path, recursive)} returns: with {@code recursive}, every key below
         * {@code path + "/"} in key order, or, when there is none, the key {@code path} itself;
         * without, only the key {@code path}. Null when nothing is there (a name error).
         */
        public List<Node> get(String path, boolean recursive) {
            if (recursive && keys.below.containsKey(path)) {
                NavigableMap<String, Node> sub = keys.ordered.subMap(path + "/", true, path + "0", false);
                if (!sub.isEmpty()) {
                    return new ArrayList<>(sub.values());
                }
            }
            Node n = keys.exact.get(path);
            return n == null ? null : List.of(n);
        }

        /**
         * What a query for {@code name} (lower case, fully qualified, as {@link kdns.api.Request#name}
         * spells it) reads with {@link #get}{@code (path, true)}, found by the name: the leaf key's
         * node, or the few leaves right below the name, in key order (the index's own array: read
         * only); {@link #NOTHING} when {@link #get} returns null (a name error); null when the
         * name must be read by its path (an index without names, or for another prefix than
         * {@code prefix}, a path with more or deeper keys below it or one with a group or a value that
         * does not decode, a name that is not plain: {@link Names#isPlain}).
         */
        public Node[] byName(String name, String prefix) {
            Keys k = keys;
            if (k.prefix == null || !k.prefix.equals(prefix)) {
                return null;
            }
            Node[] read = k.names.get(name);
            if (read == null) {
                return Names.isPlain(name) ? NOTHING : null;
            }
            return read == INNER ? null : read;
        }

        /** See {@link Index#leaseRemaining}. */
        public long leaseRemaining(long lease) {
            return index.leaseRemaining(lease);
        }
    }
}
