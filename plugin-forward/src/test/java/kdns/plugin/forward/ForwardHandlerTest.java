package kdns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.Transport;
import kdns.testing.Polling;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import kdns.testing.upstream.ScriptedUpstream;
import kdns.testing.upstream.ScriptedUpstream.Via;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** The handler against fault-injecting upstreams on 127.0.0.1, one option at a time. */
class ForwardHandlerTest {

    private final ForwardTestServers servers = new ForwardTestServers();

    @AfterEach
    void tearDown() throws Exception {
        servers.close();
    }

    private ScriptedUpstream upstream() throws Exception {
        return servers.upstream();
    }

    private Handler forward(String text, Handler next) throws Exception {
        return servers.forward(text, next);
    }

    private Handler forward(String text) throws Exception {
        return forward(text, null);
    }

    private static RecordingWriter ask(Handler h, Request r) throws Exception {
        RecordingWriter w = new RecordingWriter();
        int rc = h.serve(r, w);
        assertEquals(Handler.DEFERRED, rc, "forward answers later");
        assertNotNull(w.await(10, TimeUnit.SECONDS), "a reply within 10s");
        return w;
    }

    private static Message ask(Handler h, String name) throws Exception {
        return ask(h, TestRequests.query(name, Type.A)).msg();
    }

    @Test
    void forwardsOverUdpWithAFreshIdAndTheClientsSpelling() throws Exception {
        ScriptedUpstream u = upstream();
        Handler h = forward("forward . " + u.hostPort());
        Message q = TestRequests.message("WwW.ExAmPle.ORG", Type.A, DClass.IN);
        q.getHeader().setID(4242);
        RecordingWriter w = ask(h, TestRequests.from(q, Transport.UDP, RecordingWriter.DEFAULT_REMOTE));
        assertEquals(Rcode.NOERROR, w.rcode());
        assertEquals("192.0.2.1", Fixtures.firstA(w.msg()));
        assertEquals(1, w.writes());
        ScriptedUpstream.Query seen = u.queries().get(0);
        assertEquals(Via.UDP, seen.via());
        assertEquals("WwW.ExAmPle.ORG.", seen.name(), "the question goes upstream as the client spelled it");
        assertTrue(seen.message().getHeader().getFlag(Flags.RD));
        // The upstream saw a fresh ID (one in 65536 it is the same by chance: try a few).
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            ask(h, TestRequests.from(q, Transport.UDP, RecordingWriter.DEFAULT_REMOTE));
        }
        u.queries().forEach(s -> ids.add(s.message().getHeader().getID()));
        assertTrue(ids.size() > 1 && !(ids.size() == 1 && ids.contains(4242)), ids.toString());
    }

    @Test
    void tcpClientsAreForwardedOverTcpAndConnectionsAreReused() throws Exception {
        ScriptedUpstream u = upstream();
        Handler h = forward("forward . " + u.hostPort());
        for (int i = 0; i < 5; i++) {
            assertEquals(Rcode.NOERROR, ask(h, TestRequests.tcp("a.example.org", Type.A)).rcode());
        }
        assertTrue(u.queries().stream().allMatch(q -> q.via() == Via.TCP));
        assertEquals(1, u.openConnections(), "one cached connection served all five queries");
    }

    @Test
    void expireZeroNeverReusesConnections() throws Exception {
        ScriptedUpstream u = upstream();
        Handler h = forward("forward . " + u.hostPort() + " {\nexpire 0s\n}");
        for (int i = 0; i < 3; i++) {
            assertEquals(Rcode.NOERROR, ask(h, TestRequests.tcp("a.example.org", Type.A)).rcode());
        }
        assertTrue(Polling.within(Duration.ofSeconds(3), () -> u.openConnections() == 0),
                "every connection is closed after use");
    }

    @Test
    void expiredConnectionsAreNotReused() throws Exception {
        ScriptedUpstream u = upstream();
        Handler h = forward("forward . " + u.hostPort() + " {\nexpire 300ms\n}");
        ForwardHandler f = (ForwardHandler) h;
        ask(h, TestRequests.tcp("a.example.org", Type.A));
        assertEquals(1, f.upstreams.get(0).openConnections()[1]);
        Thread.sleep(500);
        ask(h, TestRequests.tcp("b.example.org", Type.A));
        assertTrue(Polling.within(Duration.ofSeconds(3), () -> u.openConnections() == 1),
                "the expired connection was closed and replaced: " + u.openConnections());
    }

    @Test
    void maxIdleConnsLimitsTheCachedConnections() throws Exception {
        ScriptedUpstream u = upstream();
        u.delay(Duration.ofMillis(300));
        ForwardHandler h = (ForwardHandler) forward("forward . " + u.hostPort() + " {\nforce_tcp\nmax_idle_conns 1\n}");
        List<RecordingWriter> ws = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RecordingWriter w = new RecordingWriter();
            assertEquals(Handler.DEFERRED, h.serve(TestRequests.query("i" + i + ".example.org", Type.A), w));
            ws.add(w);
        }
        for (RecordingWriter w : ws) {
            assertEquals(Rcode.NOERROR, w.await(5, TimeUnit.SECONDS).getRcode());
        }
        assertTrue(Polling.within(Duration.ofSeconds(3), () -> u.openConnections() == 1),
                "three connections were dialled, one is kept: " + u.openConnections());
        assertEquals(1, h.upstreams.get(0).openConnections()[1]);
    }

    @Test
    void forceTcp() throws Exception {
        ScriptedUpstream u = upstream();
        Handler h = forward("forward . " + u.hostPort() + " {\nforce_tcp\n}");
        assertEquals("192.0.2.1", Fixtures.firstA(ask(h, "a.example.org")));
        assertEquals(Via.TCP, u.queries("a.example.org.").get(0).via());
    }

    @Test
    void preferUdpAsksOverUdpAndRetriesTruncatedRepliesOverTcp() throws Exception {
        ScriptedUpstream u = upstream();
        u.script(ScriptedUpstream.truncatedOverUdp(ScriptedUpstream.answerA("192.0.2.7")));
        Handler h = forward("forward . " + u.hostPort() + " {\nprefer_udp\n}");
        Message m = ask(h, TestRequests.tcp("a.example.org", Type.A)).msg();
        assertEquals("192.0.2.7", Fixtures.firstA(m));
        List<Via> vias = u.queries("a.example.org.").stream().map(ScriptedUpstream.Query::via).toList();
        assertEquals(List.of(Via.UDP, Via.TCP), vias);
    }

    @Test
    void truncatedRepliesReachUdpClientsWithoutPreferUdp() throws Exception {
        ScriptedUpstream u = upstream();
        u.script(ScriptedUpstream.truncatedOverUdp(ScriptedUpstream.answerA("192.0.2.7")));
        Handler h = forward("forward . " + u.hostPort());
        Message m = ask(h, "a.example.org");
        assertTrue(m.getHeader().getFlag(Flags.TC), "the client retries over TCP itself");
        assertEquals(1, u.queries("a.example.org.").size());
    }

    @Test
    void exceptAndOtherZonesGoToTheNextPlugin() throws Exception {
        ScriptedUpstream u = upstream();
        Handler h = forward("forward example.org " + u.hostPort() + " {\nexcept private.example.org\n}",
                TestHandlers.answering(Rcode.NXDOMAIN));
        RecordingWriter w = new RecordingWriter();
        assertEquals(Rcode.NXDOMAIN, h.serve(TestRequests.query("x.private.example.org", Type.A), w));
        assertEquals(Rcode.NXDOMAIN, h.serve(TestRequests.query("example.net", Type.A), new RecordingWriter()));
        assertEquals(Handler.DEFERRED, h.serve(TestRequests.query("www.example.org", Type.A), new RecordingWriter()));
        Handler last = forward("forward example.org " + u.hostPort());
        HandlerException e = assertThrows(HandlerException.class,
                () -> last.serve(TestRequests.query("example.net", Type.A), new RecordingWriter()));
        assertEquals(Rcodes.SERVFAIL, e.rcode());
    }

    @Test
    void sequentialPolicyAlwaysStartsWithTheFirst() throws Exception {
        ScriptedUpstream a = upstream();
        ScriptedUpstream b = upstream();
        b.script(ScriptedUpstream.answerA("192.0.2.2"));
        Handler h = forward("forward . " + a.hostPort() + " " + b.hostPort() + " {\npolicy sequential\n}");
        for (int i = 0; i < 6; i++) {
            assertEquals("192.0.2.1", Fixtures.firstA(ask(h, "s" + i + ".example.org")));
        }
        assertEquals(0, b.queries().size());
    }

    @Test
    void roundRobinAndRandomSpreadQueries() throws Exception {
        for (String policy : List.of("round_robin", "random")) {
            ScriptedUpstream a = upstream();
            ScriptedUpstream b = upstream();
            b.script(ScriptedUpstream.answerA("192.0.2.2"));
            Handler h = forward("forward . " + a.hostPort() + " " + b.hostPort() + " {\npolicy " + policy + "\n}");
            for (int i = 0; i < 20; i++) {
                ask(h, "r" + i + ".example.org");
            }
            int na = a.queries().size();
            int nb = b.queries().size();
            assertEquals(20, na + nb);
            if (policy.equals("round_robin")) {
                assertEquals(10, na, policy);
            } else {
                assertTrue(na > 0 && nb > 0, policy + ": " + na + "/" + nb);
            }
        }
    }

    @Test
    void failoverTriesTheNextUpstreamOnTheseRcodes() throws Exception {
        ScriptedUpstream bad = upstream();
        bad.script(ScriptedUpstream.rcode(Rcode.SERVFAIL));
        ScriptedUpstream good = upstream();
        Handler h = forward("forward . " + bad.hostPort() + " " + good.hostPort()
                + " {\npolicy sequential\nfailover SERVFAIL REFUSED\n}");
        assertEquals("192.0.2.1", Fixtures.firstA(ask(h, "f.example.org")));
        assertEquals(1, bad.queries().size());
        // Without failover the SERVFAIL is the answer.
        Handler plain = forward("forward . " + bad.hostPort() + " " + good.hostPort() + " {\npolicy sequential\n}");
        assertEquals(Rcode.SERVFAIL, ask(plain, "g.example.org").getRcode());
        // When every upstream answers with a failover rcode, the last answer is returned.
        good.script(ScriptedUpstream.rcode(Rcode.REFUSED));
        assertEquals(Rcode.REFUSED, ask(h, "h.example.org").getRcode());
    }

    @Test
    void nextHandsTheQueryToTheFollowingForward() throws Exception {
        ScriptedUpstream first = upstream();
        first.script(ScriptedUpstream.rcode(Rcode.NXDOMAIN));
        ScriptedUpstream second = upstream();
        second.script(ScriptedUpstream.answerA("192.0.2.9"));
        Handler h = forward("forward . " + first.hostPort() + " {\nnext NXDOMAIN\n}\nforward . " + second.hostPort(),
                TestHandlers.answering(Rcode.REFUSED));
        assertEquals("192.0.2.9", Fixtures.firstA(ask(h, "n.example.org")));
        assertEquals(1, first.queries().size());
        // next is ignored when what follows is not a forward.
        Handler alone = forward("forward . " + first.hostPort() + " {\nnext NXDOMAIN\n}",
                TestHandlers.answering(Rcode.REFUSED));
        assertEquals(Rcode.NXDOMAIN, ask(alone, "m.example.org").getRcode());
    }

    @Test
    void nextOnNodataHandsEmptyAnswersToTheFollowingForward() throws Exception {
        ScriptedUpstream first = upstream();
        first.script(ScriptedUpstream.rcode(Rcode.NOERROR));
        ScriptedUpstream second = upstream();
        second.script(ScriptedUpstream.answerA("192.0.2.10"));
        Handler h = forward("forward . " + first.hostPort() + " {\nnext_on_nodata\n}\nforward . " + second.hostPort());
        assertEquals("192.0.2.10", Fixtures.firstA(ask(h, "nodata.example.org")));
        first.script(ScriptedUpstream.answerA("192.0.2.11"));
        assertEquals("192.0.2.11", Fixtures.firstA(ask(h, "data.example.org")), "answers are kept");
        Handler without = forward("forward . " + first.hostPort() + "\nforward . " + second.hostPort());
        first.script(ScriptedUpstream.rcode(Rcode.NOERROR));
        assertEquals(null, Fixtures.firstA(ask(without, "nodata2.example.org")));
    }

    @Test
    void maxConcurrentRefusesQueriesPastTheLimit() throws Exception {
        ScriptedUpstream slow = upstream();
        slow.delay(Duration.ofMillis(700));
        TestController c = TestController.of("forward . " + slow.hostPort() + " {\nmax_concurrent 2\n}");
        servers.track(c);
        Handler h = Fixtures.handler(c, null);
        List<RecordingWriter> inFlight = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            RecordingWriter w = new RecordingWriter();
            assertEquals(Handler.DEFERRED, h.serve(TestRequests.query("c" + i + ".example.org", Type.A), w));
            inFlight.add(w);
        }
        HandlerException e = assertThrows(HandlerException.class,
                () -> h.serve(TestRequests.query("c3.example.org", Type.A), new RecordingWriter()));
        assertEquals(Rcodes.REFUSED, e.rcode());
        assertTrue(e.getMessage().contains("concurrent queries exceeded maximum 2"), e.getMessage());
        assertEquals(1.0, Fixtures.counter(c.instance().metrics().prometheus(),
                "coredns_forward_max_concurrent_rejects"));
        for (RecordingWriter w : inFlight) {
            assertEquals(Rcode.NOERROR, w.await(5, TimeUnit.SECONDS).getRcode());
        }
        assertTrue(Polling.within(Duration.ofSeconds(2), () -> ((ForwardHandler) h).concurrent() == 0));
        slow.delay(Duration.ZERO);
        assertEquals(Rcode.NOERROR, ask(h, "c4.example.org").getRcode(), "slots are released");
    }

    @Test
    void aDeadUpstreamIsMarkedDownAndBackUp() throws Exception {
        ScriptedUpstream a = upstream();
        ScriptedUpstream b = upstream();
        b.script(ScriptedUpstream.answerA("192.0.2.2"));
        ForwardHandler h = (ForwardHandler) forward("forward . " + a.hostPort() + " " + b.hostPort()
                + " {\npolicy sequential\nhealth_check 100ms\n}");
        assertEquals("192.0.2.1", Fixtures.firstA(ask(h, "d0.example.org")));
        a.stop();
        // The first query after the kill fails over to b and starts a's health checks.
        assertEquals("192.0.2.2", Fixtures.firstA(ask(h, "d1.example.org")));
        assertTrue(Polling.within(Duration.ofSeconds(5), () -> h.upstreams.get(0).down(2)), "a is marked down");
        b.clearQueries();
        for (int i = 0; i < 5; i++) {
            assertEquals("192.0.2.2", Fixtures.firstA(ask(h, "d" + (i + 2) + ".example.org")));
        }
        assertEquals(5, b.queries().size());
        a.restart();
        assertTrue(Polling.within(Duration.ofSeconds(5), () -> !h.upstreams.get(0).down(2)), "a is back up");
        assertEquals("192.0.2.1", Fixtures.firstA(ask(h, "d9.example.org")));
    }

    @Test
    void allUpstreamsDownGivesServfail() throws Exception {
        ScriptedUpstream a = upstream();
        ScriptedUpstream b = upstream();
        ForwardHandler h = (ForwardHandler) forward("forward . " + a.hostPort() + " " + b.hostPort()
                + " {\nhealth_check 50ms\n}");
        a.stop();
        b.stop();
        assertEquals(Rcode.SERVFAIL, ask(h, "x.example.org").getRcode());
        assertTrue(Polling.within(Duration.ofSeconds(5),
                () -> h.upstreams.get(0).down(2) && h.upstreams.get(1).down(2)));
        long start = System.nanoTime();
        assertEquals(Rcode.SERVFAIL, ask(h, "y.example.org").getRcode());
        assertTrue(System.nanoTime() - start < 3_000_000_000L, "one random try, then SERVFAIL");
        assertTrue(Fixtures.counter(servers.controller(0).instance().metrics().prometheus(),
                "coredns_forward_healthcheck_broken") >= 1);
    }

    /**
     * A datagram with QR clear is a query, not a reply: what a UDP socket gets back when the system
     * gave it the port of a local upstream that is down (the socket connected to itself). It is
     * ignored, so the query fails over as on a timeout instead of getting FORMERR.
     */
    @Test
    void aQueryComingBackIsNoReply() throws Exception {
        ScriptedUpstream echo = upstream();
        echo.script((q, via) -> q.clone()); // the query itself, QR clear
        ScriptedUpstream good = upstream();
        Handler h = forward("forward . " + echo.hostPort() + " " + good.hostPort() + " {\npolicy sequential\n}");
        Message m = ask(h, "x.example.org");
        assertEquals(Rcode.NOERROR, m.getRcode(), "the second upstream answered");
        assertTrue(!echo.queries().isEmpty(), "the echoing upstream was asked first");
    }

    @Test
    void aDeferredFailureIsReportedToTheWriterBeforeTheServfail() throws Exception {
        ScriptedUpstream a = upstream();
        Handler h = forward("forward . " + a.hostPort());
        a.stop();
        java.util.List<HandlerException> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        RecordingWriter w = new RecordingWriter() {
            @Override
            public void reportError(HandlerException error) {
                reported.add(error);
            }
        };
        assertEquals(Handler.DEFERRED, h.serve(TestRequests.query("x.example.org", Type.A), w));
        assertNotNull(w.await(10, TimeUnit.SECONDS));
        assertEquals(Rcode.SERVFAIL, w.rcode());
        assertEquals(1, reported.size(), "the errors plugin learns why: " + reported);
        assertEquals(Rcodes.SERVFAIL, reported.get(0).rcode());
    }

    @Test
    void failfastAnswersServfailWithoutTryingWhenAllAreDown() throws Exception {
        ScriptedUpstream a = upstream();
        ForwardHandler h = (ForwardHandler) forward("forward . " + a.hostPort()
                + " {\nhealth_check 50ms\nfailfast_all_unhealthy_upstreams\n}");
        a.stop();
        assertEquals(Rcode.SERVFAIL, ask(h, "x.example.org").getRcode());
        assertTrue(Polling.within(Duration.ofSeconds(5), () -> h.upstreams.get(0).down(2)));
        // Marked down: SERVFAIL at once, before anything is sent.
        HandlerException e = assertThrows(HandlerException.class,
                () -> h.serve(TestRequests.query("z.example.org", Type.A), new RecordingWriter()));
        assertEquals(Rcodes.SERVFAIL, e.rcode());
        assertTrue(e.getMessage().contains("no healthy proxies"), e.getMessage());
    }

    @Test
    void maxFailsZeroNeverMarksDownNorChecks() throws Exception {
        ScriptedUpstream a = upstream();
        ForwardHandler h = (ForwardHandler) forward("forward . " + a.hostPort() + " {\nmax_fails 0\n}");
        a.stop();
        assertEquals(Rcode.SERVFAIL, ask(h, "x.example.org").getRcode());
        assertEquals(0, h.upstreams.get(0).fails());
        assertTrue(!h.upstreams.get(0).probing());
        a.restart();
        assertEquals(Rcode.NOERROR, ask(h, "y.example.org").getRcode());
    }

    @Test
    void healthChecksAskTheConfiguredDomainWithoutRecursion() throws Exception {
        ScriptedUpstream a = upstream();
        a.script(ScriptedUpstream.drop());
        ScriptedUpstream b = upstream();
        ForwardHandler h = (ForwardHandler) forward("forward . " + a.hostPort() + " " + b.hostPort()
                + " {\npolicy sequential\nhealth_check 100ms no_rec domain Health.Example.NET\n}");
        h.upstreams.get(0).readTimeout(200_000_000L);
        assertEquals(Rcode.NOERROR, ask(h, "q.example.org").getRcode());
        assertTrue(Polling.within(Duration.ofSeconds(5), () -> !a.queries("health.example.net.").isEmpty()));
        ScriptedUpstream.Query hc = a.queries("health.example.net.").get(0);
        assertEquals(Type.NS, hc.message().getQuestion().getType());
        assertTrue(!hc.message().getHeader().getFlag(Flags.RD), "no_rec clears RD");
        assertEquals(Via.UDP, hc.via());
    }

    @Test
    void healthChecksUseTcpWithForceTcp() throws Exception {
        ScriptedUpstream a = upstream();
        a.script(ScriptedUpstream.drop());
        ScriptedUpstream b = upstream();
        ForwardHandler h = (ForwardHandler) forward("forward . " + a.hostPort() + " " + b.hostPort()
                + " {\npolicy sequential\nforce_tcp\nhealth_check 100ms\n}");
        h.upstreams.get(0).readTimeout(200_000_000L);
        assertEquals(Rcode.NOERROR, ask(h, "q.example.org").getRcode());
        assertTrue(Polling.within(Duration.ofSeconds(5), () -> !a.queries(".").isEmpty()));
        assertEquals(Via.TCP, a.queries(".").get(0).via());
        assertTrue(a.queries(".").get(0).message().getHeader().getFlag(Flags.RD));
    }

    @Test
    void aTimeoutMovesToTheNextUpstream() throws Exception {
        ScriptedUpstream silent = upstream();
        silent.script(ScriptedUpstream.drop());
        ScriptedUpstream b = upstream();
        ForwardHandler h = (ForwardHandler) forward("forward . " + silent.hostPort() + " " + b.hostPort()
                + " {\npolicy sequential\n}");
        long start = System.nanoTime();
        assertEquals("192.0.2.1", Fixtures.firstA(ask(h, "t.example.org")));
        long took = System.nanoTime() - start;
        assertTrue(took >= 1_900_000_000L && took < 4_000_000_000L, "after the 2s read timeout: " + took);
    }

    @Test
    void maxConnectAttemptsCapsRetries() throws Exception {
        ScriptedUpstream a = upstream();
        ScriptedUpstream b = upstream();
        ForwardHandler h = (ForwardHandler) forward("forward . " + a.hostPort() + " " + b.hostPort()
                + " {\npolicy sequential\nmax_connect_attempts 1\nmax_fails 0\n}");
        a.stop();
        assertEquals(Rcode.SERVFAIL, ask(h, "x.example.org").getRcode());
        assertEquals(0, b.queries().size(), "no second attempt");
    }

    /**
     * CoreDNS 1.14.7+: without {@code max_connect_attempts}, a query stops after two failed
     * exchanges per upstream instead of trying upstreams that fail at once until its 5s deadline.
     */
    @Test
    void byDefaultAQueryGivesUpAfterTwoFailedExchangesPerUpstream() throws Exception {
        try (HangUpServer a = HangUpServer.start(); HangUpServer b = HangUpServer.start()) {
            // max_fails 0: no health checks, whose TCP probes would be counted too.
            Handler h = forward("forward . " + a.hostPort() + " " + b.hostPort()
                    + " {\nforce_tcp\nmax_fails 0\n}");
            assertEquals(Rcode.SERVFAIL, ask(h, "x.example.org").getRcode());
            assertEquals(4, a.queries() + b.queries(), "2 x 2 upstreams: " + a.queries() + " + " + b.queries());
        }
    }

    @Test
    void aReplyToAnotherQuestionIsAFormerr() throws Exception {
        ScriptedUpstream a = upstream();
        a.script((q, via) -> {
            Message m = ScriptedUpstream.answerA("192.0.2.1").answer(
                    TestRequests.message("other.example.org", Type.A, DClass.IN), via);
            m.getHeader().setID(q.getHeader().getID());
            return m;
        });
        Handler h = forward("forward . " + a.hostPort());
        assertEquals(Rcode.FORMERR, ask(h, "x.example.org").getRcode());
    }

    @Test
    void chaosClassQueriesAreForwarded() throws Exception {
        ScriptedUpstream a = upstream();
        Handler h = forward("forward . " + a.hostPort());
        assertEquals(Rcode.NOERROR, ask(h, TestRequests.query("version.bind", Type.TXT, DClass.CH)).rcode());
        assertEquals(DClass.CH, a.queries().get(0).message().getQuestion().getDClass());
    }

    @Test
    void requestMetrics() throws Exception {
        ScriptedUpstream a = upstream();
        TestController c = TestController.of("forward . " + a.hostPort());
        servers.track(c);
        Handler h = Fixtures.handler(c, null);
        ask(h, "m1.example.org");
        a.script(ScriptedUpstream.rcode(Rcode.NXDOMAIN));
        ask(h, "m2.example.org");
        var r = c.instance().metrics().prometheus();
        String to = a.hostPort();
        assertEquals(1, Fixtures.histogramCount(r, "coredns_proxy_request_duration_seconds",
                "proxy_name", "forward", "to", to, "rcode", "NOERROR"));
        assertEquals(1, Fixtures.histogramCount(r, "coredns_proxy_request_duration_seconds",
                "proxy_name", "forward", "to", to, "rcode", "NXDOMAIN"));
        assertEquals(2.0, Fixtures.counter(r, "coredns_forward_requests", "to", to));
        assertEquals(1.0, Fixtures.counter(r, "coredns_forward_responses", "to", to, "rcode", "NXDOMAIN"));
        assertEquals(1, Fixtures.histogramCount(r, "coredns_forward_request_duration_seconds", "to", to,
                "rcode", "NOERROR"));
        assertTrue(Fixtures.counter(r, "coredns_proxy_conn_cache_misses", "proxy_name", "forward", "to", to,
                "proto", "udp") >= 1);
        a.stop();
        a.script(ScriptedUpstream.answerA("192.0.2.1"));
        ask(h, "m3.example.org");
        assertTrue(Polling.within(Duration.ofSeconds(5), () -> Fixtures.counter(r,
                "coredns_proxy_healthcheck_failures", "proxy_name", "forward", "to", to) >= 1));
        assertTrue(Fixtures.counter(r, "coredns_forward_healthcheck_failures", "to", to) >= 1);
    }

    @Test
    void shutdownKeepsAnsweringForOneDeadlineThenCloses() throws Exception {
        ScriptedUpstream a = upstream();
        TestController c = TestController.of("forward . " + a.hostPort());
        ForwardHandler h = (ForwardHandler) Fixtures.handler(c, null);
        c.runStartup();
        assertEquals(Rcode.NOERROR, ask(h, "s.example.org").getRcode());
        ask(h, TestRequests.tcp("s.example.org", Type.A));
        c.runShutdown();
        // A query routed to the old chain during a reload is still answered.
        assertEquals(Rcode.NOERROR, ask(h, "t.example.org").getRcode());
        assertTrue(Polling.within(Duration.ofSeconds(8), () -> h.upstreams.get(0).stopped()));
        assertTrue(Polling.within(Duration.ofSeconds(2), () -> a.openConnections() == 0),
                "the cached TCP connection is closed");
        assertEquals(0, h.upstreams.get(0).openConnections()[0], "the UDP sockets are closed");
        assertTrue(Polling.within(Duration.ofSeconds(2), h::stopped));
        HandlerException e = assertThrows(HandlerException.class,
                () -> h.serve(TestRequests.query("u.example.org", Type.A), new RecordingWriter()));
        assertEquals(Rcodes.SERVFAIL, e.rcode());
        assertNotEquals(0, a.queries().size());
    }
}
