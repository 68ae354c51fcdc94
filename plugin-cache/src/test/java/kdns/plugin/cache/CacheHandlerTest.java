package kdns.plugin.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.MetricsRegistry;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.Transport;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The handler: hits, misses, TTLs, keys, denial, prefetch, serve_stale, servfail, capacity, metrics. */
class CacheHandlerTest {

    private static final String SERVER = "dns://:53";

    private final FakeTicker ticker = new FakeTicker();
    private final Upstream upstream = new Upstream();
    /** Background refreshes queued here and run by the test, so their timing is the test's. */
    private final List<Runnable> refreshes = new ArrayList<>();
    private TestController controller;

    private Handler cache(String directive) throws Exception {
        return cache(directive, List.of("."), refreshes::add);
    }

    private Handler cache(String directive, List<String> zones, Executor refresher) throws Exception {
        controller = TestController.of(directive, zones);
        new CachePlugin(ticker, Clock.systemUTC(), refresher).setup(controller);
        return controller.handler(upstream);
    }

    private void runRefreshes() {
        List<Runnable> now = new ArrayList<>(refreshes);
        refreshes.clear();
        now.forEach(Runnable::run);
    }

    private static Message ask(Handler h, Request q) throws Exception {
        RecordingWriter w = new RecordingWriter();
        int rc = h.serve(q, w);
        if (rc == Handler.DEFERRED) {
            assertNotNull(w.await(5, TimeUnit.SECONDS), "deferred reply written");
        } else {
            assertTrue(Rcodes.clientWrote(rc), "rcode " + rc);
        }
        assertEquals(1, w.writes());
        return w.msg();
    }

    private static Message ask(Handler h, String name, int type) throws Exception {
        return ask(h, TestRequests.query(name, type));
    }

    private static Request withDoCd(String name, boolean dnssecOk, boolean cd) {
        Message m = TestRequests.message(name, Type.A, DClass.IN);
        if (dnssecOk) {
            m.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        }
        if (cd) {
            m.getHeader().setFlag(Flags.CD);
        }
        return TestRequests.from(m, Transport.UDP, RecordingWriter.DEFAULT_REMOTE);
    }

    private MetricsRegistry registry() {
        return controller.instance().metrics();
    }

    private double counter(String name, String... labels) {
        String[] names = labels.length == 4 ? new String[] {"server", "type", "zones", "view"}
                : new String[] {"server", "zones", "view"};
        return registry().counter(name, "", names).labelValues(labels).get();
    }

    private double gauge(String name, String... labels) {
        return registry().gauge(name, "", "server", "type", "zones", "view").labelValues(labels).get();
    }

    // ---- hits, misses and TTLs ----

    @Test
    void secondQueryIsAHitWithItsTtlCountedDown() throws Exception {
        Handler h = cache("cache");
        Message first = ask(h, "www.example.org", Type.A);
        assertEquals(1, upstream.calls.get());
        assertEquals(300, Upstream.ttl(first, Section.ANSWER));

        ticker.advanceSeconds(10.5);
        Message second = ask(h, "www.example.org", Type.A);
        assertEquals(1, upstream.calls.get(), "answered from the cache");
        assertEquals(290, Upstream.ttl(second, Section.ANSWER));
        assertEquals("10.0.0.1", ((ARecord) second.getSectionArray(Section.ANSWER)[0]).getAddress().getHostAddress());
        assertTrue(second.getHeader().getFlag(Flags.AA), "CoreDNS sets AA on cached replies");
        assertTrue(second.getHeader().getFlag(Flags.QR));
        assertTrue(second.getHeader().getFlag(Flags.RD), "RD copied from the query");

        ticker.advanceSeconds(289);
        assertEquals(1, Upstream.ttl(ask(h, "www.example.org", Type.A), Section.ANSWER));
        assertEquals(1, upstream.calls.get());
        ticker.advanceSeconds(1);
        assertEquals(300, Upstream.ttl(ask(h, "www.example.org", Type.A), Section.ANSWER), "expired: asked again");
        assertEquals(2, upstream.calls.get());
    }

    @Test
    void replyIdAndQuestionAreTheQuerys() throws Exception {
        Handler h = cache("cache");
        ask(h, "www.example.org", Type.A);
        Request q = TestRequests.query("WwW.ExAmple.ORG", Type.A);
        Message m = ask(h, q);
        assertEquals(1, upstream.calls.get(), "the key is the lower-case name");
        assertEquals(q.id(), m.getHeader().getID());
        assertTrue(m.getQuestion() == q.message().getQuestion(), "the client's own question");
    }

    @Test
    void ttlIsCappedByTheDirectiveAndRaisedToTheMinimum() throws Exception {
        Handler h = cache("cache 30");
        Message m = ask(h, "www.example.org", Type.A);
        assertEquals(30, Upstream.ttl(m, Section.ANSWER), "the reply gets the capped TTL too");
        ticker.advanceSeconds(29);
        assertEquals(1, Upstream.ttl(ask(h, "www.example.org", Type.A), Section.ANSWER));
        ticker.advanceSeconds(1);
        ask(h, "www.example.org", Type.A);
        assertEquals(2, upstream.calls.get());

        upstream.answer = r -> Upstream.a(r, 1, "10.0.0.2");
        Message low = ask(h, "low.example.org", Type.A);
        assertEquals(5, Upstream.ttl(low, Section.ANSWER), "MINTTL 5");
        ticker.advanceSeconds(4);
        assertEquals(1, Upstream.ttl(ask(h, "low.example.org", Type.A), Section.ANSWER));
    }

    @Test
    void successTtlAndMinTtlOverrides() throws Exception {
        Handler h = cache("cache {\n success 1024 100 50\n}");
        assertEquals(100, Upstream.ttl(ask(h, "a.example.org", Type.A), Section.ANSWER));
        upstream.answer = r -> Upstream.a(r, 10, "10.0.0.2");
        assertEquals(50, Upstream.ttl(ask(h, "b.example.org", Type.A), Section.ANSWER));
    }

    @Test
    void keepttlAnswersWithTheStoredTtl() throws Exception {
        Handler h = cache("cache {\n keepttl\n}");
        ask(h, "www.example.org", Type.A);
        ticker.advanceSeconds(100);
        assertEquals(300, Upstream.ttl(ask(h, "www.example.org", Type.A), Section.ANSWER));
        assertEquals(1, upstream.calls.get());
    }

    @Test
    void typeAndClassAreSeparateEntries() throws Exception {
        Handler h = cache("cache");
        ask(h, "www.example.org", Type.A);
        upstream.answer = r -> Upstream.reply(r, Rcode.NOERROR);
        ask(h, "www.example.org", Type.TXT);
        ask(h, TestRequests.query("www.example.org", Type.A, DClass.CH));
        assertEquals(3, upstream.calls.get());
    }

    @Test
    void doAndCdBitsArePartOfTheKey() throws Exception {
        Handler h = cache("cache");
        ask(h, withDoCd("www.example.org", false, false));
        ask(h, withDoCd("www.example.org", true, false));
        ask(h, withDoCd("www.example.org", false, true));
        ask(h, withDoCd("www.example.org", true, true));
        assertEquals(4, upstream.calls.get());
        ask(h, withDoCd("www.example.org", true, false));
        ask(h, withDoCd("www.example.org", false, true));
        assertEquals(4, upstream.calls.get());
    }

    @Test
    void adBitKeptOnlyForDnssecAwareClients() throws Exception {
        Handler h = cache("cache");
        upstream.answer = r -> {
            Message m = Upstream.a(r, 300, "10.0.0.1");
            m.getHeader().setFlag(Flags.AD);
            return m;
        };
        assertFalse(ask(h, withDoCd("www.example.org", false, false)).getHeader().getFlag(Flags.AD), "miss");
        assertFalse(ask(h, withDoCd("www.example.org", false, false)).getHeader().getFlag(Flags.AD), "hit");
        assertTrue(ask(h, withDoCd("www.example.org", true, false)).getHeader().getFlag(Flags.AD), "DO miss");
        assertTrue(ask(h, withDoCd("www.example.org", true, false)).getHeader().getFlag(Flags.AD), "DO hit");
        Message adQuery = TestRequests.message("www.example.org", Type.A, DClass.IN);
        adQuery.getHeader().setFlag(Flags.AD);
        assertTrue(ask(h, TestRequests.from(adQuery, Transport.UDP, RecordingWriter.DEFAULT_REMOTE))
                .getHeader().getFlag(Flags.AD), "AD in the query keeps it (RFC 6840)");
    }

    // ---- what is cached ----

    @Test
    void nxdomainIsCachedForTheSoaMinimum() throws Exception {
        Handler h = cache("cache");
        upstream.answer = r -> Upstream.negative(r, Rcode.NXDOMAIN, 3600, 60);
        Message m = ask(h, "nope.example.org", Type.A);
        assertEquals(Rcode.NXDOMAIN, m.getRcode());
        assertEquals(60, Upstream.ttl(m, Section.AUTHORITY), "min(SOA TTL, SOA MINIMUM)");
        ticker.advanceSeconds(59);
        Message hit = ask(h, "nope.example.org", Type.A);
        assertEquals(Rcode.NXDOMAIN, hit.getRcode());
        assertEquals(1, Upstream.ttl(hit, Section.AUTHORITY));
        assertEquals(1, upstream.calls.get());
        assertEquals(1, counter(CacheMetrics.HITS, SERVER, "denial", ".", ""));
        ticker.advanceSeconds(1);
        ask(h, "nope.example.org", Type.A);
        assertEquals(2, upstream.calls.get());
    }

    @Test
    void nodataUsesTheSoaTooAndTheDenialCap() throws Exception {
        Handler h = cache("cache {\n denial 1024 20 2\n}");
        upstream.answer = r -> Upstream.negative(r, Rcode.NOERROR, 3600, 600);
        Message m = ask(h, "www.example.org", Type.AAAA);
        assertEquals(20, Upstream.ttl(m, Section.AUTHORITY));
        upstream.answer = r -> Upstream.negative(r, Rcode.NOERROR, 1, 1);
        assertEquals(2, Upstream.ttl(ask(h, "low.example.org", Type.AAAA), Section.AUTHORITY), "denial MINTTL");
        ask(h, "www.example.org", Type.AAAA);
        assertEquals(2, upstream.calls.get());
        assertEquals(2, gauge(CacheMetrics.ENTRIES, SERVER, "denial", ".", ""));
        assertEquals(0, gauge(CacheMetrics.ENTRIES, SERVER, "success", ".", ""));
    }

    @Test
    void delegationIsASuccess() throws Exception {
        Handler h = cache("cache");
        upstream.answer = r -> {
            Message m = Upstream.reply(r, Rcode.NOERROR);
            m.addRecord(new NSRecord(Name.fromConstantString("sub.example.org."), DClass.IN, 120,
                    Name.fromConstantString("ns1.sub.example.org.")), Section.AUTHORITY);
            return m;
        };
        ask(h, "www.sub.example.org", Type.A);
        Message hit = ask(h, "www.sub.example.org", Type.A);
        assertEquals(1, upstream.calls.get());
        assertEquals(5, Upstream.ttl(hit, Section.AUTHORITY), "CoreDNS caches delegations for MINTTL");
        assertEquals(1, counter(CacheMetrics.HITS, SERVER, "success", ".", ""));
    }

    @Test
    void servfailIsCachedForTheServfailDuration() throws Exception {
        Handler h = cache("cache {\n servfail 10s\n}");
        upstream.answer = r -> Upstream.reply(r, Rcode.SERVFAIL);
        assertEquals(Rcode.SERVFAIL, ask(h, "broken.example.org", Type.A).getRcode());
        ticker.advanceSeconds(9);
        assertEquals(Rcode.SERVFAIL, ask(h, "broken.example.org", Type.A).getRcode());
        assertEquals(1, upstream.calls.get());
        ticker.advanceSeconds(1);
        ask(h, "broken.example.org", Type.A);
        assertEquals(2, upstream.calls.get());
    }

    @Test
    void servfailZeroIsNotCached() throws Exception {
        Handler h = cache("cache {\n servfail 0\n}");
        upstream.answer = r -> Upstream.reply(r, Rcode.SERVFAIL);
        ask(h, "broken.example.org", Type.A);
        ask(h, "broken.example.org", Type.A);
        assertEquals(2, upstream.calls.get());
    }

    @Test
    void aCachedServfailDoesNotShadowAUsableSuccess() throws Exception {
        Handler h = cache("cache {\n servfail 30s\n serve_stale 1h\n}");
        upstream.answer = r -> Upstream.a(r, 10, "10.0.0.1");
        ask(h, "www.example.org", Type.A);
        ticker.advanceSeconds(11); // stale now: served stale, refresh queued
        upstream.answer = r -> Upstream.reply(r, Rcode.SERVFAIL);
        assertEquals(Rcode.NOERROR, ask(h, "www.example.org", Type.A).getRcode());
        runRefreshes(); // the refresh stores a SERVFAIL in the denial cache
        Message m = ask(h, "www.example.org", Type.A);
        assertEquals(Rcode.NOERROR, m.getRcode(), "the stale success wins over the cached SERVFAIL");
        assertEquals(0, Upstream.ttl(m, Section.ANSWER));
    }

    @Test
    void errorsTruncatedAndUnwrittenRepliesAreNotCached() throws Exception {
        Handler h = cache("cache");
        upstream.answer = r -> Upstream.reply(r, Rcode.REFUSED);
        ask(h, "refused.example.org", Type.A);
        ask(h, "refused.example.org", Type.A);
        assertEquals(2, upstream.calls.get());

        upstream.answer = r -> {
            Message m = Upstream.a(r, 300, "10.0.0.1");
            m.getHeader().setFlag(Flags.TC);
            return m;
        };
        ask(h, "tc.example.org", Type.A);
        ask(h, "tc.example.org", Type.A);
        assertEquals(4, upstream.calls.get());

        upstream.mode = Upstream.Mode.RETURN_SERVFAIL;
        assertEquals(Rcodes.SERVFAIL, h.serve(TestRequests.query("x.example.org", Type.A), new RecordingWriter()));
        assertEquals(Rcodes.SERVFAIL, h.serve(TestRequests.query("x.example.org", Type.A), new RecordingWriter()));
        assertEquals(6, upstream.calls.get());
        assertEquals(0, gauge(CacheMetrics.ENTRIES, SERVER, "success", ".", ""));
    }

    @Test
    void aReplyForAnotherQuestionIsDroppedAndCounted() throws Exception {
        Handler h = cache("cache");
        upstream.answer = r -> Upstream.a(TestRequests.query("other.example.org", Type.A), 300, "10.0.0.9");
        ask(h, "www.example.org", Type.A);
        ask(h, "www.example.org", Type.A);
        assertEquals(2, upstream.calls.get());
        assertEquals(2, counter(CacheMetrics.DROPS, SERVER, ".", ""));
    }

    @Test
    void onlyNamesInTheZonesAreCached() throws Exception {
        Handler h = cache("cache 30 example.org", List.of("."), refreshes::add);
        ask(h, "www.example.org", Type.A);
        ask(h, "www.example.org", Type.A);
        assertEquals(1, upstream.calls.get());
        ask(h, "www.example.net", Type.A);
        ask(h, "www.example.net", Type.A);
        assertEquals(3, upstream.calls.get());
        assertEquals(2, counter(CacheMetrics.REQUESTS, SERVER, "example.org.", ""),
                "names outside the zones are not counted");
    }

    @Test
    void zonesFromTheServerBlock() throws Exception {
        Handler h = cache("cache", List.of("example.org", "example.net"), refreshes::add);
        ask(h, "a.example.net", Type.A);
        ask(h, "a.example.net", Type.A);
        assertEquals(1, upstream.calls.get());
        assertEquals(2, counter(CacheMetrics.REQUESTS, SERVER, "example.org.,example.net.", ""));
    }

    @Test
    void disableSuccessAndDenialPerZone() throws Exception {
        Handler h = cache("cache {\n disable success example.org\n disable denial\n}");
        ask(h, "www.example.org", Type.A);
        ask(h, "www.example.org", Type.A);
        assertEquals(2, upstream.calls.get(), "success disabled for example.org");
        ask(h, "www.example.net", Type.A);
        ask(h, "www.example.net", Type.A);
        assertEquals(3, upstream.calls.get(), "other zones still cached");
        upstream.answer = r -> Upstream.negative(r, Rcode.NXDOMAIN, 300, 300);
        ask(h, "nx.example.net", Type.A);
        ask(h, "nx.example.net", Type.A);
        assertEquals(5, upstream.calls.get(), "denial disabled everywhere");
    }

    // ---- deferred replies ----

    @Test
    void aReplyWrittenLaterFromAnotherThreadIsStored() throws Exception {
        Handler h = cache("cache");
        upstream.mode = Upstream.Mode.DEFER;
        RecordingWriter w = new RecordingWriter();
        assertEquals(Handler.DEFERRED, h.serve(TestRequests.query("slow.example.org", Type.A), w));
        Message m = w.await(5, TimeUnit.SECONDS);
        assertNotNull(m);
        assertEquals(300, Upstream.ttl(m, Section.ANSWER));
        RecordingWriter w2 = new RecordingWriter();
        assertEquals(Rcodes.NOERROR, h.serve(TestRequests.query("slow.example.org", Type.A), w2));
        assertEquals(1, w2.writes(), "the hit is answered inline");
        assertEquals(1, upstream.calls.get());
    }

    /** A writer that records the failures reported to it. */
    private static final class ReportingWriter extends RecordingWriter {
        final List<HandlerException> reported = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void reportError(HandlerException error) {
            reported.add(error);
        }
    }

    @Test
    void aDeferredFailureIsPassedOnButNotStored() throws Exception {
        Handler h = cache("cache");
        upstream.mode = Upstream.Mode.DEFER_FAIL;
        ReportingWriter w = new ReportingWriter();
        assertEquals(Handler.DEFERRED, h.serve(TestRequests.query("down.example.org", Type.A), w));
        assertEquals(Rcode.SERVFAIL, w.await(5, TimeUnit.SECONDS).getRcode());
        assertEquals(1, w.reported.size(), "the errors plugin still learns why");
        upstream.mode = Upstream.Mode.WRITE;
        Message m = ask(h, "down.example.org", Type.A);
        assertEquals(Rcode.NOERROR, m.getRcode(), "the failure was not cached");
        assertEquals(2, upstream.calls.get());
        // An upstream's SERVFAIL answer, on the other hand, is cached (servfail, 5s by default).
        upstream.mode = Upstream.Mode.DEFER;
        upstream.answer = r -> Upstream.reply(r, Rcode.SERVFAIL);
        RecordingWriter w2 = new RecordingWriter();
        assertEquals(Handler.DEFERRED, h.serve(TestRequests.query("sf.example.org", Type.A), w2));
        assertEquals(Rcode.SERVFAIL, w2.await(5, TimeUnit.SECONDS).getRcode());
        assertEquals(Rcode.SERVFAIL, ask(h, "sf.example.org", Type.A).getRcode());
        assertEquals(3, upstream.calls.get(), "answered from the cache");
    }

    @Test
    void aFailedStaleRefreshKeepsTheEntryAndReportsNothing() throws Exception {
        Handler h = cache("cache {\n serve_stale\n}");
        upstream.answer = r -> Upstream.a(r, 30, "10.0.0.1");
        ask(h, "s.example.org", Type.A);
        ticker.advanceSeconds(31);
        upstream.mode = Upstream.Mode.DEFER_FAIL;
        for (int i = 0; i < 2; i++) {
            ReportingWriter w = new ReportingWriter();
            assertEquals(Rcodes.NOERROR, h.serve(TestRequests.query("s.example.org", Type.A), w));
            assertEquals(0, Upstream.ttl(w.msg(), Section.ANSWER), "stale");
            CountDownLatch failed = new CountDownLatch(1);
            upstream.deferredWritten = failed;
            runRefreshes();
            assertTrue(failed.await(5, TimeUnit.SECONDS), "the refresh failed");
            assertEquals(0, w.reported.size(), "the client was answered: a failed refresh is nobody's error");
        }
        assertEquals(3, upstream.calls.get(), "the failed refresh let the next stale hit try again");
        upstream.mode = Upstream.Mode.WRITE;
        upstream.answer = r -> Upstream.a(r, 30, "10.0.0.2");
        ask(h, "s.example.org", Type.A);
        runRefreshes();
        Message fresh = ask(h, "s.example.org", Type.A);
        assertEquals("10.0.0.2", ((ARecord) fresh.getSectionArray(Section.ANSWER)[0]).getAddress().getHostAddress());
    }

    // ---- prefetch ----

    @Test
    void prefetchRefreshesAPopularItemBeforeItExpires() throws Exception {
        Handler h = cache("cache {\n prefetch 2 1m 10%\n}");
        upstream.answer = r -> Upstream.a(r, 100, "10.0.0.1");
        ask(h, "pop.example.org", Type.A);
        ticker.advanceSeconds(10);
        ask(h, "pop.example.org", Type.A); // hit 1
        ticker.advanceSeconds(10);
        ask(h, "pop.example.org", Type.A); // hit 2, 80s left: not yet
        ticker.advanceSeconds(50);
        ask(h, "pop.example.org", Type.A); // hit 3, 30s left: not yet
        assertTrue(refreshes.isEmpty());
        ticker.advanceSeconds(21);
        upstream.answer = r -> Upstream.a(r, 100, "10.0.0.2");
        Message m = ask(h, "pop.example.org", Type.A); // hit 4, 9s left <= 10: prefetch
        assertEquals("10.0.0.1", ((ARecord) m.getSectionArray(Section.ANSWER)[0]).getAddress().getHostAddress(),
                "the client gets the cached answer at once");
        assertEquals(9, Upstream.ttl(m, Section.ANSWER));
        assertEquals(1, refreshes.size());
        assertEquals(1, upstream.calls.get(), "the refresh does not run on the reader thread");
        runRefreshes();
        assertEquals(2, upstream.calls.get());
        assertEquals(Transport.TCP, upstream.seen.get(1).transport(), "refreshed as over TCP, like CoreDNS");
        assertEquals(1, counter(CacheMetrics.PREFETCH, SERVER, ".", ""));

        Message after = ask(h, "pop.example.org", Type.A);
        assertEquals("10.0.0.2", ((ARecord) after.getSectionArray(Section.ANSWER)[0]).getAddress().getHostAddress());
        assertEquals(100, Upstream.ttl(after, Section.ANSWER));
        assertEquals(2, upstream.calls.get());
    }

    @Test
    void prefetchIgnoresItemsThatAreNotPopular() throws Exception {
        Handler h = cache("cache {\n prefetch 3 10s\n}");
        upstream.answer = r -> Upstream.a(r, 100, "10.0.0.1");
        ask(h, "rare.example.org", Type.A);
        ticker.advanceSeconds(30);
        ask(h, "rare.example.org", Type.A);
        ticker.advanceSeconds(30);
        ask(h, "rare.example.org", Type.A);
        ticker.advanceSeconds(35);
        ask(h, "rare.example.org", Type.A); // 5s left, but hits were more than 10s apart
        assertTrue(refreshes.isEmpty());
    }

    @Test
    void prefetchWithADeferredReplyNeverWritesToTheClient() throws Exception {
        Handler h = cache("cache {\n prefetch 1\n}", List.of("."), Runnable::run);
        upstream.answer = r -> Upstream.a(r, 10, "10.0.0.1");
        ask(h, "d.example.org", Type.A);
        ticker.advanceSeconds(9.5);
        upstream.mode = Upstream.Mode.DEFER;
        upstream.answer = r -> Upstream.a(r, 10, "10.0.0.3");
        CountDownLatch written = new CountDownLatch(1);
        upstream.deferredWritten = written;
        RecordingWriter w = new RecordingWriter();
        assertEquals(Rcodes.NOERROR, h.serve(TestRequests.query("d.example.org", Type.A), w));
        assertTrue(written.await(5, TimeUnit.SECONDS));
        assertEquals(1, w.writes(), "only the cached answer reached the client");
        upstream.mode = Upstream.Mode.WRITE;
        Message m = ask(h, "d.example.org", Type.A);
        assertEquals("10.0.0.3", ((ARecord) m.getSectionArray(Section.ANSWER)[0]).getAddress().getHostAddress());
        assertEquals(2, upstream.calls.get());
    }

    // ---- serve_stale ----

    @Test
    void serveStaleImmediateAnswersWithTtlZeroAndRefreshesInTheBackground() throws Exception {
        Handler h = cache("cache {\n serve_stale 1h\n}");
        upstream.answer = r -> Upstream.a(r, 30, "10.0.0.1");
        ask(h, "s.example.org", Type.A);
        ticker.advanceSeconds(40);
        upstream.mode = Upstream.Mode.THROW;
        Message stale = ask(h, "s.example.org", Type.A);
        assertEquals(0, Upstream.ttl(stale, Section.ANSWER));
        assertEquals(1, upstream.calls.get());
        assertEquals(1, refreshes.size());
        runRefreshes(); // the next plugin fails: the item stays
        assertEquals(2, upstream.calls.get());
        assertEquals(0, Upstream.ttl(ask(h, "s.example.org", Type.A), Section.ANSWER), "still served stale");
        assertEquals(2, counter(CacheMetrics.SERVED_STALE, SERVER, ".", ""));

        upstream.mode = Upstream.Mode.WRITE;
        upstream.answer = r -> Upstream.a(r, 30, "10.0.0.2");
        runRefreshes(); // the second stale hit queued another refresh, which works
        Message fresh = ask(h, "s.example.org", Type.A);
        assertEquals(30, Upstream.ttl(fresh, Section.ANSWER));
        assertEquals("10.0.0.2", ((ARecord) fresh.getSectionArray(Section.ANSWER)[0]).getAddress().getHostAddress());
    }

    @Test
    void serveStaleStopsAfterItsDuration() throws Exception {
        Handler h = cache("cache {\n serve_stale 60s\n}");
        upstream.answer = r -> Upstream.a(r, 30, "10.0.0.1");
        ask(h, "s.example.org", Type.A);
        ticker.advanceSeconds(30 + 59);
        ask(h, "s.example.org", Type.A);
        assertEquals(1, upstream.calls.get());
        ticker.advanceSeconds(1);
        ask(h, "s.example.org", Type.A);
        assertEquals(2, upstream.calls.get(), "60s past expiry: a miss");
    }

    @Test
    void onlyOneRefreshPerItemAtATime() throws Exception {
        Handler h = cache("cache {\n serve_stale\n}");
        upstream.answer = r -> Upstream.a(r, 30, "10.0.0.1");
        ask(h, "s.example.org", Type.A);
        ticker.advanceSeconds(31);
        for (int i = 0; i < 5; i++) {
            ask(h, "s.example.org", Type.A);
        }
        assertEquals(1, refreshes.size());
    }

    @Test
    void serveStaleVerifyAsksFirstAndServesStaleWhenTheNextPluginFails() throws Exception {
        Handler h = cache("cache {\n serve_stale 1h verify\n}");
        upstream.answer = r -> Upstream.a(r, 30, "10.0.0.1");
        ask(h, "v.example.org", Type.A);
        ticker.advanceSeconds(31);

        upstream.mode = Upstream.Mode.THROW;
        Message m = ask(h, "v.example.org", Type.A);
        assertEquals(0, Upstream.ttl(m, Section.ANSWER));
        assertEquals(2, upstream.calls.get(), "verify asks the next plugin first, inline");
        assertTrue(refreshes.isEmpty(), "no background refresh in verify mode");

        upstream.mode = Upstream.Mode.RETURN_SERVFAIL;
        assertEquals(0, Upstream.ttl(ask(h, "v.example.org", Type.A), Section.ANSWER));

        upstream.mode = Upstream.Mode.WRITE;
        upstream.answer = r -> Upstream.reply(r, Rcode.SERVFAIL);
        Message written = ask(h, "v.example.org", Type.A);
        assertEquals(Rcode.NOERROR, written.getRcode(), "a SERVFAIL reply is replaced by the stale entry");
        assertEquals(3, counter(CacheMetrics.SERVED_STALE, SERVER, ".", ""));

        upstream.answer = r -> Upstream.a(r, 30, "10.0.0.2");
        Message fresh = ask(h, "v.example.org", Type.A);
        assertEquals(30, Upstream.ttl(fresh, Section.ANSWER));
        assertEquals("10.0.0.2", ((ARecord) fresh.getSectionArray(Section.ANSWER)[0]).getAddress().getHostAddress());
        assertEquals(30, Upstream.ttl(ask(h, "v.example.org", Type.A), Section.ANSWER), "refreshed entry stored");
        assertEquals(5, upstream.calls.get());
    }

    @Test
    void serveStaleVerifyWithDeferredReplies() throws Exception {
        Handler h = cache("cache {\n serve_stale 1h verify\n}");
        upstream.answer = r -> Upstream.a(r, 30, "10.0.0.1");
        ask(h, "v.example.org", Type.A);
        ticker.advanceSeconds(31);
        upstream.mode = Upstream.Mode.DEFER;
        upstream.answer = r -> Upstream.reply(r, Rcode.SERVFAIL);
        RecordingWriter w = new RecordingWriter();
        assertEquals(Handler.DEFERRED, h.serve(TestRequests.query("v.example.org", Type.A), w));
        Message stale = w.await(5, TimeUnit.SECONDS);
        assertEquals(Rcode.NOERROR, stale.getRcode());
        assertEquals(0, Upstream.ttl(stale, Section.ANSWER));

        upstream.answer = r -> Upstream.a(r, 30, "10.0.0.4");
        RecordingWriter w2 = new RecordingWriter();
        assertEquals(Handler.DEFERRED, h.serve(TestRequests.query("v.example.org", Type.A), w2));
        Message fresh = w2.await(5, TimeUnit.SECONDS);
        assertEquals("10.0.0.4", ((ARecord) fresh.getSectionArray(Section.ANSWER)[0]).getAddress().getHostAddress());
        assertEquals(1, w2.writes());
    }

    @Test
    void serveStaleVerifyAfterADeferredFailureServesStaleAndReportsNothing() throws Exception {
        Handler h = cache("cache {\n serve_stale 1h verify\n}");
        upstream.answer = r -> Upstream.a(r, 30, "10.0.0.1");
        ask(h, "vf.example.org", Type.A);
        ticker.advanceSeconds(31);
        upstream.mode = Upstream.Mode.DEFER_FAIL;
        ReportingWriter w = new ReportingWriter();
        assertEquals(Handler.DEFERRED, h.serve(TestRequests.query("vf.example.org", Type.A), w));
        Message stale = w.await(5, TimeUnit.SECONDS);
        assertEquals(Rcode.NOERROR, stale.getRcode());
        assertEquals(0, Upstream.ttl(stale, Section.ANSWER));
        assertEquals(0, w.reported.size(), "answered from the stale entry: no error to log");
    }

    @Test
    void keepttlAlsoForStaleReplies() throws Exception {
        Handler h = cache("cache {\n serve_stale\n keepttl\n}");
        upstream.answer = r -> Upstream.a(r, 30, "10.0.0.1");
        ask(h, "k.example.org", Type.A);
        ticker.advanceSeconds(100);
        assertEquals(30, Upstream.ttl(ask(h, "k.example.org", Type.A), Section.ANSWER));
    }

    // ---- capacity and metrics ----

    @Test
    void capacityIsBoundedAndEvictionsAreCounted() throws Exception {
        Handler h = cache("cache {\n success 1024\n}");
        for (int i = 0; i < 3000; i++) {
            ask(h, "n" + i + ".example.org", Type.A);
        }
        CacheHandler ch = (CacheHandler) h;
        ch.success.cleanUp();
        assertTrue(ch.success.estimatedSize() <= 1024, "size " + ch.success.estimatedSize());
        double evictions = counter(CacheMetrics.EVICTIONS, SERVER, "success", ".", "");
        assertTrue(evictions >= 1900 && evictions <= 3000 - 1024, "evictions " + evictions);
        assertTrue(gauge(CacheMetrics.ENTRIES, SERVER, "success", ".", "") <= 1024);
    }

    @Test
    void requestHitMissCounters() throws Exception {
        Handler h = cache("cache");
        ask(h, "m.example.org", Type.A);
        ask(h, "m.example.org", Type.A);
        ask(h, "m.example.org", Type.A);
        upstream.answer = r -> Upstream.negative(r, Rcode.NXDOMAIN, 60, 60);
        ask(h, "nx.example.org", Type.A);
        ask(h, "nx.example.org", Type.A);
        assertEquals(5, counter(CacheMetrics.REQUESTS, SERVER, ".", ""));
        assertEquals(2, counter(CacheMetrics.MISSES, SERVER, ".", ""));
        assertEquals(2, counter(CacheMetrics.HITS, SERVER, "success", ".", ""));
        assertEquals(1, counter(CacheMetrics.HITS, SERVER, "denial", ".", ""));
        assertEquals(1, gauge(CacheMetrics.ENTRIES, SERVER, "success", ".", ""));
        assertEquals(1, gauge(CacheMetrics.ENTRIES, SERVER, "denial", ".", ""));
        assertEquals(0, counter(CacheMetrics.PREFETCH, SERVER, ".", ""));
        assertEquals(0, counter(CacheMetrics.SERVED_STALE, SERVER, ".", ""));
    }

    @Test
    void serverLabels() throws Exception {
        assertEquals("dns://:53", CacheMetrics.label(0, 53));
        assertEquals("tls://:853", CacheMetrics.label(1, 853));
        assertEquals("grpc://:443", CacheMetrics.label(2, 443));
        assertEquals("https://:443", CacheMetrics.label(3, 443));
        Handler h = cache("cache");
        Request other = new Request(TestRequests.message("p.example.org", Type.A, DClass.IN), Transport.TCP,
                RecordingWriter.DEFAULT_REMOTE, new java.net.InetSocketAddress("127.0.0.1", 1053), ".");
        ask(h, other);
        ask(h, other);
        assertEquals(1, counter(CacheMetrics.HITS, "dns://:1053", "success", ".", ""));
        assertEquals(0, counter(CacheMetrics.HITS, SERVER, "success", ".", ""));
        Request doh = new Request(TestRequests.message("p.example.org", Type.A, DClass.IN), Transport.HTTPS,
                RecordingWriter.DEFAULT_REMOTE, new java.net.InetSocketAddress("127.0.0.1", 443), ".");
        ask(h, doh);
        assertEquals(1, counter(CacheMetrics.HITS, "https://:443", "success", ".", ""));
    }

    @Test
    void serverLabelsNameTheBindAddressTheQueryArrivedOn() throws Exception {
        assertEquals("dns://127.0.0.1:53", CacheMetrics.label(0, "127.0.0.1", 53));
        assertEquals("tls://[::1]:853", CacheMetrics.label(1, "::1", 853));
        controller = TestController.of("cache");
        controller.listenHosts(List.of("127.0.0.1", "::1"));
        new CachePlugin(ticker, Clock.systemUTC(), refreshes::add).setup(controller);
        Handler h = controller.handler(upstream);
        Request v4 = new Request(TestRequests.message("b.example.org", Type.A, DClass.IN), Transport.UDP,
                RecordingWriter.DEFAULT_REMOTE, new java.net.InetSocketAddress("127.0.0.1", 1053), ".");
        Request v6 = new Request(TestRequests.message("b.example.org", Type.A, DClass.IN), Transport.UDP,
                new java.net.InetSocketAddress("::1", 40000), new java.net.InetSocketAddress("::1", 1053), ".");
        ask(h, v4);
        ask(h, v4);
        ask(h, v6);
        ask(h, v6);
        ask(h, v6);
        assertEquals(2, counter(CacheMetrics.REQUESTS, "dns://127.0.0.1:1053", ".", ""));
        assertEquals(1, counter(CacheMetrics.HITS, "dns://127.0.0.1:1053", "success", ".", ""));
        assertEquals(3, counter(CacheMetrics.REQUESTS, "dns://[::1]:1053", ".", ""));
        assertEquals(3, counter(CacheMetrics.HITS, "dns://[::1]:1053", "success", ".", ""));
        assertEquals(0, counter(CacheMetrics.REQUESTS, "dns://:1053", ".", ""));
    }

    @Test
    void oneBindAddressNamesEveryQuery() throws Exception {
        controller = TestController.of("cache");
        controller.listenHosts(List.of("192.0.2.7"));
        new CachePlugin(ticker, Clock.systemUTC(), refreshes::add).setup(controller);
        Handler h = controller.handler(upstream);
        ask(h, "c.example.org", Type.A);
        ask(h, "c.example.org", Type.A);
        assertEquals(2, counter(CacheMetrics.REQUESTS, "dns://192.0.2.7:53", ".", ""));
        assertEquals(0, counter(CacheMetrics.REQUESTS, SERVER, ".", ""));
    }

    @Test
    void lastPluginFailsWithoutNext() throws Exception {
        controller = TestController.of("cache");
        new CachePlugin(ticker, Clock.systemUTC(), refreshes::add).setup(controller);
        Handler h = controller.handler(null);
        kdns.api.HandlerException e = org.junit.jupiter.api.Assertions.assertThrows(kdns.api.HandlerException.class,
                () -> h.serve(TestRequests.query("a.example.org", Type.A), new RecordingWriter()));
        assertEquals("plugin/cache: no next plugin found", e.getMessage());
    }
}
