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
 * table's hash array, one slot, its {@link Entry} and the entry's key bytes (a map of maps read a
 * node, its key string and that string's array on each level: the Service lookup was a fifth of the
 * Java time at the kubernetes saturation row, nearly all of it cache misses).
 *
 * <p>Changed only under the index's lock, read without any: each slot is written whole (the entry
 * before its hash, so a reader that sees the hash sees an entry or a null it skips), entries are
 * immutable (final fields), and a grown or compacted table is published through a volatile field.
 * A reader racing with a write sees the slot before or after it, as with a concurrent map.
 */
public final class ServiceTable {

    /** A service with its key and, for the usual Service, the address answer ready. */
    public static final class Entry {
        /** {@code <name>.<namespace>} in ASCII; null when either has another character (no query name can match). */
        private final byte[] key;
        private final ServiceInfo service;
        /** The service's namespace (the index's shared string): read with the entry, not from the service. */
        private final String namespace;
        /**
         * The one cluster IP of a ClusterIP Service with one port and one address (nearly all), its
         * bytes and the port: what an A or AAAA query for the Service's own name answers; null otherwise.
         */
        private final String clusterIp;
        private final byte[] clusterIpBytes;
        private final int port;

        Entry(ServiceInfo s) {
            this.key = asciiKey(s.name(), s.namespace());
            this.service = s;
            this.namespace = s.namespace();
            List<String> ips = s.clusterIPs();
            List<Port> ports = s.ports();
            byte[] ip = !s.externalNameType() && !s.headless() && ips.size() == 1 && ports.size() == 1
                    ? IpLiterals.parseUnmapped(ips.get(0)) : null;
            this.clusterIp = ip == null ? null : ips.get(0);
            this.clusterIpBytes = ip;
            this.port = ip == null ? 0 : ports.get(0).port();
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

        /** The bytes of {@link #clusterIp} (shared: never changed), or null. */
        public byte[] clusterIpBytes() {
            return clusterIpBytes;
        }

        /** The one port of a {@link #singleAddress} Service ({@code -1} when it declares none). */
        public int port() {
            return port;
        }
    }

    private static final int MIN_CAPACITY = 16;

    /** The arrays of one capacity; a slot with hash 0 is empty, one with a hash and no entry was removed. */
    private record Slots(int[] hashes, Entry[] entries) {
        Slots(int capacity) {
            this(new int[capacity], new Entry[capacity]);
        }
    }

    private volatile Slots slots = new Slots(MIN_CAPACITY);
    /** Entries and removed slots in {@link #slots}; read and changed under the index's lock. */
    private int size;
    private int removed;

    /**
     * The entry of the service whose {@code <name>.<namespace>} is {@code text}'s characters
     * {@code [from, to)}, or null.
     */
    public Entry find(String text, int from, int to) {
        Slots t = slots;
        int at = probe(t, finish(hash(text, from, to, 0)), text, from, to, null, null);
        return at < 0 ? null : t.entries()[at]; // null when removed since: not found then
    }

    /** The service {@code namespace/name}, or null. */
    ServiceInfo get(String namespace, String name) {
        Slots t = slots;
        int at = probe(t, keyHash(name, namespace), null, 0, 0, name, namespace);
        Entry e = at < 0 ? null : t.entries()[at];
        return e == null ? null : e.service;
    }

    /** Adds or replaces the service of {@code s}'s namespace and name; the one replaced, or null. */
    ServiceInfo put(ServiceInfo s) {
        int h = keyHash(s.name(), s.namespace());
        Slots t = slots;
        int at = probe(t, h, null, 0, 0, s.name(), s.namespace());
        if (at >= 0) {
            ServiceInfo old = t.entries()[at].service;
            if (old != s) {
                t.entries()[at] = new Entry(s);
            }
            return old;
        }
        if ((size + removed + 1) * 2 > t.hashes().length) {
            t = rebuild(size + 1);
        }
        int[] hashes = t.hashes();
        Entry[] entries = t.entries();
        int mask = hashes.length - 1;
        int i = h & mask;
        while (hashes[i] != 0 && entries[i] != null) {
            i = (i + 1) & mask;
        }
        if (hashes[i] != 0) {
            removed--; // a removed slot taken again
        }
        entries[i] = new Entry(s);
        hashes[i] = h;
        size++;
        return null;
    }

    /** Removes the service {@code namespace/name}; the one removed, or null. */
    ServiceInfo remove(String namespace, String name) {
        Slots t = slots;
        int at = probe(t, keyHash(name, namespace), null, 0, 0, name, namespace);
        if (at < 0) {
            return null;
        }
        ServiceInfo old = t.entries()[at].service;
        t.entries()[at] = null; // the hash stays: probes go on past the slot
        size--;
        removed++;
        if (removed > size && removed > MIN_CAPACITY) {
            rebuild(size);
        }
        return old;
    }

    List<ServiceInfo> values() {
        List<ServiceInfo> out = new ArrayList<>(size);
        for (Entry e : slots.entries()) {
            if (e != null) {
                out.add(e.service);
            }
        }
        return List.copyOf(out);
    }

    int size() {
        return size;
    }

    /**
     * The slot of {@code t} holding the entry with hash {@code h} whose key is {@code text}'s
     * characters {@code [from, to)}, or, when {@code text} is null, whose service is
     * {@code namespace/name}; -1 when none does.
     */
    private static int probe(Slots t, int h, String text, int from, int to, String name, String namespace) {
        int[] hashes = t.hashes();
        Entry[] entries = t.entries();
        int mask = hashes.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            int held = hashes[i];
            if (held == 0) {
                return -1;
            }
            Entry e = held == h ? entries[i] : null;
            if (e != null && (text != null
                    ? e.key != null && sameText(e.key, text, from, to)
                    : e.service.name().equals(name) && e.service.namespace().equals(namespace))) {
                return i;
            }
        }
    }

    /** The hash of {@code <name>.<namespace>}, as {@link #find} computes it from a query name. */
    private static int keyHash(String name, String namespace) {
        return finish(hash(namespace, 0, namespace.length(), hash(name, 0, name.length(), 0) * 31 + '.'));
    }

    /** A table for {@code entries} entries at most half full, with every entry moved in; published. */
    private Slots rebuild(int entries) {
        int capacity = MIN_CAPACITY;
        while (capacity < entries * 2) {
            capacity <<= 1;
        }
        Slots old = slots;
        Slots next = new Slots(capacity);
        int mask = capacity - 1;
        for (int j = 0; j < old.hashes().length; j++) {
            Entry e = old.entries()[j];
            if (e == null) {
                continue;
            }
            int h = old.hashes()[j];
            int i = h & mask;
            while (next.hashes()[i] != 0) {
                i = (i + 1) & mask;
            }
            next.entries()[i] = e;
            next.hashes()[i] = h;
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

    private static boolean sameText(byte[] key, String name, int from, int to) {
        if (key.length != to - from) {
            return false;
        }
        for (int i = 0; i < key.length; i++) {
            if (key[i] != name.charAt(from + i)) {
                return false;
            }
        }
        return true;
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
