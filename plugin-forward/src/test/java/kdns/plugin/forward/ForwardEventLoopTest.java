package kdns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kdns.api.Handler;
import kdns.api.Request;
import kdns.api.Transport;
import kdns.plugin.forward.proxy.Upstream;
import kdns.testing.Polling;
import kdns.testing.RecordingWriter;
import kdns.testing.TestRequests;
import kdns.testing.upstream.ScriptedUpstream;
import kdns.testing.upstream.ScriptedUpstream.Script;
import kdns.testing.upstream.ScriptedUpstream.Via;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Forward's UDP exchange on the event loop of an epoll listener ({@link Request#eventLoop()}):
 * queries served on such a loop are sent, answered and written back on that loop's thread, which
 * each test checks, so a query that took the reader-thread transport instead fails them.
 */
class ForwardEventLoopTest {

    private final ForwardTestServers servers = new ForwardTestServers();
    private EventLoopGroup group;
    private EventLoop loop;
    private Thread loopThread;

    @BeforeEach
    void startLoop() throws Exception {
        assumeTrue(Epoll.isAvailable(), "Netty's epoll transport on this platform");
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        loop = group.next();
        loopThread = loop.submit(Thread::currentThread).get();
    }

    @AfterEach
    void tearDown() throws Exception {
        servers.close();
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Records the thread each reply was written on. */
    private static final class ThreadRecordingWriter extends RecordingWriter {
        volatile Thread writtenOn;

        @Override
        public synchronized void write(Message reply) {
            writtenOn = Thread.currentThread();
            super.write(reply);
        }
    }

    private Request onLoop(String name) {
        return onLoop(TestRequests.message(name, Type.A, DClass.IN));
    }

    private Request onLoop(Message m) {
        return new Request(m, Transport.UDP, RecordingWriter.DEFAULT_REMOTE, RecordingWriter.DEFAULT_LOCAL, ".",
                null, loop);
    }

    /** Serves {@code r} on the loop, as the listener does, and waits for the reply. */
    private ThreadRecordingWriter ask(Handler h, Request r) throws Exception {
        ThreadRecordingWriter w = new ThreadRecordingWriter();
        int rc = loop.submit(() -> h.serve(r, w)).get();
        assertEquals(Handler.DEFERRED, rc, "forward answers later");
        assertNotNull(w.await(10, TimeUnit.SECONDS), "a reply within 10s");
        return w;
    }

    @Test
    void aQueryOnTheLoopIsAnsweredOnTheLoopWithAFreshId() throws Exception {
        ScriptedUpstream u = servers.upstream();
        Handler h = servers.forward("forward . " + u.hostPort());
        Message q = TestRequests.message("a.example.org", Type.A, DClass.IN);
        q.getHeader().setID(4242);
        ThreadRecordingWriter w = ask(h, onLoop(q));
        assertEquals(Rcode.NOERROR, w.rcode());
        assertEquals("192.0.2.1", Fixtures.firstA(w.msg()));
        assertEquals(loopThread, w.writtenOn, "sent, read and written back on the listener's loop");
        assertEquals(Via.UDP, u.queries().get(0).via());
        // A second query reuses the loop's socket (a connection-cache hit).
        ask(h, onLoop("b.example.org"));
        assertEquals(1, ((ForwardHandler) h).upstreams.get(0).openConnections()[0]);
        assertEquals(1.0, Fixtures.counter(servers.controller(0).instance().metrics().prometheus(),
                "coredns_proxy_conn_cache_hits", "proxy_name", "forward", "to", u.hostPort(), "proto", "udp"));
    }

    @Test
    void aQueryOffTheLoopThreadTakesTheReaderThreadTransport() throws Exception {
        ScriptedUpstream u = servers.upstream();
        Handler h = servers.forward("forward . " + u.hostPort());
        ThreadRecordingWriter w = new ThreadRecordingWriter();
        assertEquals(Handler.DEFERRED, h.serve(onLoop("a.example.org"), w));
        assertNotNull(w.await(10, TimeUnit.SECONDS));
        assertNotEquals(loopThread, w.writtenOn, "the loop is only used from its own thread");
    }

    @Test
    void repliesLargerThanTheLoopSocketsTakeTheReaderThreadTransport() throws Exception {
        ScriptedUpstream u = servers.upstream();
        Handler h = servers.forward("forward . " + u.hostPort());
        Message q = TestRequests.message("a.example.org", Type.A, DClass.IN);
        q.addRecord(new OPTRecord(8192, 0, 0), Section.ADDITIONAL);
        ThreadRecordingWriter w = ask(h, onLoop(q));
        assertEquals("192.0.2.1", Fixtures.firstA(w.msg()));
        assertNotEquals(loopThread, w.writtenOn);
    }

    @Test
    void aReplyWithAnotherIdIsDroppedAndTheQueryTimesOutToTheNextUpstream() throws Exception {
        ScriptedUpstream spoof = servers.upstream();
        spoof.script((q, via) -> {
            Message m = ScriptedUpstream.answerA("192.0.2.66").answer(q, via);
            m.getHeader().setID((q.getHeader().getID() + 1) & 0xffff);
            return m;
        });
        ScriptedUpstream good = servers.upstream();
        ForwardHandler h = (ForwardHandler) servers.forward("forward . " + spoof.hostPort() + " " + good.hostPort()
                + " {\npolicy sequential\nmax_fails 0\n}");
        h.upstreams.get(0).readTimeout(200_000_000L);
        ThreadRecordingWriter w = ask(h, onLoop("x.example.org"));
        assertEquals("192.0.2.1", Fixtures.firstA(w.msg()), "the reply with the wrong ID was not taken");
        assertEquals(1, spoof.queries().size());
        assertEquals(loopThread, w.writtenOn);
    }

    @Test
    void aSilentUpstreamTimesOutToServfail() throws Exception {
        ScriptedUpstream silent = servers.upstream();
        silent.script(ScriptedUpstream.drop());
        ForwardHandler h = (ForwardHandler) servers.forward("forward . " + silent.hostPort() + " {\nmax_fails 0\n}");
        h.upstreams.get(0).readTimeout(100_000_000L);
        ThreadRecordingWriter w = ask(h, onLoop("t.example.org"));
        assertEquals(Rcode.SERVFAIL, w.rcode());
        assertEquals(2, silent.queries().size(), "two timed-out exchanges, then SERVFAIL");
        assertEquals(loopThread, w.writtenOn, "the timeouts are timers of the loop");
    }

    @Test
    void answeredQueriesAreReleasedWhileAnOlderOneWaits() throws Exception {
        ScriptedUpstream u = servers.upstream();
        Script answer = ScriptedUpstream.answerA("192.0.2.1");
        u.script((q, via) -> q.getQuestion().getName().toString().startsWith("slow.") ? null : answer.answer(q, via));
        ForwardHandler h = (ForwardHandler) servers.forward("forward . " + u.hostPort() + " {\nmax_fails 0\n}");
        Upstream up = h.upstreams.get(0);
        // Far beyond the test's own waits: the dropped query is still waiting at every count below.
        up.readTimeout(600_000_000_000L);
        ThreadRecordingWriter slow = new ThreadRecordingWriter();
        assertEquals(Handler.DEFERRED, loop.submit(() -> h.serve(onLoop("slow.example.org"), slow)).get());
        assertEquals(1, (int) loop.submit(() -> up.loopUdpWaiting(loop)).get());
        for (int i = 0; i < 3; i++) {
            assertEquals("192.0.2.1", Fixtures.firstA(ask(h, onLoop("a" + i + ".example.org")).msg()));
        }
        assertEquals(1, (int) loop.submit(() -> up.loopUdpWaiting(loop)).get(),
                "the three answered queries sent after the dropped one are not held behind it");
        assertNull(slow.msg(), "the dropped query is still waiting");
    }

    /**
     * The queries of one loop round leave from one buffer of the socket's own (64 KiB) and those
     * past its end from the pool; after the round's flush the buffer is used again from its start.
     * Each query here is padded to about 1.1 KiB, so the first round of 80 overflows the buffer.
     */
    @Test
    void queriesOfOneRoundBeyondTheSocketsQueryBufferAreAllAnsweredAndTheNextRoundReusesIt() throws Exception {
        ScriptedUpstream u = servers.upstream();
        u.script(ScriptedUpstream.answerA("192.0.2.1"));
        Handler h = servers.forward("forward . " + u.hostPort() + " {\nmax_fails 0\n}");
        for (int round = 0; round < 2; round++) {
            int n = round == 0 ? 80 : 5;
            List<ThreadRecordingWriter> writers = new java.util.ArrayList<>();
            List<Request> requests = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                Message q = TestRequests.message("r" + round + "-" + i + ".example.org", Type.A, DClass.IN);
                q.addRecord(new OPTRecord(1232, 0, 0, 0,
                        List.of(new org.xbill.DNS.GenericEDNSOption(12, new byte[1100]))), Section.ADDITIONAL);
                requests.add(onLoop(q));
                writers.add(new ThreadRecordingWriter());
            }
            // All served in one task of the loop: one round, one flush.
            loop.submit(() -> {
                for (int i = 0; i < n; i++) {
                    assertEquals(Handler.DEFERRED, h.serve(requests.get(i), writers.get(i)));
                }
                return null;
            }).get();
            for (int i = 0; i < n; i++) {
                ThreadRecordingWriter w = writers.get(i);
                assertNotNull(w.await(10, TimeUnit.SECONDS), "a reply to query " + i + " of round " + round);
                assertEquals(Rcode.NOERROR, w.rcode(), "query " + i + " of round " + round);
                assertEquals("r" + round + "-" + i + ".example.org.", w.msg().getQuestion().getName().toString());
                assertEquals(loopThread, w.writtenOn);
            }
        }
        assertEquals(85, u.queries().size(), "each query sent once, none lost or sent twice");
    }

    @Test
    void aReplyToAnotherQuestionIsAFormerr() throws Exception {
        ScriptedUpstream a = servers.upstream();
        a.script((q, via) -> {
            Message m = ScriptedUpstream.answerA("192.0.2.1").answer(
                    TestRequests.message("other.example.org", Type.A, DClass.IN), via);
            m.getHeader().setID(q.getHeader().getID());
            return m;
        });
        Handler h = servers.forward("forward . " + a.hostPort());
        ThreadRecordingWriter w = ask(h, onLoop("x.example.org"));
        assertEquals(Rcode.FORMERR, w.rcode());
        assertEquals(loopThread, w.writtenOn);
    }

    @Test
    void aTruncatedReplyIsAskedAgainOverTcpWithPreferUdp() throws Exception {
        ScriptedUpstream u = servers.upstream();
        u.script(ScriptedUpstream.truncatedOverUdp(ScriptedUpstream.answerA("192.0.2.7")));
        Handler h = servers.forward("forward . " + u.hostPort() + " {\nprefer_udp\n}");
        ThreadRecordingWriter w = ask(h, onLoop("a.example.org"));
        assertEquals("192.0.2.7", Fixtures.firstA(w.msg()));
        List<Via> vias = u.queries("a.example.org.").stream().map(ScriptedUpstream.Query::via).toList();
        assertEquals(List.of(Via.UDP, Via.TCP), vias);
    }

    @Test
    void aTruncatedReplyReachesTheClientWithoutPreferUdp() throws Exception {
        ScriptedUpstream u = servers.upstream();
        u.script(ScriptedUpstream.truncatedOverUdp(ScriptedUpstream.answerA("192.0.2.7")));
        Handler h = servers.forward("forward . " + u.hostPort());
        ThreadRecordingWriter w = ask(h, onLoop("a.example.org"));
        assertTrue(w.msg().getHeader().getFlag(org.xbill.DNS.Flags.TC));
        assertEquals(loopThread, w.writtenOn);
    }

    @Test
    void aDownUpstreamIsRefusedAtOnceAndTheNextOneAnswers() throws Exception {
        ScriptedUpstream a = servers.upstream();
        ScriptedUpstream b = servers.upstream();
        b.script(ScriptedUpstream.answerA("192.0.2.2"));
        ForwardHandler h = (ForwardHandler) servers.forward("forward . " + a.hostPort() + " " + b.hostPort()
                + " {\npolicy sequential\nhealth_check 100ms\n}");
        assertEquals("192.0.2.1", Fixtures.firstA(ask(h, onLoop("d0.example.org")).msg()));
        a.stop();
        // The read timeout is longer than the wait for the reply: only a refusal moves on in time.
        h.upstreams.get(0).readTimeout(60_000_000_000L);
        ThreadRecordingWriter w = ask(h, onLoop("d1.example.org"));
        assertEquals("192.0.2.2", Fixtures.firstA(w.msg()));
        assertEquals(loopThread, w.writtenOn);
        assertTrue(Polling.within(Duration.ofSeconds(5), () -> h.upstreams.get(0).down(2)), "a is marked down");
        a.restart();
        assertTrue(Polling.within(Duration.ofSeconds(5), () -> !h.upstreams.get(0).down(2)), "a is back up");
        assertEquals("192.0.2.1", Fixtures.firstA(ask(h, onLoop("d9.example.org")).msg()));
    }

    @Test
    void stoppingTheUpstreamsClosesTheLoopSockets() throws Exception {
        ScriptedUpstream u = servers.upstream();
        ForwardHandler h = (ForwardHandler) servers.forward("forward . " + u.hostPort());
        ask(h, onLoop("a.example.org"));
        Upstream up = h.upstreams.get(0);
        assertEquals(1, up.openConnections()[0]);
        up.stop(0);
        assertTrue(Polling.within(Duration.ofSeconds(5), () -> up.openConnections()[0] == 0), "the loop's socket is closed");
        ThreadRecordingWriter w = ask(h, onLoop("b.example.org"));
        assertEquals(Rcode.SERVFAIL, w.rcode(), "a stopped upstream takes no query");
    }
}
