package kdns.plugin.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import kdns.api.Handler;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Many readers at once, with replies written later from other threads and background prefetches. */
class ConcurrencyTest {

    @Test
    void everyQueryGetsExactlyOneCorrectReply() throws Exception {
        FakeTicker ticker = new FakeTicker();
        Upstream upstream = new Upstream();
        upstream.mode = Upstream.Mode.DEFER;
        upstream.answer = r -> Upstream.a(r, 10, "10.0.0." + (1 + Math.floorMod(r.name().hashCode(), 200)));
        TestController c = TestController.of("cache {\n prefetch 1\n serve_stale 1h\n}");
        ExecutorService refresher = Executors.newFixedThreadPool(2);
        new CachePlugin(ticker, java.time.Clock.systemUTC(), refresher).setup(c);
        Handler h = c.handler(upstream);
        ExecutorService readers = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                int thread = t;
                results.add(readers.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 3000; i++) {
                        if (thread == 0 && i % 500 == 0) {
                            ticker.advanceSeconds(3); // items age, go stale, get prefetched
                        }
                        String name = "n" + (i % 40) + ".example.org";
                        RecordingWriter w = new RecordingWriter();
                        int rc = h.serve(TestRequests.query(name, Type.A), w);
                        Message m = rc == Handler.DEFERRED ? w.await(5, TimeUnit.SECONDS) : w.msg();
                        assertNotNull(m, name);
                        assertEquals(1, w.writes(), name);
                        ARecord a = (ARecord) m.getSectionArray(Section.ANSWER)[0];
                        assertEquals(name + ".", a.getName().toString());
                        assertEquals("10.0.0." + (1 + Math.floorMod((name + ".").hashCode(), 200)),
                                a.getAddress().getHostAddress());
                        ok++;
                    }
                    return ok;
                }));
            }
            for (Future<Integer> f : results) {
                assertEquals(3000, f.get(60, TimeUnit.SECONDS));
            }
            assertTrue(upstream.calls.get() < 6 * 3000 / 2, "most answers came from the cache: " + upstream.calls.get());
        } finally {
            readers.shutdownNow();
            refresher.shutdownNow();
        }
    }
}
