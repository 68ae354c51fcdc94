package kdns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kdns.api.Handler;
import kdns.testing.DnsClient;
import kdns.testing.InProcessServer;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import kdns.testing.upstream.ScriptedUpstream;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** Many queries in flight at once: every one gets its own answer; the caller never waits. */
class ForwardLoadTest {

    @Test
    void hundredsOfConcurrentQueriesEachGetTheirOwnAnswer() throws Exception {
        try (ScriptedUpstream u = ScriptedUpstream.start()) {
            u.delay(Duration.ofMillis(20));
            TestController c = TestController.of("forward . " + u.hostPort());
            Handler h = Fixtures.handler(c, null);
            c.runStartup();
            try {
                List<RecordingWriter> writers = new ArrayList<>();
                List<String> names = new ArrayList<>();
                long start = System.nanoTime();
                // 500 at once: enough to show serve() never waits (500 x 20 ms would be 10 s), few enough
                // that the burst fits the loopback sockets' default receive buffers on a loaded
                // 2-core machine (3000 at once lost a datagram there now and then: a SERVFAIL).
                for (int i = 0; i < 500; i++) {
                    String name = "q" + i + ".example.org.";
                    RecordingWriter w = new RecordingWriter();
                    assertEquals(Handler.DEFERRED, h.serve(TestRequests.query(name, Type.A), w));
                    writers.add(w);
                    names.add(name);
                }
                long sendNanos = System.nanoTime() - start;
                for (int i = 0; i < writers.size(); i++) {
                    Message m = writers.get(i).await(10, TimeUnit.SECONDS);
                    assertNotNull(m, "reply " + i);
                    assertEquals(Rcode.NOERROR, m.getRcode(), names.get(i));
                    assertEquals(names.get(i), m.getQuestion().getName().toString());
                    assertEquals(names.get(i), m.getSection(org.xbill.DNS.Section.ANSWER).get(0).getName().toString());
                    assertEquals(1, writers.get(i).writes());
                }
                // 500 sends with a 20 ms upstream: had serve() waited, this would take 10 s.
                assertTrue(sendNanos < 3_000_000_000L, "serve() does not wait: " + sendNanos / 1_000_000 + " ms");
                ForwardHandler f = (ForwardHandler) h;
                assertTrue(f.upstreams.get(0).openConnections()[0] <= 4, "at most four UDP sockets");
            } finally {
                c.runShutdown();
            }
        }
    }

    @Test
    void serveReturnsAtOnceEvenWhenTheUpstreamNeedsADial() throws Exception {
        try (ScriptedUpstream u = ScriptedUpstream.start()) {
            u.delay(Duration.ofMillis(500));
            TestController c = TestController.of("forward . " + u.hostPort() + " {\n    force_tcp\n}");
            Handler h = Fixtures.handler(c, null);
            try {
                RecordingWriter w = new RecordingWriter();
                long start = System.nanoTime();
                assertEquals(Handler.DEFERRED, h.serve(TestRequests.query("slow.example.org", Type.A), w));
                long took = System.nanoTime() - start;
                assertTrue(took < 200_000_000L, "serve() took " + took / 1_000_000 + " ms");
                assertEquals(Rcode.NOERROR, w.await(5, TimeUnit.SECONDS).getRcode());
            } finally {
                c.runShutdown();
            }
        }
    }

    @Test
    void throughARealServerOverUdpAndTcp() throws Exception {
        try (ScriptedUpstream u = ScriptedUpstream.start();
             InProcessServer server = InProcessServer.start(".:0 {\n    forward . " + u.hostPort() + "\n}\n")) {
            List<Thread> clients = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 8; t++) {
                int id = t;
                clients.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < 50; i++) {
                            String name = "c" + id + "-" + i + ".Example.ORG";
                            Message q = TestRequests.message(name, Type.A, DClass.IN);
                            Message r = (i % 5 == 0) ? DnsClient.tcp(server.address(), q)
                                    : DnsClient.udp(server.address(), q);
                            assertEquals(q.getHeader().getID(), r.getHeader().getID());
                            assertEquals(name + ".", r.getQuestion().getName().toString());
                            assertEquals("192.0.2.1", Fixtures.firstA(r));
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : clients) {
                t.join(60_000);
            }
            assertTrue(failures.isEmpty(), failures.toString());
            assertEquals(400, u.queries().size());
        }
    }
}
