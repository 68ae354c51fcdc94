package kdns.plugin.standard.prometheus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import kdns.api.MetricsRegistry;

/**
 * The per-query counts of one {@code server}, {@code zone} and {@code view}: every family CoreDNS
 * counts per request, added up at scrape time ({@link DnsCounters}). A query costs one call and no
 * atomic instruction on the threads that answer most queries: each of the first {@link #SLOTS}
 * platform threads that report (the UDP event loops) gets a cell of its own that only it writes
 * (opaque stores, which a scrape reads whole), so the prometheus client's adders, its histogram
 * buffer and its exemplar sampler (about a dozen atomic operations per query) are gone from the
 * query path. Every other thread (TCP and DoH connections on virtual threads, more loops) adds to
 * a shared cell with atomic operations. A slot whose thread has ended is taken over, with its
 * counts, by the next platform thread (a reload's new event loops).
 */
final class ZoneCounts {

    /** CoreDNS's {@code view} label of blocks without a view. */
    static final String NO_VIEW = "";

    static final String[] PROTOS = {"udp", "tcp"};
    static final String[] FAMILIES = {"1", "2"};
    static final double[] TIME_BOUNDS = MetricsRegistry.timeBuckets();
    static final double[] SIZE_BOUNDS = DnsMetrics.SIZE_BUCKETS;

    static final int TYPES = QueryTypes.LABELS.length;
    static final int TIME_BUCKETS = TIME_BOUNDS.length + 1; // the last one is +Inf
    static final int SIZE_BUCKETS = SIZE_BOUNDS.length + 1;
    /** Plugins whose responses have a place in the cells; more (or rcodes past the cached names) are counted apart. */
    static final int PLUGINS = 16;
    static final int RCODES = RcodeNames.CACHED;

    // Where each family lives in a cell's counts.
    static final int REQUESTS = 0; // [proto][family][type]
    static final int DO_REQUESTS = REQUESTS + 2 * 2 * TYPES;
    static final int DURATION = DO_REQUESTS + 1; // [bucket]
    static final int REQUEST_SIZE = DURATION + TIME_BUCKETS; // [proto][bucket]
    static final int RESPONSE_SIZE = REQUEST_SIZE + 2 * SIZE_BUCKETS; // [proto][bucket]
    static final int RESPONSES = RESPONSE_SIZE + 2 * SIZE_BUCKETS; // [plugin][rcode]
    static final int LENGTH = RESPONSES + PLUGINS * RCODES;

    // Where each sum lives in a cell's sums.
    static final int DURATION_SUM = 0;
    static final int REQUEST_SIZE_SUM = 1; // [proto]
    static final int RESPONSE_SIZE_SUM = 3; // [proto]
    static final int SUMS = 5;

    static final int SLOTS = 8;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle DOUBLES = MethodHandles.arrayElementVarHandle(double[].class);

    /** One thread's counts (or the shared ones). */
    static final class Cell {
        final long[] counts = new long[LENGTH];
        final double[] sums = new double[SUMS];
    }

    final String server;
    final String zone;
    final String view;
    final long createdMillis = System.currentTimeMillis();

    private final AtomicReferenceArray<Thread> owners = new AtomicReferenceArray<>(SLOTS);
    private final Cell[] owned = new Cell[SLOTS];
    private final Cell shared = new Cell();
    /** Plugin names by their index in the cells' responses; appended to, never changed. */
    private final AtomicReferenceArray<String> plugins = new AtomicReferenceArray<>(PLUGINS);
    /** Responses that have no place in the cells, by plugin and rcode. */
    private final ConcurrentHashMap<Map.Entry<String, Integer>, LongAdder> otherResponses = new ConcurrentHashMap<>();

    ZoneCounts(String server, String zone, String view) {
        this.server = server;
        this.zone = zone;
        this.view = view;
        for (int i = 0; i < SLOTS; i++) {
            owned[i] = new Cell();
        }
    }

    /**
     * Counts one query: {@code proto} 0 udp, 1 tcp; {@code family} 0 IPv4, 1 IPv6; {@code type} the
     * index of its label in {@link QueryTypes#LABELS}; the reply's {@code rcode}, the {@code plugin}
     * that wrote it and its {@code responseSize}.
     */
    void record(int proto, int family, int type, boolean dnssecOk, double seconds, int requestSize,
                int responseSize, int rcode, String plugin) {
        int responses = responsesIndex(plugin, rcode);
        if (responses < 0) {
            otherResponses.computeIfAbsent(Map.entry(plugin, rcode), k -> new LongAdder()).increment();
        }
        Cell own = ownCell();
        if (own != null) {
            long[] c = own.counts;
            increment(c, REQUESTS + (proto * 2 + family) * TYPES + type);
            if (dnssecOk) {
                increment(c, DO_REQUESTS);
            }
            increment(c, DURATION + bucket(TIME_BOUNDS, seconds));
            increment(c, REQUEST_SIZE + proto * SIZE_BUCKETS + bucket(SIZE_BOUNDS, requestSize));
            increment(c, RESPONSE_SIZE + proto * SIZE_BUCKETS + bucket(SIZE_BOUNDS, responseSize));
            if (responses >= 0) {
                increment(c, responses);
            }
            double[] s = own.sums;
            add(s, DURATION_SUM, seconds);
            add(s, REQUEST_SIZE_SUM + proto, requestSize);
            add(s, RESPONSE_SIZE_SUM + proto, responseSize);
        } else {
            long[] c = shared.counts;
            LONGS.getAndAdd(c, REQUESTS + (proto * 2 + family) * TYPES + type, 1L);
            if (dnssecOk) {
                LONGS.getAndAdd(c, DO_REQUESTS, 1L);
            }
            LONGS.getAndAdd(c, DURATION + bucket(TIME_BOUNDS, seconds), 1L);
            LONGS.getAndAdd(c, REQUEST_SIZE + proto * SIZE_BUCKETS + bucket(SIZE_BOUNDS, requestSize), 1L);
            LONGS.getAndAdd(c, RESPONSE_SIZE + proto * SIZE_BUCKETS + bucket(SIZE_BOUNDS, responseSize), 1L);
            if (responses >= 0) {
                LONGS.getAndAdd(c, responses, 1L);
            }
            double[] s = shared.sums;
            addAtomically(s, DURATION_SUM, seconds);
            addAtomically(s, REQUEST_SIZE_SUM + proto, requestSize);
            addAtomically(s, RESPONSE_SIZE_SUM + proto, responseSize);
        }
    }

    /** The counts and sums of every cell added up, as a scrape sees them now. */
    Cell total() {
        Cell t = new Cell();
        for (int i = 0; i <= SLOTS; i++) {
            Cell c = i < SLOTS ? owned[i] : shared;
            for (int j = 0; j < LENGTH; j++) {
                t.counts[j] += (long) LONGS.getOpaque(c.counts, j);
            }
            for (int j = 0; j < SUMS; j++) {
                t.sums[j] += (double) DOUBLES.getOpaque(c.sums, j);
            }
        }
        return t;
    }

    /** The plugin name of a responses index in the cells, or null when no plugin has it yet. */
    String plugin(int index) {
        return plugins.get(index);
    }

    Map<Map.Entry<String, Integer>, LongAdder> otherResponses() {
        return otherResponses;
    }

    /**
     * The calling thread's own cell, or null when it has none: virtual threads never get one (a TCP
     * connection's thread lives for one connection), nor platform threads once every slot belongs to
     * a live thread.
     */
    private Cell ownCell() {
        Thread t = Thread.currentThread();
        for (int i = 0; i < SLOTS; i++) {
            Thread owner = owners.get(i);
            if (owner == t) {
                return owned[i];
            }
            if (owner == null) {
                return claim(t, i);
            }
        }
        return claim(t, 0);
    }

    /**
     * Takes a free slot, or the slot of an ended thread, from {@code from} on. An ended thread's
     * writes are visible once {@link Thread#isAlive()} says it ended, so its cell is continued.
     */
    private Cell claim(Thread t, int from) {
        if (t.isVirtual()) {
            return null;
        }
        for (int i = from; i < SLOTS; i++) {
            Thread owner = owners.get(i);
            if ((owner == null || !owner.isAlive()) && owners.compareAndSet(i, owner, t)) {
                return owned[i];
            }
        }
        return null;
    }

    /** The index of (plugin, rcode) in the cells' counts, or -1 when it has none. */
    private int responsesIndex(String plugin, int rcode) {
        if (rcode < 0 || rcode >= RCODES) {
            return -1;
        }
        for (int i = 0; i < PLUGINS; i++) {
            String p = plugins.get(i);
            if (p == null) {
                if (!plugins.compareAndSet(i, null, plugin)) {
                    i--; // another thread took this place: look at it again
                    continue;
                }
                return RESPONSES + i * RCODES + rcode;
            }
            if (p == plugin || p.equals(plugin)) {
                return RESPONSES + i * RCODES + rcode;
            }
        }
        return -1;
    }

    /** The bucket of {@code value}: the first bound at or above it, else the last (+Inf). */
    private static int bucket(double[] bounds, double value) {
        for (int i = 0; i < bounds.length; i++) {
            if (value <= bounds[i]) {
                return i;
            }
        }
        return bounds.length;
    }

    private static void increment(long[] counts, int i) {
        LONGS.setOpaque(counts, i, (long) LONGS.getOpaque(counts, i) + 1);
    }

    private static void add(double[] sums, int i, double value) {
        DOUBLES.setOpaque(sums, i, (double) DOUBLES.getOpaque(sums, i) + value);
    }

    private static void addAtomically(double[] sums, int i, double value) {
        double old;
        do {
            old = (double) DOUBLES.getVolatile(sums, i);
        } while (!DOUBLES.weakCompareAndSet(sums, i, old, old + value));
    }
}
