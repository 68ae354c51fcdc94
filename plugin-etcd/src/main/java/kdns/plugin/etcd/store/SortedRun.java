package kdns.plugin.etcd.store;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;

/**
 * A read-only sorted map over nodes whose keys are strictly ascending (String order), so that a
 * {@link java.util.concurrent.ConcurrentSkipListMap} can be built from a full read in one linear
 * pass (its sorted-map constructor) without first copying the nodes into a tree map.
 */
final class SortedRun extends AbstractMap<String, Node> implements SortedMap<String, Node> {

    private final Node[] nodes;
    private final int from;
    private final int to;

    /** {@code nodes} must be strictly ascending by key; the array is not copied. */
    SortedRun(Node[] nodes) {
        this(nodes, 0, nodes.length);
    }

    private SortedRun(Node[] nodes, int from, int to) {
        this.nodes = nodes;
        this.from = from;
        this.to = to;
    }

    @Override
    public Comparator<? super String> comparator() {
        return null; // natural order
    }

    @Override
    public int size() {
        return to - from;
    }

    @Override
    public Set<Entry<String, Node>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Node>> iterator() {
                return new Iterator<>() {
                    private int next = from;

                    @Override
                    public boolean hasNext() {
                        return next < to;
                    }

                    @Override
                    public Entry<String, Node> next() {
                        if (next >= to) {
                            throw new NoSuchElementException();
                        }
                        Node n = nodes[next++];
                        return new SimpleImmutableEntry<>(n.key(), n);
                    }
                };
            }

            @Override
            public int size() {
                return to - from;
            }
        };
    }

    @Override
    public SortedMap<String, Node> subMap(String fromKey, String toKey) {
        if (fromKey.compareTo(toKey) > 0) {
            throw new IllegalArgumentException("fromKey " + fromKey + " is after toKey " + toKey);
        }
        return new SortedRun(nodes, index(fromKey), index(toKey));
    }

    @Override
    public SortedMap<String, Node> headMap(String toKey) {
        return new SortedRun(nodes, from, index(toKey));
    }

    @Override
    public SortedMap<String, Node> tailMap(String fromKey) {
        return new SortedRun(nodes, index(fromKey), to);
    }

    @Override
    public String firstKey() {
        if (from == to) {
            throw new NoSuchElementException();
        }
        return nodes[from].key();
    }

    @Override
    public String lastKey() {
        if (from == to) {
            throw new NoSuchElementException();
        }
        return nodes[to - 1].key();
    }

    /** The position of the first key at or after {@code key}, within this run's bounds. */
    private int index(String key) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (nodes[mid].key().compareTo(key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
