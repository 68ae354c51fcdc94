package kdns.plugin.kubernetes.index;

import java.util.ArrayList;
import java.util.List;
import kdns.api.text.IpLiterals;
import kdns.plugin.kubernetes.model.ServiceInfo;
import kdns.plugin.kubernetes.spi.Port;

/**
 * The services by namespace and name, in one open-addressing table read straight from a query
 * name's text: {@link #find(String, int, int)} hashes and compares the name's
 * {@code <service>.<namespace>} characters in place, so a query makes no substring and reads the
 * table's slot and its {@link Entry}, which holds its hash, the first {@value #INLINE_KEY} bytes of
 * its key and an IPv4 cluster IP in its own fields (a map of maps read a node, its key string and that
 * string's array on each level: the Service lookup was a fifth of the Java time at the kubernetes
 * saturation row, nearly all of it cache misses; the old generation keeps an entry's arrays apart from
 * it, so each array was a miss of its own).
 *
 * <p>Changed only under the index's lock, read without any: each slot is one reference (an entry,
 * {@link #REMOVED}, which probes go on past, or null, where they stop), entries are immutable (final
 * fields), and a grown or compacted table is published through a volatile field.
 * A reader racing with a write sees the slot before or after it, as with a concurrent map.
 */
public final class ServiceTable {

    /** A service with its key and, for the usual Service, the address answer ready. */
    public static final class Entry {
        /** {@code <name>.<namespace>} in ASCII; null when either has another character (no query name can match). */
        private final byte[] key;
        /** The hash of the key as {@link #find} computes it from a query name; 0 (no key's) for {@link #REMOVED}. */
        private final int hash;
        /** The key's length, -1 without a key; and its first {@link #INLINE_KEY} bytes, packed as {@link #pack} does. */
        private final int keyLength;
        private final long key0;
        private final long key1;
        private final long key2;
        private final ServiceInfo service;
        /** The service's namespace (the index's shared string): read with the entry, not from the service. */
        private final String namespace;
        /**
         * The one cluster IP of a ClusterIP Service with one port and one address (nearly all), its
         * bytes and the port: what an A or AAAA query for the Service's own name answers; null otherwise.
         */
        private final String clusterIp;
        /** The bytes of an IPv6 {@link #clusterIp}; null for IPv4, which {@link #ipv4} holds. */
        private final byte[] clusterIp6;
        private final int ipv4;
        private final int port;

        Entry(ServiceInfo s) {
            this.key = asciiKey(s.name(), s.namespace());
            this.hash = keyHash(s.name(), s.namespace());
            this.keyLength = key == null ? -1 : key.length;
            this.key0 = key == null ? 0 : pack(key, 0);
            this.key1 = key == null ? 0 : pack(key, 8);
            this.key2 = key == null ? 0 : pack(key, 16);
            this.service = s;
            this.namespace = s.namespace();
            List<String> ips = s.clusterIPs();
            List<Port> ports = s.ports();
            byte[] ip = !s.externalNameType() && !s.headless() && ips.size() == 1 && ports.size() == 1
                    ? IpLiterals.parseUnmapped(ips.get(0)) : null;
            this.clusterIp = ip == null ? null : ips.get(0);
            this.clusterIp6 = ip != null && ip.length == 16 ? ip : null;
            this.ipv4 = ip != null && ip.length == 4
                    ? (ip[0] & 0xff) << 24 | (ip[1] & 0xff) << 16 | (ip[2] & 0xff) << 8 | ip[3] & 0xff : 0;
            this.port = ip == null ? 0 : ports.get(0).port();
        }

        /** {@link #REMOVED}'s: no key, no service. */
        private Entry() {
            this.key = null;
            this.hash = 0;
            this.keyLength = -1;
            this.key0 = 0;
            this.key1 = 0;
            this.key2 = 0;
            this.service = null;
            this.namespace = null;
            this.clusterIp = null;
            this.clusterIp6 = null;
            this.ipv4 = 0;
            this.port = 0;
        }

        public ServiceInfo service() {
            return service;
        }

        /**
         * The service's namespace, held by the entry itself: a query for the usual Service reads
         * the entry and its key, not the {@link ServiceInfo} (a cache miss per query of its own).
         */
        public String namespace() {
            return namespace;
        }

        /** True for the usual Service: ClusterIP type, one port, one cluster IP ({@link #clusterIp}). */
        public boolean singleAddress() {
            return clusterIp != null;
        }

        /** The one cluster IP of a {@link #singleAddress} Service, as the Service spells it; else null. */
        public String clusterIp() {
            return clusterIp;
        }

        /**
         * The bytes of {@link #clusterIp}, or null: a new array for IPv4 (made from the entry's own
         * field, so the answer reads no array of the old generation), the shared one (never changed) for IPv6.
         */
        public byte[] clusterIpBytes() {
            if (clusterIp == null || clusterIp6 != null) {
                return clusterIp6;
            }
            return new byte[] {(byte) (ipv4 >>> 24), (byte) (ipv4 >>> 16), (byte) (ipv4 >>> 8), (byte) ipv4};
        }

        /** True when this entry's key is the query's characters {@code [from, from + length)}, packed as given. */
        private boolean keyIs(int h, String text, int from, int length, long k0, long k1, long k2) {
            return hash == h && keyLength == length && key0 == k0 && key1 == k1 && key2 == k2
                    && (length <= INLINE_KEY || sameText(key, text, from, INLINE_KEY));
        }

        /** The one port of a {@link #singleAddress} Service ({@code -1} when it declares none). */
        public int port() {
            return port;
        }
    }

    private static final int MIN_CAPACITY = 16;
    /** The key bytes an entry holds in its own fields: most {@code <name>.<namespace>} keys fit. */
    static final int INLINE_KEY = 24;

    /**
     * A removed service's slot: probes go on past it (no hash array, whose misses were as many as
     * the entries' own; the entry holds its hash).
     */
    private static final Entry REMOVED = new Entry();

    /** The slots, a power of two of them; null is empty. */
    private volatile Entry[] slots = new Entry[MIN_CAPACITY];
    /** Entries and removed slots in {@link #slots}; read and changed under the index's lock. */
    private int size;
    private int removed;

    /**
     * The entry of the service whose {@code <name>.<namespace>} is {@code text}'s characters
     * {@code [from, to)}, or null.
     */
    public Entry find(String text, int from, int to) {
        int length = to - from;
        int h = 0;
        long k0 = 0;
        long k1 = 0;
        long k2 = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(from + i);
            if (c > 0x7f) {
                return null; // every key is ASCII
            }
            h = 31 * h + c;
            if (i < INLINE_KEY) {
                long shifted = (long) c << ((i & 7) << 3);
                if (i < 8) {
                    k0 |= shifted;
                } else if (i < 16) {
                    k1 |= shifted;
                } else {
                    k2 |= shifted;
                }
            }
        }
        h = finish(h);
        Entry[] entries = slots;
        int mask = entries.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            Entry e = entries[i];
            if (e == null) {
                return null;
            }
            if (e.keyIs(h, text, from, length, k0, k1, k2)) { // never REMOVED, whose hash no key has
                return e;
            }
        }
    }

    /** The service {@code namespace/name}, or null. */
    ServiceInfo get(String namespace, String name) {
        Entry[] t = slots;
        int at = probe(t, keyHash(name, namespace), name, namespace);
        return at < 0 ? null : t[at].service;
    }

    /** Adds or replaces the service of {@code s}'s namespace and name; the one replaced, or null. */
    ServiceInfo put(ServiceInfo s) {
        int h = keyHash(s.name(), s.namespace());
        Entry[] t = slots;
        int at = probe(t, h, s.name(), s.namespace());
        if (at >= 0) {
            ServiceInfo old = t[at].service;
            if (old != s) {
                t[at] = new Entry(s);
            }
            return old;
        }
        if ((size + removed + 1) * 2 > t.length) {
            t = rebuild(size + 1);
        }
        int mask = t.length - 1;
        int i = h & mask;
        while (t[i] != null && t[i] != REMOVED) {
            i = (i + 1) & mask;
        }
        if (t[i] == REMOVED) {
            removed--; // a removed slot taken again
        }
        t[i] = new Entry(s);
        size++;
        return null;
    }

    /** Removes the service {@code namespace/name}; the one removed, or null. */
    ServiceInfo remove(String namespace, String name) {
        Entry[] t = slots;
        int at = probe(t, keyHash(name, namespace), name, namespace);
        if (at < 0) {
            return null;
        }
        ServiceInfo old = t[at].service;
        t[at] = REMOVED; // not null: probes go on past the slot
        size--;
        removed++;
        if (removed > size && removed > MIN_CAPACITY) {
            rebuild(size);
        }
        return old;
    }

    List<ServiceInfo> values() {
        List<ServiceInfo> out = new ArrayList<>(size);
        for (Entry e : slots) {
            if (e != null && e != REMOVED) {
                out.add(e.service);
            }
        }
        return List.copyOf(out);
    }

    int size() {
        return size;
    }

    /** The slot of {@code t} holding the entry with hash {@code h} whose service is {@code namespace/name}; -1 when none does. */
    private static int probe(Entry[] t, int h, String name, String namespace) {
        int mask = t.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            Entry e = t[i];
            if (e == null) {
                return -1;
            }
            if (e.hash == h && e.service.name().equals(name) && e.service.namespace().equals(namespace)) {
                return i;
            }
        }
    }

    /** The hash of {@code <name>.<namespace>}, as {@link #find} computes it from a query name. */
    private static int keyHash(String name, String namespace) {
        return finish(hash(namespace, 0, namespace.length(), hash(name, 0, name.length(), 0) * 31 + '.'));
    }

    /** A table for {@code entries} entries at most half full, with every entry moved in; published. */
    private Entry[] rebuild(int entries) {
        int capacity = MIN_CAPACITY;
        while (capacity < entries * 2) {
            capacity <<= 1;
        }
        Entry[] next = new Entry[capacity];
        int mask = capacity - 1;
        for (Entry e : slots) {
            if (e == null || e == REMOVED) {
                continue;
            }
            int i = e.hash & mask;
            while (next[i] != null) {
                i = (i + 1) & mask;
            }
            next[i] = e;
        }
        removed = 0;
        slots = next;
        return next;
    }

    private static int hash(String s, int from, int to, int h) {
        for (int i = from; i < to; i++) {
            h = 31 * h + s.charAt(i);
        }
        return h;
    }

    /** Spreads the text's hash over the low bits (murmur3's finaliser); never 0, the empty slot's. */
    private static int finish(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h == 0 ? 1 : h;
    }

    /** True when {@code key}'s bytes from {@code start} on are {@code name}'s characters from {@code from + start} on. */
    private static boolean sameText(byte[] key, String name, int from, int start) {
        for (int i = start; i < key.length; i++) {
            if (key[i] != name.charAt(from + i)) {
                return false;
            }
        }
        return true;
    }

    /** Up to 8 bytes of {@code key} from {@code start}, the first in the lowest byte, zeros past its end. */
    private static long pack(byte[] key, int start) {
        long v = 0;
        for (int i = start; i < Math.min(key.length, start + 8); i++) {
            v |= (long) (key[i] & 0xff) << ((i - start) << 3);
        }
        return v;
    }

    private static byte[] asciiKey(String name, String namespace) {
        int n = name.length();
        byte[] key = new byte[n + 1 + namespace.length()];
        for (int i = 0; i < key.length; i++) {
            char c = i < n ? name.charAt(i) : i == n ? '.' : namespace.charAt(i - n - 1);
            if (c > 0x7f) {
                return null;
            }
            key[i] = (byte) c;
        }
        return key;
    }
}
