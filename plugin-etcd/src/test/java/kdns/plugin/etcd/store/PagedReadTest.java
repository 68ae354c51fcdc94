package kdns.plugin.etcd.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import kdns.testing.TestInstance;
import kdns.testing.etcd.EtcdServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The full read in pages against a real etcd: it loads what one read loads, and keys changed
 * between two pages reach the index through the watch from the first page's revision, none lost.
 */
@Timeout(120)
class PagedReadTest {

    private static final long WAIT_MS = 20_000;

    private EtcdServer etcd;
    private final List<EtcdStore> stores = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        etcd = EtcdServer.start();
        // 14 keys at several depths (pages of 3 split the runs under one path), one with a lease
        for (int i = 1; i <= 9; i++) {
            etcd.put("/skydns/test/example/k0" + i, "{\"host\":\"10.0.0." + i + "\"}");
        }
        etcd.put("/skydns/test/example/k04/sub", "{\"host\":\"10.0.1.4\"}");
        etcd.put("/skydns/test/other/a", "{\"host\":\"10.0.2.1\"}");
        etcd.put("/skydns/test/other/b/c", "{\"text\":\"deep\"}");
        etcd.put("/skydns/zz", "not json");
        etcd.put("/skydns/test/leased", "{\"host\":\"10.0.3.1\"}", etcd.grantLease(600));
        etcd.put("/skydnsx/outside", "{\"host\":\"10.9.9.9\"}"); // not under /skydns/
    }

    @AfterEach
    void stop() {
        stores.forEach(EtcdStore::stop);
        if (etcd != null) {
            etcd.close();
        }
    }

    private EtcdStore store(int pageKeys, Runnable betweenPages) {
        EtcdStore s = new EtcdStore(new EtcdStore.Settings(List.of(URI.create(etcd.endpoint())), "", "", null,
                "/skydns"), new TestInstance().metrics(), pageKeys, betweenPages);
        stores.add(s);
        s.start();
        return s;
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " not within " + WAIT_MS + " ms");
            }
            Thread.sleep(10);
        }
    }

    /** Key to value, decoded as the index holds it (modRevision and lease included). */
    private static Map<String, Node> held(EtcdStore s) {
        return new TreeMap<>(s.index().keys().exact);
    }

    private static void assertSameKeys(EtcdStore expected, EtcdStore actual) {
        Index.Keys e = expected.index().keys();
        Index.Keys a = actual.index().keys();
        assertEquals(new TreeMap<>(e.exact), new TreeMap<>(a.exact));
        assertEquals(new ArrayList<>(e.ordered.keySet()), new ArrayList<>(a.ordered.keySet()));
        assertEquals(new TreeMap<>(e.below), new TreeMap<>(a.below));
    }

    @Test
    void pagedReadLoadsWhatOneReadLoads() throws Exception {
        AtomicInteger pagesAfterFirst = new AtomicInteger();
        EtcdStore paged = store(3, pagesAfterFirst::incrementAndGet);
        EtcdStore whole = store(1_000, () -> {
            throw new AssertionError("one page has no next page");
        });
        await("both loaded", () -> paged.ready() && whole.ready());
        assertEquals(14, whole.index().size());
        assertSameKeys(whole, paged);
        assertEquals(4, pagesAfterFirst.get(), "14 keys in pages of 3: 4 pages with a next one");
        assertTrue(paged.index().keys().exact.values().stream().anyMatch(n -> n.lease() != 0), "the leased key");
    }

    @Test
    void keysChangedBetweenPagesReachTheIndexThroughTheWatch() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        EtcdStore paged = store(3, () -> {
            if (calls.incrementAndGet() != 1) {
                return;
            }
            // after the first page (k01-k03): changes before, inside and after what was read
            try {
                etcd.put("/skydns/test/example/k00", "{\"host\":\"10.0.0.100\"}"); // before the first page
                etcd.delete("/skydns/test/example/k02"); // in the first page
                etcd.put("/skydns/test/example/k05", "{\"host\":\"10.0.5.5\"}"); // in a later page
                etcd.delete("/skydns/test/example/k08"); // in a later page
                etcd.put("/skydns/test/example/k10", "{\"host\":\"10.0.0.10\"}"); // after every page
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        await("loaded", paged::ready);
        // a store started now reads etcd as it is after the changes, in one page
        EtcdStore after = store(1_000, () -> { });
        await("the second store loaded", after::ready);
        await("the paged store caught up", () -> held(paged).equals(held(after)));
        assertSameKeys(after, paged);
        assertEquals("10.0.5.5", paged.index().view().get("/skydns/test/example/k05", false).get(0).service().host());
        assertEquals(null, paged.index().view().get("/skydns/test/example/k08", false));
        assertNotEquals(null, paged.index().view().get("/skydns/test/example/k00", false));
    }

    @Test
    void historyCompactedBetweenPagesReadsAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        EtcdStore paged = store(3, () -> {
            if (calls.incrementAndGet() != 1) {
                return;
            }
            // the next pages ask for the first page's revision, which is then gone
            try {
                etcd.put("/skydns/test/example/k06", "{\"host\":\"10.0.6.6\"}");
                etcd.compact();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        await("loaded after the compaction", paged::ready);
        assertTrue(calls.get() > 4, "the read was started again: " + calls.get() + " pages with a next one");
        assertEquals(14, paged.index().size());
        assertEquals("10.0.6.6", paged.index().view().get("/skydns/test/example/k06", false).get(0).service().host());
    }
}
