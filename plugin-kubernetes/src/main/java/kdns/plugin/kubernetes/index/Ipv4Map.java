package kdns.plugin.kubernetes.index;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reverse-index entries ({@link OneOrMore}) by IPv4 address, grouped by /24: each block is an
 * immutable pair of arrays (the last octets, sorted, and the entries) replaced whole on a change.
 * A cluster's endpoint addresses come from per-node pod ranges, so blocks are dense: an address
 * costs about 5 bytes here, where a hash map entry with an Integer key costs about 55 (27 MiB with
 * 500,000 endpoint addresses). Reads are lock-free (a map lookup and a binary search of an
 * immutable block); changes must be serialised by the caller.
 */
final class Ipv4Map {

    private final ConcurrentHashMap<Integer, Block> blocks = new ConcurrentHashMap<>();

    /** The entry of {@code address}, or null. */
    Object get(int address) {
        Block b = blocks.get(address >>> 8);
        return b == null ? null : b.get(address & 0xff);
    }

    /** Adds {@code value} to the entry of each of {@code addresses} (sorted, distinct). */
    void addAll(int[] addresses, Object value) {
        change(addresses, value, true);
    }

    /** Removes {@code value} from the entry of each of {@code addresses} (sorted, distinct). */
    void removeAll(int[] addresses, Object value) {
        change(addresses, value, false);
    }

    /** Addresses held, for tests. */
    int size() {
        int n = 0;
        for (Block b : blocks.values()) {
            n += b.lows.length;
        }
        return n;
    }

    /** One copy of a block for all of the addresses in it (a slice's addresses share a few blocks). */
    private void change(int[] addresses, Object value, boolean add) {
        int i = 0;
        while (i < addresses.length) {
            int blockKey = addresses[i] >>> 8;
            int end = i;
            while (end < addresses.length && addresses[end] >>> 8 == blockKey) {
                end++;
            }
            Block held = blocks.get(blockKey);
            Block next = (held == null ? Block.EMPTY : held).with(addresses, i, end, value, add);
            if (next.lows.length == 0) {
                blocks.remove(blockKey);
            } else if (next != held) {
                blocks.put(blockKey, next);
            }
            i = end;
        }
    }

    /** The entries of one /24: {@code lows} the last octets as unsigned bytes, ascending. */
    private static final class Block {
        static final Block EMPTY = new Block(new byte[0], new Object[0]);

        final byte[] lows;
        final Object[] entries;

        Block(byte[] lows, Object[] entries) {
            this.lows = lows;
            this.entries = entries;
        }

        Object get(int low) {
            int at = find(low);
            return at >= 0 ? entries[at] : null;
        }

        private int find(int low) {
            int lo = 0;
            int hi = lows.length - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int v = lows[mid] & 0xff;
                if (v < low) {
                    lo = mid + 1;
                } else if (v > low) {
                    hi = mid - 1;
                } else {
                    return mid;
                }
            }
            return -(lo + 1);
        }

        /** This block with {@code value} added to (or removed from) addresses[from, to), all in this block. */
        Block with(int[] addresses, int from, int to, Object value, boolean add) {
            // Worst case every address is new: room for them all, trimmed at the end.
            byte[] nl = new byte[lows.length + (add ? to - from : 0)];
            Object[] ne = new Object[nl.length];
            int n = 0;
            int mine = 0;
            boolean changed = false;
            for (int k = from; k < to; k++) {
                int low = addresses[k] & 0xff;
                while (mine < lows.length && (lows[mine] & 0xff) < low) {
                    nl[n] = lows[mine];
                    ne[n++] = entries[mine++];
                }
                Object held = mine < lows.length && (lows[mine] & 0xff) == low ? entries[mine++] : null;
                Object next = add ? OneOrMore.plus(held, value) : OneOrMore.minus(held, value);
                changed |= next != held;
                if (next != null) {
                    nl[n] = (byte) low;
                    ne[n++] = next;
                }
            }
            while (mine < lows.length) {
                nl[n] = lows[mine];
                ne[n++] = entries[mine++];
            }
            if (!changed) {
                return this;
            }
            return new Block(n == nl.length ? nl : Arrays.copyOf(nl, n), n == ne.length ? ne : Arrays.copyOf(ne, n));
        }
    }
}
