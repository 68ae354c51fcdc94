package kdns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kdns.api.Handler;
import kdns.testing.Polling;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import kdns.testing.upstream.DohUpstream;
import kdns.testing.upstream.ScriptedUpstream;
import kdns.testing.upstream.TestCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** DNS-over-HTTPS (RFC 8484) to a JDK HTTPS server with a certificate made by the test (keytool). */
class ForwardHttpsTest {

    @TempDir
    static Path dir;
    static TestCertificate server;
    static TestCertificate client;
    static DohUpstream doh;
    static DohUpstream spare;

    private final List<TestController> controllers = new ArrayList<>();

    @BeforeAll
    static void upstreams() throws Exception {
        server = TestCertificate.generate(dir, "server", "dns.test", "ip:127.0.0.1,dns:dns.test");
        client = TestCertificate.generate(dir, "client", "client.test", null);
        doh = DohUpstream.start(server.serverContext(null));
        spare = DohUpstream.start(server.serverContext(null));
    }

    @AfterAll
    static void stop() {
        doh.close();
        spare.close();
    }

    @BeforeEach
    void reset() {
        for (DohUpstream u : List.of(doh, spare)) {
            u.fault(null);
            u.script(ScriptedUpstream.answerA("192.0.2.1"));
            u.delay(Duration.ZERO);
            u.clearRequests();
        }
    }

    @AfterEach
    void shutdown() {
        controllers.forEach(TestController::runShutdown);
    }

    private ForwardHandler forward(String text) throws Exception {
        TestController c = TestController.of(text);
        controllers.add(c);
        Handler h = Fixtures.handler(c, null);
        c.runStartup();
        return (ForwardHandler) h;
    }

    private static String to(DohUpstream u) {
        return "https://127.0.0.1:" + u.port();
    }

    private static String ca() {
        return "\n    tls " + server.certPem();
    }

    private static Message ask(Handler h, String name) throws Exception {
        RecordingWriter w = new RecordingWriter();
        assertEquals(Handler.DEFERRED, h.serve(TestRequests.query(name, Type.A), w), "answered later");
        Message m = w.await(10, TimeUnit.SECONDS);
        assertNotNull(m, "a reply within 10s");
        return m;
    }

    @Test
    void answersArePostedToDnsQueryOverOneReusedConnection() throws Exception {
        ForwardHandler h = forward("forward . " + to(doh) + " {" + ca() + "\n}");
        assertTrue(h.upstreams.get(0).https());
        assertEquals("POST https://127.0.0.1:" + doh.port() + "/dns-query", h.upstreams.get(0).dohRequest());
        for (int i = 0; i < 3; i++) {
            Message m = ask(h, "T" + i + ".Example.org");
            assertEquals(Rcode.NOERROR, m.getRcode());
            assertEquals("192.0.2.1", Fixtures.firstA(m));
        }
        List<DohUpstream.Request> got = doh.requests();
        assertEquals(3, got.size(), got.toString());
        for (DohUpstream.Request r : got) {
            assertEquals("POST", r.method());
            assertEquals("/dns-query", r.path());
            assertEquals("application/dns-message", r.contentType());
            assertEquals("application/dns-message", r.accept());
            assertEquals(0, r.query().getHeader().getID(), "RFC 8484: message ID 0");
        }
        assertEquals("T0.Example.org.", got.get(0).name(), "the question as the client spelled it");
        assertEquals(1, doh.clientConnections(), "one connection for the three queries");
        var metrics = controllers.get(0).instance().metrics().prometheus();
        assertEquals(3, Fixtures.histogramCount(metrics, "coredns_proxy_request_duration_seconds",
                "proxy_name", "forward", "to", doh.hostPort(), "rcode", "NOERROR"));
        assertEquals(3.0, Fixtures.counter(metrics, "coredns_forward_requests", "to", doh.hostPort()));
    }

    @Test
    void dohMethodGet() throws Exception {
        ForwardHandler h = forward("forward . " + to(doh) + " {" + ca() + "\n    doh_method GET\n}");
        assertEquals("GET https://127.0.0.1:" + doh.port() + "/dns-query", h.upstreams.get(0).dohRequest());
        assertEquals("192.0.2.1", Fixtures.firstA(ask(h, "get.example.org")));
        DohUpstream.Request r = doh.requests("get.example.org.").get(0);
        assertEquals("GET", r.method());
        assertEquals(0, r.query().getHeader().getID());
    }

    @Test
    void theUpstreamsRcodeIsPassedOn() throws Exception {
        doh.script(ScriptedUpstream.rcode(Rcode.NXDOMAIN));
        ForwardHandler h = forward("forward . " + to(doh) + " {" + ca() + "\n}");
        assertEquals(Rcode.NXDOMAIN, ask(h, "nx.example.org").getRcode());
    }

    static Stream<Arguments> faults() {
        return Stream.of(
                Arguments.of("status 500", DohUpstream.status(500)),
                Arguments.of("status 404", DohUpstream.status(404)),
                Arguments.of("content type text/html", DohUpstream.contentType("text/html")),
                Arguments.of("no content type", DohUpstream.contentType(null)),
                Arguments.of("garbage body", DohUpstream.garbage()),
                Arguments.of("another question", (DohUpstream.Fault) (q, a) -> {
                    Message other = ScriptedUpstream.replyTo(TestRequests.query("other.example.org", Type.A).message());
                    other.getHeader().setID(0);
                    return new DohUpstream.Reply(200, DohUpstream.MEDIA_TYPE, other.toWire());
                }),
                Arguments.of("another ID", (DohUpstream.Fault) (q, a) -> {
                    Message m = ScriptedUpstream.replyTo(q);
                    m.getHeader().setID(4711);
                    return new DohUpstream.Reply(200, DohUpstream.MEDIA_TYPE, m.toWire());
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void aBadReplyIsAnUpstreamErrorTheNextUpstreamAnswers(String what, DohUpstream.Fault fault) throws Exception {
        doh.fault(fault);
        ForwardHandler both = forward("forward . " + to(doh) + " " + to(spare) + " {" + ca()
                + "\n    policy sequential\n    max_fails 0\n}");
        Message m = ask(both, "bad.example.org");
        assertEquals(Rcode.NOERROR, m.getRcode(), what);
        assertEquals("192.0.2.1", Fixtures.firstA(m), what);
        assertEquals(1, doh.requests("bad.example.org.").size(), "the broken one was asked first");
        assertEquals(1, spare.requests("bad.example.org.").size(), "then the next");

        // Alone it is retried until max_connect_attempts (or the 5s deadline), then SERVFAIL.
        ForwardHandler alone = forward("forward . " + to(doh) + " {" + ca()
                + "\n    max_fails 0\n    max_connect_attempts 2\n}");
        assertEquals(Rcode.SERVFAIL, ask(alone, "alone.example.org").getRcode(), what);
        assertEquals(2, doh.requests("alone.example.org.").size());
    }

    @Test
    void aSlowUpstreamTimesOut() throws Exception {
        doh.delay(Duration.ofSeconds(2));
        ForwardHandler h = forward("forward . " + to(doh) + " " + to(spare) + " {" + ca()
                + "\n    policy sequential\n    max_fails 0\n}");
        h.upstreams.get(0).readTimeout(300_000_000L);
        long start = System.nanoTime();
        Message m = ask(h, "slow.example.org");
        assertEquals("192.0.2.1", Fixtures.firstA(m));
        assertTrue(System.nanoTime() - start < 1_800_000_000L, "the slow one was given up after its timeout");
        assertEquals(1, spare.requests("slow.example.org.").size());
    }

    @Test
    void healthChecksMarkADownUpstreamAndBringItBack() throws Exception {
        DohUpstream flaky = DohUpstream.start(server.serverContext(null));
        try {
            ForwardHandler h = forward("forward . " + to(flaky) + " {" + ca() + "\n    health_check 100ms\n}");
            assertEquals(Rcode.NOERROR, ask(h, "h.example.org").getRcode());
            flaky.stop();
            assertEquals(Rcode.SERVFAIL, ask(h, "i.example.org").getRcode());
            assertTrue(Polling.within(Duration.ofSeconds(5), () -> h.upstreams.get(0).down(2)), "marked down");
            var metrics = controllers.get(0).instance().metrics().prometheus();
            assertTrue(Fixtures.counter(metrics, "coredns_proxy_healthcheck_failures", "to", flaky.hostPort()) >= 3);
            flaky.clearRequests();
            flaky.restart();
            assertTrue(Polling.within(Duration.ofSeconds(5), () -> !h.upstreams.get(0).down(2)), "back up");
            List<DohUpstream.Request> checks = flaky.requests(".");
            assertFalse(checks.isEmpty(), "the health check that brought it back");
            assertEquals(Type.NS, checks.get(0).query().getQuestion().getType());
            assertEquals("POST", checks.get(0).method());
            assertEquals(Rcode.NOERROR, ask(h, "j.example.org").getRcode());
        } finally {
            flaky.close();
        }
    }

    @Test
    void aServerErrorFailsTheHealthCheckToo() throws Exception {
        doh.fault(DohUpstream.status(503));
        ForwardHandler h = forward("forward . " + to(doh) + " {" + ca() + "\n    health_check 50ms\n}");
        assertEquals(Rcode.SERVFAIL, ask(h, "k.example.org").getRcode());
        assertTrue(Polling.within(Duration.ofSeconds(5), () -> h.upstreams.get(0).down(2)), "marked down");
        doh.fault(null);
        assertTrue(Polling.within(Duration.ofSeconds(5), () -> !h.upstreams.get(0).down(2)), "back up");
    }

    @Test
    void tlsServernameIsTheNameTheCertificateMustHave() throws Exception {
        ForwardHandler named = forward("forward . " + to(doh) + " {" + ca() + "\n    tls_servername dns.test\n}");
        assertEquals("dns.test", named.upstreams.get(0).serverName());
        assertEquals(Rcode.NOERROR, ask(named, "a.example.org").getRcode());
        ForwardHandler perEndpoint = forward("forward . https://127.0.0.1%dns.test:" + doh.port() + " {" + ca()
                + "\n}");
        assertEquals("dns.test", perEndpoint.upstreams.get(0).serverName());
        assertEquals(Rcode.NOERROR, ask(perEndpoint, "b.example.org").getRcode());

        doh.clearRequests();
        // The certificate is also valid for 127.0.0.1, but the name asked for is what counts.
        ForwardHandler wrong = forward("forward . " + to(doh) + " {" + ca()
                + "\n    tls_servername other.test\n    health_check 50ms\n}");
        assertEquals(Rcode.SERVFAIL, ask(wrong, "w.example.org").getRcode());
        ForwardHandler untrusted = forward("forward . " + to(doh) + " {\n    health_check 50ms\n}");
        assertEquals(Rcode.SERVFAIL, ask(untrusted, "u.example.org").getRcode(), "the system CAs do not know it");
        assertEquals(List.of(), doh.requests("w.example.org."));
        assertEquals(List.of(), doh.requests("u.example.org."));
    }

    @Test
    void clientCertificates() throws Exception {
        DohUpstream mutual = DohUpstream.start(server.serverContext(client), true);
        try {
            ForwardHandler withCert = forward("forward . " + to(mutual) + " {\n    tls " + client.certPem() + " "
                    + client.keyPem() + " " + server.certPem() + "\n}");
            assertEquals(Rcode.NOERROR, ask(withCert, "m.example.org").getRcode());
            ForwardHandler without = forward("forward . " + to(mutual) + " {" + ca() + "\n    health_check 50ms\n}");
            assertEquals(Rcode.SERVFAIL, ask(without, "n.example.org").getRcode());
            assertEquals(1, mutual.requests("m.example.org.").size());
            assertEquals(0, mutual.requests("n.example.org.").size());
        } finally {
            mutual.close();
        }
    }

    @Test
    void schemesMixInOneStanza() throws Exception {
        ScriptedUpstream plain = ScriptedUpstream.start();
        try {
            plain.script(ScriptedUpstream.answerA("192.0.2.53"));
            ForwardHandler h = forward("forward . " + to(doh) + " 127.0.0.1:" + plain.port() + " {" + ca()
                    + "\n    policy round_robin\n}");
            assertTrue(h.upstreams.get(0).https());
            assertFalse(h.upstreams.get(1).https());
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(Fixtures.firstA(ask(h, "mix" + i + ".example.org")));
            }
            assertTrue(answers.contains("192.0.2.1") && answers.contains("192.0.2.53"), answers.toString());
        } finally {
            plain.close();
        }
    }

    @Test
    void afterShutdownQueriesFailInsteadOfHanging() throws Exception {
        ForwardHandler h = forward("forward . " + to(doh) + " {" + ca() + "\n    max_connect_attempts 1\n}");
        assertEquals(Rcode.NOERROR, ask(h, "before.example.org").getRcode());
        h.upstreams.get(0).stop(0);
        assertTrue(h.upstreams.get(0).stopped());
        assertEquals(Rcode.SERVFAIL, ask(h, "after.example.org").getRcode());
    }
}
