package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import kdns.e2e.QueryLoad.Outcome;
import kdns.testing.Polling;
import kdns.testing.upstream.ScriptedUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Upstream trouble against one bin/kdns with CoreDNS's forward defaults (2s read timeout, 5s per
 * query, health check every 0.5s with a 1s probe timeout, max_fails 2) and scripted upstreams on
 * 127.0.0.1: one upstream starts dropping, one answers too late, one answers SERVFAIL/REFUSED, each
 * policy with one upstream down, cache serve_stale with every upstream down, and hundreds of queries
 * hanging on upstreams that never answer. Each zone below is its own server block with its own
 * upstreams, so the scenarios do not share health state. Throughout, a local zone ({@code whoami})
 * must keep answering and the server's thread count must stay flat: no thread waits for an upstream
 * (forward's socket readers, one platform thread per kept upstream socket, are counted apart and
 * bounded by the Corefile's upstreams).
 *
 * <p>An upstream is known to be marked down, without reading kdns's state, when it receives its
 * fourth health probe ({@code . IN NS}) since it went bad: probes run one after the other, each
 * counts one fail when its 1s runs out, and more than max_fails (2) fails is down.
 */
class UpstreamTroubleE2ETest {

    private static final String FIRST = "192.0.2.1";
    private static final String SECOND = "192.0.2.2";
    /** Threads the server may add over the run (JIT and GC helpers); one per query would be hundreds. */
    private static final int THREAD_SLACK = 40;
    private static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir
    static Path dir;

    private static final List<ScriptedUpstream> UPSTREAMS = new ArrayList<>();
    private static ScriptedUpstream drop1;
    private static ScriptedUpstream drop2;
    private static ScriptedUpstream slow1;
    private static ScriptedUpstream slow2;
    private static ScriptedUpstream rcode1;
    private static ScriptedUpstream rcode2;
    private static final Map<String, ScriptedUpstream[]> POLICY = new java.util.LinkedHashMap<>();
    private static ScriptedUpstream hang1;
    private static ScriptedUpstream hang2;
    private static ScriptedUpstream stale1;
    private static ScriptedUpstream stale2;
    private static ScriptedUpstream verify1;
    private static ScriptedUpstream verify2;
    private static KdnsProcess kdns;
    private static InetSocketAddress server;
    private static int metricsPort;
    private static int threadsAtStart;
    /** Upstream addresses in the Corefile, each a proxy of its own with up to 4 kept UDP sockets. */
    private static int upstreamEntries;
    /** Sockets forward keeps per upstream, each read by a platform thread (plugin-forward's UdpTransport). */
    private static final int KEPT_SOCKETS_PER_UPSTREAM = 4;

    @BeforeAll
    static void start() throws Exception {
        Path tmp = Files.createTempDirectory("kdns-plugins");
        String plugins = KdnsProcess.runToEnd(tmp, Map.of(), "-plugins").output();
        Assumptions.assumeTrue(plugins.lines().anyMatch(l -> l.strip().equals("dns.forward"))
                && plugins.lines().anyMatch(l -> l.strip().equals("dns.cache")), "no forward or cache plugin");
        drop1 = upstream(FIRST);
        drop2 = upstream(SECOND);
        slow1 = upstream(FIRST);
        slow2 = upstream(SECOND);
        rcode1 = upstream(FIRST);
        rcode2 = upstream(SECOND);
        for (String policy : List.of("random", "round_robin", "sequential")) {
            POLICY.put(policy, new ScriptedUpstream[] {upstream(FIRST), upstream(SECOND)});
        }
        hang1 = upstream(FIRST);
        hang2 = upstream(SECOND);
        hang1.script(ScriptedUpstream.drop());
        hang2.script(ScriptedUpstream.drop());
        stale1 = upstream(FIRST);
        stale2 = upstream(FIRST);
        stale1.script(shortLived("192.0.2.31"));
        stale2.script(shortLived("192.0.2.31"));
        verify1 = upstream(FIRST);
        verify2 = upstream(FIRST);
        verify1.script(shortLived("192.0.2.41"));
        verify2.script(shortLived("192.0.2.41"));

        int port = KdnsProcess.freePort();
        metricsPort = KdnsProcess.freePort();
        StringBuilder c = new StringBuilder();
        block(c, "local.test", port, "whoami");
        block(c, "drop.test", port, forward(drop1, drop2, ""));
        block(c, "slow.test", port, forward(slow1, slow2, ""));
        block(c, "plain.test", port, forward(rcode1, rcode2, "policy sequential"));
        block(c, "failover.test", port, forward(rcode1, rcode2, "policy sequential\nfailover SERVFAIL REFUSED"));
        block(c, "next.test", port, "forward . " + rcode1.hostPort() + " {\n        next SERVFAIL REFUSED\n    }\n"
                + "    forward . " + rcode2.hostPort());
        for (Map.Entry<String, ScriptedUpstream[]> p : POLICY.entrySet()) {
            block(c, zone(p.getKey()), port, forward(p.getValue()[0], p.getValue()[1], "policy " + p.getKey()));
        }
        block(c, "hang.test", port, forward(hang1, hang2, ""));
        // success MINTTL 1: the upstreams' 1s TTL is kept, so entries go stale within the test.
        block(c, "stale.test", port, "cache 30 {\n        success 1000 30 1\n        serve_stale 1h\n    }\n    "
                + forward(stale1, stale2, ""));
        block(c, "verify.test", port, "cache 30 {\n        success 1000 30 1\n        serve_stale 1h verify\n    }\n    "
                + forward(verify1, verify2, ""));
        upstreamEntries = c.toString().split("127\\.0\\.0\\.1:", -1).length - 1;
        kdns = KdnsProcess.serve(dir, c.toString(), port);
        server = new InetSocketAddress("127.0.0.1", port);
        assertResponsive("start");
        threadsAtStart = threads();
        System.out.println("[upstream-trouble] server threads at start: " + threadsAtStart);
    }

    @AfterAll
    static void stop() {
        if (kdns != null) {
            kdns.close();
        }
        for (ScriptedUpstream u : UPSTREAMS) {
            u.close();
        }
    }

    private static ScriptedUpstream upstream(String ip) throws IOException {
        ScriptedUpstream u = ScriptedUpstream.start();
        u.script(ScriptedUpstream.answerA(ip));
        UPSTREAMS.add(u);
        return u;
    }

    private static String zone(String policy) {
        return policy.replace('_', '-') + ".test";
    }

    private static String forward(ScriptedUpstream a, ScriptedUpstream b, String options) {
        String s = "forward . " + a.hostPort() + " " + b.hostPort();
        return options.isEmpty() ? s : s + " {\n        " + options.replace("\n", "\n        ") + "\n    }";
    }

    private static void block(StringBuilder c, String zone, int port, String body) {
        c.append(zone).append(":").append(port).append(" {\n    prometheus 127.0.0.1:").append(metricsPort)
                .append("\n    ").append(body).append("\n}\n");
    }

    /** Answers A queries with {@code ip} and a 1s TTL. */
    private static ScriptedUpstream.Script shortLived(String ip) {
        return (q, via) -> {
            Message m = ScriptedUpstream.replyTo(q);
            if (q.getQuestion() != null && q.getQuestion().getType() == Type.A) {
                try {
                    m.addRecord(new ARecord(q.getQuestion().getName(), DClass.IN, 1, InetAddress.getByName(ip)),
                            Section.ANSWER);
                } catch (IOException e) {
                    throw new IllegalArgumentException(ip, e);
                }
            }
            return m;
        };
    }

    // ---- scenarios ---------------------------------------------------------------------------

    /**
     * Random policy, four clients asking all along. Bound: zero queries without an answer, and zero
     * SERVFAIL. CoreDNS fails a timed-out exchange over to the next upstream within the same query
     * (2s read timeout inside the 5s deadline), so even a query that was on its way to the upstream
     * when it started dropping is answered by the other one, 2s late; the clients wait 8s.
     */
    @Test
    void anUpstreamThatStartsDroppingIsTakenOutAndComesBack() throws Exception {
        Figures f = troubleAndRecovery("drop.test.", drop1, drop2,
                () -> drop1.script(ScriptedUpstream.drop()), () -> drop1.script(ScriptedUpstream.answerA(FIRST)));
        f.print("dropping upstream");
    }

    /**
     * One upstream answers 3s late, after the 2s read timeout (and after the 1s probe timeout):
     * its queries fail over to the other within the 5s deadline, its late answers are never used,
     * and once marked down it gets no query until it answers a probe in time again.
     */
    @Test
    void anUpstreamAnsweringTooLateIsTakenOutAndComesBack() throws Exception {
        Figures f = troubleAndRecovery("slow.test.", slow1, slow2,
                () -> slow1.delay(Duration.ofSeconds(3)), () -> slow1.delay(Duration.ZERO));
        f.print("slow upstream (3s)");
    }

    /**
     * SERVFAIL and REFUSED from an upstream are answers, not failures: passed to the client as they
     * are, no health check starts; {@code failover} asks the next upstream of the stanza instead,
     * {@code next} hands the query to the next forward stanza.
     */
    @Test
    void servfailAndRefusedAreAnswersUnlessFailoverOrNextSaysOtherwise() throws Exception {
        int[] codes = {Rcode.SERVFAIL, Rcode.REFUSED};
        try {
            for (int rc : codes) {
                rcode1.script(ScriptedUpstream.rcode(rc));
                String tag = Rcode.string(rc).toLowerCase();
                Outcome plain = ask(tag + ".plain.test.");
                assertEquals(rc, plain.rcode(), "passed through as the upstream's answer");
                assertEquals(1, rcode1.queries(tag + ".plain.test.").size());
                assertEquals(0, rcode2.queries(tag + ".plain.test.").size(), "without failover/next nobody else is asked");

                Outcome failover = ask(tag + ".failover.test.");
                assertEquals(Rcode.NOERROR, failover.rcode(), "failover: the next upstream answers");
                assertEquals(SECOND, failover.ip());
                assertEquals(1, rcode1.queries(tag + ".failover.test.").size());
                assertEquals(1, rcode2.queries(tag + ".failover.test.").size());

                Outcome next = ask(tag + ".next.test.");
                assertEquals(Rcode.NOERROR, next.rcode(), "next: the following forward answers");
                assertEquals(SECOND, next.ip());
                assertEquals(1, rcode1.queries(tag + ".next.test.").size());
                assertEquals(1, rcode2.queries(tag + ".next.test.").size());
                System.out.printf("[upstream-trouble] %s: plain -> %s, failover -> %s %s, next -> %s %s%n", tag,
                        Rcode.string(plain.rcode()), Rcode.string(failover.rcode()), failover.ip(),
                        Rcode.string(next.rcode()), next.ip());
            }
            // Answers, however bad, are no reason to probe: the upstream is never marked down and
            // the plain stanza (sequential) still asks it first.
            assertEquals(0, rcode1.queries(".").size(), "no health probe was sent to it");
            assertEquals(Rcode.REFUSED, ask("again.plain.test.").rcode());
            assertEquals(1, rcode1.queries("again.plain.test.").size());
        } finally {
            rcode1.script(ScriptedUpstream.answerA(FIRST));
        }
        assertServerHealthy("servfail/refused");
    }

    /**
     * Each policy with its first upstream going bad: before it is marked down, sequential tries it
     * first for every query and round_robin for every other one (each such query answered by the
     * other upstream after the read timeout); once it is down, no policy sends it anything; once
     * it answers a probe, sequential sends it everything again and round_robin every other query.
     * random: only what holds for any choice.
     */
    @Test
    void eachPolicyMovesTrafficOffADownUpstreamAndBack() throws Exception {
        Map<String, Integer> marks = new java.util.HashMap<>();
        for (Map.Entry<String, ScriptedUpstream[]> p : POLICY.entrySet()) {
            List<Outcome> healthy = askInTurn(zone(p.getKey()), "healthy", 10);
            ScriptedUpstream x = p.getValue()[0];
            ScriptedUpstream y = p.getValue()[1];
            int toX = received(x, healthy);
            switch (p.getKey()) {
                case "sequential" -> assertEquals(10, toX, "sequential: all to the first");
                case "round_robin" -> assertEquals(5, toX, "round_robin: every other one");
                default -> assertEquals(10, toX + received(y, healthy), "random: each to one of them");
            }
            marks.put(p.getKey(), x.queries().size());
            x.script(ScriptedUpstream.drop());
        }
        // Until each first upstream is marked down: one client per policy, one query after the other.
        Map<String, List<Outcome>> failing = new java.util.HashMap<>();
        List<Thread> clients = new ArrayList<>();
        for (Map.Entry<String, ScriptedUpstream[]> p : POLICY.entrySet()) {
            List<Outcome> out = java.util.Collections.synchronizedList(new ArrayList<>());
            failing.put(p.getKey(), out);
            ScriptedUpstream x = p.getValue()[0];
            int mark = marks.get(p.getKey());
            clients.add(Thread.ofPlatform().start(() -> {
                long deadline = System.nanoTime() + BOUND.toNanos();
                for (int i = 0; probeIndex(x, mark, 4) < 0 && System.nanoTime() < deadline; i++) {
                    out.add(ask("failing" + i + "." + zone(p.getKey()) + "."));
                }
            }));
        }
        for (Thread t : clients) {
            t.join(BOUND.toMillis() + QueryLoad.WAIT.toMillis());
        }
        for (Map.Entry<String, ScriptedUpstream[]> p : POLICY.entrySet()) {
            String policy = p.getKey();
            ScriptedUpstream x = p.getValue()[0];
            ScriptedUpstream y = p.getValue()[1];
            assertTrue(probeIndex(x, marks.get(policy), 4) >= 0, policy + ": marked down within " + BOUND);
            List<Outcome> out = failing.get(policy);
            assertAllAnsweredBy(out, SECOND, policy + " while the first is failing");
            List<Integer> triedFirst = new ArrayList<>();
            for (int i = 0; i < out.size(); i++) {
                if (!x.queries(out.get(i).name()).isEmpty()) {
                    triedFirst.add(i);
                }
            }
            assertTrue(!triedFirst.isEmpty() || policy.equals("random"), policy + ": the failing one was tried");
            for (int i = 1; i < triedFirst.size(); i++) {
                int step = triedFirst.get(i) - triedFirst.get(i - 1);
                if (policy.equals("sequential")) {
                    assertEquals(1, step, "sequential: every query until it is down " + triedFirst);
                } else if (policy.equals("round_robin")) {
                    assertEquals(2, step, "round_robin: every other query until it is down " + triedFirst);
                }
            }
            if (policy.equals("sequential")) {
                assertEquals(0, triedFirst.get(0), "sequential: from the first failing query on");
            }
            // Down: nothing goes to it.
            List<Outcome> down = askInTurn(zone(policy), "down", 10);
            assertEquals(0, received(x, down), policy + ": a down upstream gets no query");
            assertEquals(10, received(y, down), policy);
            assertAllAnsweredBy(down, SECOND, policy + " while the first is down");
            System.out.printf("[upstream-trouble] policy %s: while failing %d queries, %d tried the failing "
                    + "upstream first; while down 0/10 to it%n", policy, out.size(), triedFirst.size());
        }
        // Back: it answers the next probe, then gets traffic again as its policy says.
        for (Map.Entry<String, ScriptedUpstream[]> p : POLICY.entrySet()) {
            String policy = p.getKey();
            ScriptedUpstream x = p.getValue()[0];
            ScriptedUpstream y = p.getValue()[1];
            long back = System.nanoTime();
            x.script(ScriptedUpstream.answerA(FIRST));
            int mark = x.queries().size();
            awaitOrFail(() -> {
                ask("recovering." + zone(policy) + ".");
                return clientQueriesSince(x, mark) > 0;
            }, policy + ": back in use");
            long recovered = System.nanoTime() - back;
            List<Outcome> up = askInTurn(zone(policy), "up", 20);
            int toX = received(x, up);
            int toY = received(y, up);
            switch (policy) {
                case "sequential" -> assertEquals(20, toX, "sequential: all to the first again");
                case "round_robin" -> assertEquals(10, toX, "round_robin: every other one again");
                default -> assertEquals(20, toX + toY, "random: each to one of them");
            }
            for (Outcome o : up) {
                assertEquals(Rcode.NOERROR, o.rcode(), o.toString());
            }
            System.out.printf("[upstream-trouble] policy %s: back in use %d ms after it answered again; "
                    + "then %d/%d queries to it%n", policy, recovered / 1_000_000, toX, toX + toY);
        }
        assertServerHealthy("policies");
    }

    /**
     * serve_stale (immediate): an expired entry is answered with TTL 0 at once while every
     * upstream is down, and refreshed in the background once one is back; a name never cached is
     * SERVFAIL while they are down, and that failure is not cached (CoreDNS's forward writes no
     * reply when it fails), so it is answered as soon as an upstream is back.
     */
    @Test
    void serveStaleAnswersExpiredNamesWhileEveryUpstreamIsDown() throws Exception {
        double servedStale = metric("coredns_cache_served_stale_total");
        Outcome fresh = ask("www.stale.test.");
        assertEquals("192.0.2.31", fresh.ip());
        assertEquals(1, fresh.ttl());
        stale1.stop();
        stale2.stop();
        try {
            Thread.sleep(2_000); // past the 1s TTL: from now on only serve_stale can answer it
            for (int i = 0; i < 3; i++) {
                Outcome stale = ask("www.stale.test.");
                assertEquals(Rcode.NOERROR, stale.rcode(), "served stale: " + stale);
                assertEquals("192.0.2.31", stale.ip());
                assertEquals(0, stale.ttl(), "a stale answer has TTL 0");
            }
            assertEquals(servedStale + 3, metric("coredns_cache_served_stale_total"));
            assertEquals(Rcode.SERVFAIL, ask("new.stale.test.").rcode(), "nothing cached, nobody to ask");
            assertServerHealthy("all upstreams down (serve_stale)");
        } finally {
            stale1.script(shortLived("192.0.2.32"));
            stale2.script(shortLived("192.0.2.32"));
            stale1.restart();
            stale2.restart();
        }
        long back = System.nanoTime();
        Outcome neverCached = ask("new.stale.test.");
        assertEquals(Rcode.NOERROR, neverCached.rcode(), "the failure was not cached: " + neverCached);
        Outcome first = ask("www.stale.test.");
        assertEquals("192.0.2.31", first.ip(), "immediate: the stale answer first, the refresh after it");
        assertEquals(0, first.ttl());
        awaitOrFail(() -> "192.0.2.32".equals(ask("www.stale.test.").ip()), "refreshed in the background");
        System.out.printf("[upstream-trouble] serve_stale immediate: 3 stale answers (TTL 0) while down; "
                + "fresh answer %d ms after the upstreams came back%n", (System.nanoTime() - back) / 1_000_000);
    }

    /**
     * serve_stale verify: an expired entry is first asked upstream; with every upstream down the
     * stale entry is the answer, and as soon as one is back the first query gets the fresh answer.
     */
    @Test
    void serveStaleVerifyAsksUpstreamFirst() throws Exception {
        assertEquals("192.0.2.41", ask("www.verify.test.").ip());
        verify1.stop();
        verify2.stop();
        try {
            Thread.sleep(2_000);
            Outcome stale = ask("www.verify.test.");
            assertEquals(Rcode.NOERROR, stale.rcode(), "served stale after the upstreams failed: " + stale);
            assertEquals("192.0.2.41", stale.ip());
            assertEquals(0, stale.ttl());
        } finally {
            verify1.script(shortLived("192.0.2.42"));
            verify2.script(shortLived("192.0.2.42"));
            verify1.restart();
            verify2.restart();
        }
        Outcome fresh = ask("www.verify.test.");
        assertEquals("192.0.2.42", fresh.ip(), "verify: the first query after recovery is fresh: " + fresh);
        assertEquals(1, fresh.ttl());
        System.out.println("[upstream-trouble] serve_stale verify: stale (TTL 0) while down, fresh on the first "
                + "query after");
        assertServerHealthy("serve_stale verify");
    }

    /**
     * 300 queries at once to a zone whose two upstreams never answer: while they hang, the local
     * zone answers every query; the server's thread count stays flat (no thread per waiting query);
     * and every one of the 300 gets its SERVFAIL once forward gives up.
     */
    @Test
    void noThreadWaitsForHangingUpstreams() throws Exception {
        int n = 300;
        try (DatagramSocket s = new DatagramSocket()) {
            s.connect(server);
            for (int i = 0; i < n; i++) {
                Message q = Message.newQuery(Record.newRecord(Name.fromString("h" + i + ".hang.test."), Type.A, DClass.IN));
                q.getHeader().setID(i);
                byte[] w = q.toWire();
                s.send(new DatagramPacket(w, w.length));
            }
            for (int i = 0; i < 5; i++) {
                assertResponsive("while 300 queries hang");
            }
            int during = threads();
            int duringReaders = socketReaders();
            Set<Integer> servfails = new HashSet<>();
            long deadline = System.nanoTime() + BOUND.toNanos();
            s.setSoTimeout(1_000);
            byte[] buf = new byte[4096];
            while (servfails.size() < n && System.nanoTime() < deadline) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                Message r = new Message(java.util.Arrays.copyOf(buf, p.getLength()));
                assertEquals(Rcode.SERVFAIL, r.getRcode(), r.toString());
                servfails.add(r.getHeader().getID());
            }
            assertEquals(n, servfails.size(), "every hanging query gets its SERVFAIL");
            int hung = hang1.queries().size() + hang2.queries().size();
            System.out.printf("[upstream-trouble] hanging upstreams: %d queries, %d SERVFAIL, %d exchanges/probes "
                    + "received upstream; threads %d at start, %d while they hung, %d after%n",
                    n, servfails.size(), hung, threadsAtStart, during, threads());
            assertTrue(during - duringReaders <= threadsAtStart + THREAD_SLACK, "threads while hanging: " + during
                    + " (" + duringReaders + " socket readers)");
            assertSocketReadersBounded(duringReaders);
        }
        assertServerHealthy("hanging upstreams");
    }

    // ---- the drop and slow scenarios -------------------------------------------------------------

    private record Figures(int sent, int answered, int servfail, int unanswered, int badReceived, int goodReceived,
                           int delayed, long maxLatencyMs, long downMs, long recoverMs, int probes) {
        void print(String what) {
            System.out.printf("[upstream-trouble] %s: %d queries sent, %d answered (%d SERVFAIL, %d without an answer);"
                    + " bad upstream received %d client queries, good one %d; %d answered late by the good one "
                    + "after the read timeout (max latency %d ms); marked down %d ms after the trouble began (%d probes"
                    + " failed meanwhile); back in use %d ms after it answered again%n", what, sent, answered, servfail,
                    unanswered, badReceived, goodReceived, delayed, maxLatencyMs, downMs, probes, recoverMs);
        }
    }

    private Figures troubleAndRecovery(String zone, ScriptedUpstream bad, ScriptedUpstream good, Runnable trouble,
                                       Runnable cure) throws Exception {
        List<Outcome> outcomes;
        long downNanos;
        long recoverNanos;
        int troubleMark;
        int cureMark;
        try (QueryLoad load = QueryLoad.start(server, zone, "q", 4)) {
            awaitOrFail(() -> clientQueriesSince(bad, 0) >= 20 && clientQueriesSince(good, 0) >= 20, "both in use");
            long began = System.nanoTime();
            trouble.run();
            // Taken after the switch: the upstream records a query before it reads its script, so a
            // query recorded from here on met the trouble; one recorded just before may have been
            // answered the old way.
            troubleMark = bad.queries().size();
            awaitOrFail(() -> probeIndex(bad, troubleMark, 4) >= 0, "marked down");
            downNanos = System.nanoTime() - began;
            int downAt = probeIndex(bad, troubleMark, 4);
            assertResponsive(zone + " with an upstream in trouble");
            int goodMark = good.queries().size();
            awaitOrFail(() -> clientQueriesSince(good, goodMark) >= 40, "traffic on the good upstream");
            // Down: not one client query reached it after the probe that shows it down.
            assertEquals(0, clientQueriesSince(bad, downAt), "a down upstream gets no client query");
            cureMark = bad.queries().size();
            long cured = System.nanoTime();
            cure.run();
            awaitOrFail(() -> clientQueriesSince(bad, cureMark) > 0, "back in use");
            recoverNanos = System.nanoTime() - cured;
            awaitOrFail(() -> clientQueriesSince(bad, cureMark) >= 10, "in use again");
            outcomes = load.stop();
        }
        // The queries the bad one received while in trouble were all answered by the good one.
        Set<String> delayed = new HashSet<>();
        List<ScriptedUpstream.Query> during = bad.queries().subList(troubleMark, cureMark);
        for (ScriptedUpstream.Query q : during) {
            if (q.name().endsWith(zone)) {
                delayed.add(q.name());
            }
        }
        int answered = 0;
        int servfail = 0;
        int unanswered = 0;
        long max = 0;
        for (Outcome o : outcomes) {
            max = Math.max(max, o.nanos());
            if (!o.answered()) {
                unanswered++;
                continue;
            }
            answered++;
            if (o.rcode() == Rcode.SERVFAIL) {
                servfail++;
            }
            if (delayed.contains(o.name())) {
                assertEquals(SECOND, o.ip(), "failed over to the good upstream: " + o);
            }
        }
        int probes = 0;
        for (ScriptedUpstream.Query q : during) {
            if (q.name().equals(".")) {
                probes++;
            }
        }
        Figures f = new Figures(outcomes.size(), answered, servfail, unanswered, clientQueriesSince(bad, 0),
                clientQueriesSince(good, 0), delayed.size(), max / 1_000_000, downNanos / 1_000_000,
                recoverNanos / 1_000_000, probes);
        assertEquals(0, unanswered, "queries without an answer");
        assertEquals(0, servfail, "SERVFAIL answers");
        assertTrue(!delayed.isEmpty(), "some queries reached the bad upstream while it was in trouble");
        for (Outcome o : outcomes) {
            assertEquals(Rcode.NOERROR, o.rcode(), o.toString());
            assertTrue(FIRST.equals(o.ip()) || SECOND.equals(o.ip()), o.toString());
        }
        assertServerHealthy(zone);
        return f;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static Outcome ask(String name) {
        return QueryLoad.ask(server, name, QueryLoad.WAIT);
    }

    /** {@code n} queries one after the other. */
    private static List<Outcome> askInTurn(String zone, String label, int n) {
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(ask(label + i + "." + zone + "."));
        }
        return out;
    }

    /** How many of these queries {@code u} received. */
    private static int received(ScriptedUpstream u, List<Outcome> outcomes) {
        int n = 0;
        for (Outcome o : outcomes) {
            if (!u.queries(o.name()).isEmpty()) {
                n++;
            }
        }
        return n;
    }

    private static void assertAllAnsweredBy(List<Outcome> outcomes, String ip, String what) {
        for (Outcome o : outcomes) {
            assertEquals(Rcode.NOERROR, o.rcode(), what + ": " + o);
            assertEquals(ip, o.ip(), what + ": " + o);
        }
    }

    /** Client queries (anything but the {@code .} probes) {@code u} received from index {@code from} on. */
    private static int clientQueriesSince(ScriptedUpstream u, int from) {
        List<ScriptedUpstream.Query> all = u.queries();
        int n = 0;
        for (int i = from; i < all.size(); i++) {
            if (!all.get(i).name().equals(".")) {
                n++;
            }
        }
        return n;
    }

    /** Index of the {@code k}th health probe {@code u} received from index {@code from} on, or -1. */
    private static int probeIndex(ScriptedUpstream u, int from, int k) {
        List<ScriptedUpstream.Query> all = u.queries();
        int seen = 0;
        for (int i = from; i < all.size(); i++) {
            ScriptedUpstream.Query q = all.get(i);
            if (q.name().equals(".") && q.message().getQuestion().getType() == Type.NS && ++seen == k) {
                return i;
            }
        }
        return -1;
    }

    /** A local zone answers within a client's wait: the query path is not stuck. */
    private static void assertResponsive(String when) {
        Outcome o = QueryLoad.ask(server, "alive.local.test.", Duration.ofSeconds(3));
        assertEquals(Rcode.NOERROR, o.rcode(), "the local zone answers " + when + ": " + o);
    }

    private static void assertServerHealthy(String after) throws IOException {
        assertResponsive("after " + after);
        int t = threads();
        int readers = socketReaders();
        System.out.printf("[upstream-trouble] threads after %s: %d, of which %d read kept upstream sockets (start %d)%n",
                after, t, readers, threadsAtStart);
        assertTrue(t - readers <= threadsAtStart + THREAD_SLACK, "threads after " + after + ": " + t + " (" + readers
                + " socket readers), at start " + threadsAtStart);
        assertSocketReadersBounded(readers);
    }

    /** Socket readers grow with the Corefile's upstreams, never with the queries. */
    private static void assertSocketReadersBounded(int readers) {
        assertTrue(readers <= KEPT_SOCKETS_PER_UPSTREAM * upstreamEntries, readers + " socket reader threads for "
                + upstreamEntries + " upstreams");
    }

    /** Platform threads reading forward's kept upstream sockets (named forward-udp-ADDRESS, cut to 15 characters by the OS). */
    private static int socketReaders() throws IOException {
        int n = 0;
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(kdns.process().pid()), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (Files.readString(task.resolve("comm")).startsWith("forward-udp")) {
                        n++;
                    }
                } catch (IOException gone) {
                    // the thread ended while the list was read
                }
            }
        }
        return n;
    }

    /** The server process's thread count (platform threads; virtual ones are not threads of the OS). */
    private static int threads() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(kdns.process().pid()), "status"))) {
            if (line.startsWith("Threads:")) {
                return Integer.parseInt(line.substring("Threads:".length()).strip());
            }
        }
        throw new IOException("no Threads line for " + kdns.process().pid());
    }

    /** The sum of every series of a counter on the metrics endpoint. */
    private static double metric(String name) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + metricsPort + "/metrics").toURL()
                .openConnection(Proxy.NO_PROXY);
        c.setConnectTimeout(3000);
        c.setReadTimeout(5000);
        String text;
        try (InputStream in = c.getInputStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            c.disconnect();
        }
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static void awaitOrFail(BooleanSupplier cond, String what) throws InterruptedException {
        Polling.eventually(what, BOUND, cond);
    }
}
