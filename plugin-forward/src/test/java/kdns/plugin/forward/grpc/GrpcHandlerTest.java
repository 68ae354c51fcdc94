package kdns.plugin.forward.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kdns.api.Handler;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import kdns.testing.upstream.TestCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The grpc plugin against in-test DnsService upstreams (plaintext and TLS). */
class GrpcHandlerTest {

    /** The next plugin's marker: it answers YXDOMAIN. */
    static final int NEXT = Rcode.YXDOMAIN;

    @TempDir
    static Path dir;
    static TestCertificate cert;
    static GrpcTestServer a;
    static GrpcTestServer b;
    static GrpcTestServer tls;
    static TestCertificate clientCert;
    static GrpcTestServer mutual;

    private final List<TestController> controllers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        a = GrpcTestServer.start();
        a.answers.put("www.example.org.", "192.0.2.1");
        b = GrpcTestServer.start();
        b.answers.put("www.example.org.", "192.0.2.2");
        // A certificate for a name only: the upstream's IP does not match it.
        cert = TestCertificate.generate(dir, "grpc", "dns.test", "dns:dns.test");
        tls = GrpcTestServer.startTls(cert.serverContext(null));
        tls.answers.put("www.example.org.", "192.0.2.3");
        clientCert = TestCertificate.generate(dir, "client", "client.test", null);
        mutual = GrpcTestServer.startMutualTls(cert.serverContext(clientCert));
        mutual.answers.put("www.example.org.", "192.0.2.4");
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
        tls.close();
        mutual.close();
    }

    @AfterEach
    void shutdown() {
        controllers.forEach(TestController::runShutdown);
    }

    private TestController controller(String text) {
        TestController c = TestController.of(text);
        controllers.add(c);
        return c;
    }

    private Handler grpc(String text) throws Exception {
        TestController c = controller(text);
        new GrpcPlugin().setup(c);
        return c.handler(TestHandlers.answering(NEXT));
    }

    static Message ask(Handler h, String name) throws Exception {
        RecordingWriter w = new RecordingWriter();
        int rc = h.serve(TestRequests.query(name, Type.A), w);
        if (rc != Handler.DEFERRED) {
            assertTrue(w.written(), "rc " + rc + " without a reply");
            return w.msg();
        }
        Message m = w.await(10, TimeUnit.SECONDS);
        assertNotNull(m, "a reply within 10s");
        assertEquals(1, w.writes(), "exactly one reply");
        return m;
    }

    static String firstA(Message m) {
        return ((ARecord) m.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress();
    }

    @Test
    void forwardsAndCountsPerUpstream() throws Exception {
        TestController c = controller("grpc . " + a.addr());
        new GrpcPlugin().setup(c);
        Handler h = c.handler(TestHandlers.answering(NEXT));
        Message m = ask(h, "www.example.org.");
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals("192.0.2.1", firstA(m));
        assertEquals(Rcode.NXDOMAIN, ask(h, "nothing.example.org.").getRcode());
        PrometheusRegistry r = c.instance().metrics().prometheus();
        assertEquals(2.0, counter(r, "coredns_grpc_requests", "to", a.addr()));
        assertEquals(1.0, counter(r, "coredns_grpc_responses", "to", a.addr(), "rcode", "NOERROR"));
        assertEquals(1.0, counter(r, "coredns_grpc_responses", "to", a.addr(), "rcode", "NXDOMAIN"));
        assertEquals(2, histogramCount(r, "coredns_grpc_request_duration_seconds", "to", a.addr()));
    }

    @Test
    void exceptAndOtherZonesGoToTheNextPlugin() throws Exception {
        Handler h = grpc("grpc example.org " + a.addr() + " {\n except sub.example.org\n}");
        int before = a.queries.get();
        assertEquals(NEXT, ask(h, "www.sub.example.org.").getRcode());
        assertEquals(NEXT, ask(h, "www.example.com.").getRcode());
        assertEquals(before, a.queries.get(), "nothing sent upstream");
        assertEquals("192.0.2.1", firstA(ask(h, "www.example.org.")));
    }

    @Test
    void aDownUpstreamIsSkipped() throws Exception {
        int dead = GrpcTestServer.deadPort();
        Handler h = grpc("grpc . 127.0.0.1:" + dead + " " + b.addr() + " {\n policy sequential\n}");
        for (int i = 0; i < 3; i++) {
            assertEquals("192.0.2.2", firstA(ask(h, "www.example.org.")));
        }
    }

    @Test
    void anErrorStatusMovesToTheNextUpstream() throws Exception {
        Handler h = grpc("grpc . " + a.addr() + " " + b.addr() + " {\n policy sequential\n}");
        int qa = a.queries.get();
        int qb = b.queries.get();
        assertEquals(Rcode.SERVFAIL, ask(h, "broken.").getRcode());
        assertEquals(qa + 1, a.queries.get(), "each upstream once");
        assertEquals(qb + 1, b.queries.get(), "each upstream once");
    }

    @Test
    void allDownIsServfail() throws Exception {
        Handler h = grpc("grpc . 127.0.0.1:" + GrpcTestServer.deadPort() + " 127.0.0.1:" + GrpcTestServer.deadPort());
        assertEquals(Rcode.SERVFAIL, ask(h, "www.example.org.").getRcode());
    }

    @Test
    void allDownWithFallthroughIsTheNextPlugins() throws Exception {
        Handler h = grpc("grpc . 127.0.0.1:" + GrpcTestServer.deadPort() + " {\n fallthrough\n}");
        assertEquals(NEXT, ask(h, "www.example.org.").getRcode());
    }

    @Test
    void notFoundIsNxdomainAndFallsThroughWhenAsked() throws Exception {
        Handler plain = grpc("grpc . " + a.addr());
        Message m = ask(plain, "notfound.");
        assertEquals(Rcode.NXDOMAIN, m.getRcode());
        assertEquals("notfound.", m.getQuestion().getName().toString());
        Handler fall = grpc("grpc . " + a.addr() + " {\n fallthrough example.org\n}");
        assertEquals(NEXT, ask(fall, "nothing.example.org.").getRcode());
        assertEquals(Rcode.NXDOMAIN, ask(fall, "nothing.example.com.").getRcode(), "outside the fallthrough zones");
    }

    @Test
    void aReplyForAnotherQuestionIsFormerr() throws Exception {
        Handler h = grpc("grpc . " + a.addr());
        assertEquals(Rcode.FORMERR, ask(h, "wrong.").getRcode());
    }

    @Test
    void sequentialAndRoundRobin() throws Exception {
        Handler seq = grpc("grpc . " + a.addr() + " " + b.addr() + " {\n policy sequential\n}");
        for (int i = 0; i < 4; i++) {
            assertEquals("192.0.2.1", firstA(ask(seq, "www.example.org.")));
        }
        Handler rr = grpc("grpc . " + a.addr() + " " + b.addr() + " {\n policy round_robin\n}");
        String first = firstA(ask(rr, "www.example.org."));
        String second = firstA(ask(rr, "www.example.org."));
        String third = firstA(ask(rr, "www.example.org."));
        assertTrue(!first.equals(second) && first.equals(third), first + " " + second + " " + third);
    }

    @Test
    void randomUsesBoth() throws Exception {
        Handler h = grpc("grpc . " + a.addr() + " " + b.addr());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < 64 && seen.size() < 2; i++) {
            seen.add(firstA(ask(h, "www.example.org.")));
        }
        assertEquals(2, seen.size(), seen.toString());
    }

    @Test
    void tlsWithTheServerName() throws Exception {
        Handler h = grpc("grpc . " + tls.addr() + " {\n tls " + cert.certPem() + "\n tls_servername dns.test\n}");
        assertEquals("192.0.2.3", firstA(ask(h, "www.example.org.")));
    }

    @Test
    void clientCertificateWithCertKeyCa() throws Exception {
        Handler h = grpc("grpc . " + mutual.addr() + " {\n tls " + clientCert.certPem() + " " + clientCert.keyPem()
                + " " + cert.certPem() + "\n tls_servername dns.test\n}");
        assertEquals("192.0.2.4", firstA(ask(h, "www.example.org.")));
        Handler without = grpc("grpc . " + mutual.addr() + " {\n tls " + cert.certPem()
                + "\n tls_servername dns.test\n}");
        assertEquals(Rcode.SERVFAIL, ask(without, "www.example.org.").getRcode());
    }

    @Test
    void tlsCheckedAgainstTheAddressWithoutServerName() throws Exception {
        Handler h = grpc("grpc . " + tls.addr() + " {\n tls " + cert.certPem() + "\n}");
        int before = tls.queries.get();
        assertEquals(Rcode.SERVFAIL, ask(h, "www.example.org.").getRcode());
        assertEquals(before, tls.queries.get());
    }

    @Test
    void tlsUntrustedWithTheSystemCas() throws Exception {
        Handler h = grpc("grpc . " + tls.addr() + " {\n tls_servername dns.test\n}");
        assertEquals(Rcode.SERVFAIL, ask(h, "www.example.org.").getRcode());
    }

    @Test
    void plaintextToATlsUpstreamFails() throws Exception {
        Handler h = grpc("grpc . " + tls.addr());
        assertEquals(Rcode.SERVFAIL, ask(h, "www.example.org.").getRcode());
    }

    @Test
    void shutdownStopsNewCalls() throws Exception {
        TestController c = controller("grpc . " + a.addr());
        new GrpcPlugin().setup(c);
        Handler h = c.handler(TestHandlers.answering(NEXT));
        assertEquals("192.0.2.1", firstA(ask(h, "www.example.org.")));
        c.runShutdown();
        assertEquals(Rcode.SERVFAIL, ask(h, "www.example.org.").getRcode());
        assertTrue(((GrpcHandler) h).upstreams.get(0).awaitTermination(5_000), "channel terminated");
    }

    static double counter(PrometheusRegistry r, String name, String... labels) {
        for (MetricSnapshot s : r.scrape()) {
            if (s instanceof CounterSnapshot c && s.getMetadata().getPrometheusName().equals(name)) {
                for (CounterSnapshot.CounterDataPointSnapshot d : c.getDataPoints()) {
                    if (has(d.getLabels(), labels)) {
                        return d.getValue();
                    }
                }
            }
        }
        return 0;
    }

    static long histogramCount(PrometheusRegistry r, String name, String... labels) {
        long n = 0;
        for (MetricSnapshot s : r.scrape()) {
            if (s instanceof HistogramSnapshot h && s.getMetadata().getPrometheusName().equals(name)) {
                for (HistogramSnapshot.HistogramDataPointSnapshot d : h.getDataPoints()) {
                    if (has(d.getLabels(), labels)) {
                        n += d.getCount();
                    }
                }
            }
        }
        return n;
    }

    private static boolean has(io.prometheus.metrics.model.snapshots.Labels l, String... labels) {
        for (int i = 0; i < labels.length; i += 2) {
            if (!labels[i + 1].equals(l.get(labels[i]))) {
                return false;
            }
        }
        return true;
    }
}
