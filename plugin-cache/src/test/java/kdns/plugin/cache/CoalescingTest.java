package kdns.plugin.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import kdns.api.Handler;
import kdns.api.Request;
import kdns.api.Transport;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Misses of one key while its query is on its way up the chain wait for that query's answer. The
 * upstream's deferred answers are held by a latch, so which queries are in flight together is the
 * test's doing, not a race.
 */
class CoalescingTest {

    private final FakeTicker ticker = new FakeTicker();
    private final Upstream upstream = new Upstream();

    private Handler cache(String directive) throws Exception {
        TestController c = TestController.of(directive);
        new CachePlugin(ticker, Clock.systemUTC(), Runnable::run).setup(c);
        upstream.mode = Upstream.Mode.DEFER;
        upstream.gate = new CountDownLatch(1);
        return c.handler(upstream);
    }

    private static RecordingWriter send(Handler h, Request q) throws Exception {
        RecordingWriter w = new RecordingWriter();
        assertEquals(Handler.DEFERRED, h.serve(q, w));
        return w;
    }

    private static Message reply(RecordingWriter w) throws Exception {
        Message m = w.await(5, TimeUnit.SECONDS);
        assertNotNull(m, "a reply was written");
        assertEquals(1, w.writes());
        return m;
    }

    private static Request query(String name, int type, boolean dnssecOk, boolean cd) {
        Message m = TestRequests.message(name, type, DClass.IN);
        if (dnssecOk) {
            m.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        }
        if (cd) {
            m.getHeader().setFlag(Flags.CD);
        }
        return TestRequests.from(m, Transport.UDP, RecordingWriter.DEFAULT_REMOTE);
    }

    @Test
    void concurrentMissesOfOneKeyMakeOneUpstreamQueryAndEachGetsItsOwnReply() throws Exception {
        Handler h = cache("cache");
        List<Request> queries = List.of(TestRequests.query("www.example.org", Type.A),
                TestRequests.query("WWW.Example.ORG", Type.A), TestRequests.tcp("www.EXAMPLE.org", Type.A),
                TestRequests.query("www.example.org", Type.A));
        List<RecordingWriter> writers = new ArrayList<>();
        for (Request q : queries) {
            writers.add(send(h, q));
        }
        assertEquals(1, upstream.calls.get(), "the later misses wait for the first");
        upstream.gate.countDown();
        for (int i = 0; i < queries.size(); i++) {
            Message m = reply(writers.get(i));
            assertEquals(queries.get(i).id(), m.getHeader().getID(), "query " + i + "'s own ID");
            assertEquals(Rcode.NOERROR, m.getRcode());
            assertEquals("10.0.0.1", ((org.xbill.DNS.ARecord) m.getSectionArray(Section.ANSWER)[0])
                    .getAddress().getHostAddress());
            assertEquals(300, Upstream.ttl(m, Section.ANSWER));
        }
        // The waiters' replies come from the stored item, with the question as each client asked it.
        assertEquals("WWW.Example.ORG.", writers.get(1).msg().getQuestion().getName().toString());
        assertEquals(1, upstream.calls.get());
        // And the next query is a plain hit.
        RecordingWriter later = new RecordingWriter();
        h.serve(TestRequests.query("www.example.org", Type.A), later);
        assertEquals(1, later.writes());
        assertEquals(1, upstream.calls.get());
    }

    @Test
    void aFailedUpstreamQueryFailsItsWaitersAtOnceAndIsNotRemembered() throws Exception {
        Handler h = cache("cache");
        upstream.mode = Upstream.Mode.DEFER_FAIL;
        CountDownLatch failed = new CountDownLatch(1);
        upstream.deferredWritten = failed;
        List<RecordingWriter> writers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            writers.add(send(h, TestRequests.query("down.example.org", Type.A)));
        }
        assertEquals(1, upstream.calls.get());
        upstream.gate.countDown();
        for (RecordingWriter w : writers) {
            assertEquals(Rcode.SERVFAIL, reply(w).getRcode());
        }
        assertEquals(1, upstream.calls.get(), "the waiters did not ask again");
        // The flight landed: the next miss asks the upstream itself.
        upstream.mode = Upstream.Mode.WRITE;
        RecordingWriter next = new RecordingWriter();
        h.serve(TestRequests.query("down.example.org", Type.A), next);
        assertEquals(Rcode.NOERROR, next.msg().getRcode());
        assertEquals(2, upstream.calls.get());
    }

    @Test
    void aSynchronousFailureFailsTheWaitersToo() throws Exception {
        Handler h = cache("cache");
        // The leader's chain returns SERVFAIL without writing, while another query waits.
        CountDownLatch inChain = new CountDownLatch(1);
        CountDownLatch joined = new CountDownLatch(1);
        upstream.mode = Upstream.Mode.WRITE;
        upstream.answer = r -> {
            inChain.countDown();
            try {
                joined.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("broken plugin");
        };
        RecordingWriter leader = new RecordingWriter();
        Thread t = new Thread(() -> {
            try {
                h.serve(TestRequests.query("sync.example.org", Type.A), leader);
            } catch (Exception | Error e) {
                // the broken plugin's exception reaches the server, which answers the leader
            }
        });
        t.start();
        assertEquals(true, inChain.await(5, TimeUnit.SECONDS));
        RecordingWriter waiter = send(h, TestRequests.query("sync.example.org", Type.A));
        joined.countDown();
        assertEquals(Rcode.SERVFAIL, reply(waiter).getRcode());
        t.join(5000);
        assertEquals(1, upstream.calls.get());
    }

    @Test
    void distinctKeysAreNotMerged() throws Exception {
        Handler h = cache("cache");
        List<RecordingWriter> writers = new ArrayList<>();
        writers.add(send(h, query("k.example.org", Type.A, false, false)));
        writers.add(send(h, query("k.example.org", Type.A, true, false)));
        writers.add(send(h, query("k.example.org", Type.A, false, true)));
        writers.add(send(h, query("k.example.org", Type.AAAA, false, false)));
        writers.add(send(h, TestRequests.query("k.example.org", Type.A, DClass.CH)));
        writers.add(send(h, query("other.example.org", Type.A, false, false)));
        assertEquals(6, upstream.calls.get(), "DO, CD, type, class and name each make their own key");
        upstream.gate.countDown();
        for (RecordingWriter w : writers) {
            reply(w);
        }
    }

    @Test
    void aReplyTheCacheDoesNotKeepIsAskedForByEachWaiter() throws Exception {
        Handler h = cache("cache");
        upstream.answer = r -> {
            Message m = Upstream.a(r, 300, "10.0.0.9");
            m.getHeader().setFlag(Flags.TC); // truncated: never stored
            return m;
        };
        RecordingWriter first = send(h, TestRequests.query("tc.example.org", Type.A));
        RecordingWriter second = new RecordingWriter();
        assertEquals(Handler.DEFERRED, h.serve(TestRequests.query("tc.example.org", Type.A), second));
        assertEquals(1, upstream.calls.get());
        upstream.gate.countDown();
        assertEquals("10.0.0.9", ((org.xbill.DNS.ARecord) reply(first).getSectionArray(Section.ANSWER)[0])
                .getAddress().getHostAddress());
        reply(second);
        assertEquals(2, upstream.calls.get(), "the waiter asked the chain itself, as without waiting");
    }

    @Test
    void aFullFlightSendsFurtherMissesUpstream() throws Exception {
        Handler h = cache("cache");
        List<RecordingWriter> writers = new ArrayList<>();
        for (int i = 0; i < Flight.MAX_WAITERS + 2; i++) {
            writers.add(send(h, TestRequests.query("busy.example.org", Type.A)));
        }
        assertEquals(2, upstream.calls.get(), "the leader, then one beyond " + Flight.MAX_WAITERS + " waiters");
        upstream.gate.countDown();
        for (RecordingWriter w : writers) {
            assertEquals(Rcode.NOERROR, reply(w).getRcode());
        }
    }

    @Test
    void aFlightOlderThanItsWindowTakesNoWaiters() throws Exception {
        Handler h = cache("cache");
        RecordingWriter first = send(h, TestRequests.query("old.example.org", Type.A));
        ticker.advanceSeconds(6);
        RecordingWriter second = send(h, TestRequests.query("old.example.org", Type.A));
        RecordingWriter third = send(h, TestRequests.query("old.example.org", Type.A));
        assertEquals(2, upstream.calls.get(), "the second leads a new flight; the third waits for it");
        upstream.gate.countDown();
        reply(first);
        reply(second);
        reply(third);
    }
}
