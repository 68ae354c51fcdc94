package kdns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.testing.Polling;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import kdns.testing.upstream.ScriptedUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** {@code proxy}: forward's syntax and handlers, the old proxy's options mapped or refused, one warning. */
class ProxySetupTest {

    private final List<String> warnings = new ArrayList<>();

    private ForwardHandler parse(String text) throws Exception {
        TestController c = TestController.of(text);
        new ProxyPlugin(warnings::add).setup(c);
        return (ForwardHandler) c.handler(TestHandlers.returning(0));
    }

    private String error(String text) {
        PluginException e = assertThrows(PluginException.class,
                () -> new ProxyPlugin(warnings::add).setup(TestController.of(text)), text);
        return e.getMessage();
    }

    @Test
    void aliasOfForwardWithOneWarningNamingTheModernForm(@TempDir Path dir) throws Exception {
        Path rc = dir.resolve("resolv.conf");
        Files.writeString(rc, "nameserver 10.0.0.53\n");
        ForwardHandler f = parse("proxy . " + rc);
        assertEquals(".", f.cfg.from());
        assertEquals(List.of("10.0.0.53:53"), f.upstreams.stream().map(u -> u.addr()).toList());
        assertEquals(List.of("'proxy' is deprecated (removed from CoreDNS in 1.6): use 'forward . " + rc + "'"), warnings);
        assertEquals("forward", f.name(), "the handler is forward's");
        // Forward's defaults, not the old proxy's.
        assertEquals(2, f.cfg.maxFails());
        assertEquals("random", f.cfg.policy().name());
        assertFalse(f.cfg.failfastUnhealthyUpstreams());
    }

    @Test
    void severalStanzasChainLikeForwardAndStillOneWarning() throws Exception {
        TestController c = TestController.of("proxy example.org 127.0.0.1:5300\nproxy . 127.0.0.2");
        new ProxyPlugin(warnings::add).setup(c);
        ForwardHandler first = (ForwardHandler) c.handler(TestHandlers.returning(0));
        ForwardHandler second = (ForwardHandler) first.next();
        assertEquals("example.org.", first.cfg.from());
        assertEquals(".", second.cfg.from());
        assertEquals("test", second.next().name());
        assertTrue(c.anyClassAllowed());
        assertEquals(List.of("'proxy' is deprecated (removed from CoreDNS in 1.6): use "
                + "'forward example.org 127.0.0.1:5300' and 'forward . 127.0.0.2'"), warnings);
    }

    @Test
    void forwardOptionsPassThrough() throws Exception {
        ForwardHandler f = parse("""
                proxy . 127.0.0.1 127.0.0.2 {
                    except miek.nl example.org
                    max_fails 5
                    policy round_robin
                    health_check 1s no_rec
                    max_concurrent 100
                    force_tcp
                }""");
        assertEquals(List.of("miek.nl.", "example.org."), f.cfg.ignored());
        assertEquals(5, f.cfg.maxFails());
        assertEquals("round_robin", f.cfg.policy().name());
        assertEquals(1_000_000_000L, f.cfg.upstreamOptions().healthCheck().intervalNanos());
        assertFalse(f.cfg.upstreamOptions().healthCheck().recursionDesired());
        assertEquals(100, f.cfg.maxConcurrent());
        assertTrue(f.cfg.forceTcp());
        assertEquals(1, warnings.size());
    }

    @Test
    void oldProxyOptionsThatMapAreMapped() throws Exception {
        ForwardHandler f = parse("""
                proxy . 127.0.0.1 {
                    policy always_first
                    fail_timeout 10s
                    spray
                    protocol dns force_tcp
                }""");
        assertEquals("sequential", f.cfg.policy().name());
        assertTrue(f.cfg.forceTcp());
        assertEquals(1, warnings.size());
        String w = warnings.get(0);
        assertTrue(w.startsWith("'proxy' is deprecated (removed from CoreDNS in 1.6): use 'forward . 127.0.0.1' ("), w);
        assertTrue(w.contains("'policy sequential' for 'policy always_first'"), w);
        assertTrue(w.contains("fail_timeout is ignored"), w);
        assertTrue(w.contains("spray is what forward does"), w);
        assertTrue(w.contains("'force_tcp' for 'protocol dns force_tcp'"), w);
        assertFalse(parse("proxy . 127.0.0.1 {\nprotocol dns\n}").cfg.forceTcp());
    }

    @Test
    void oldProxyOptionsThatCannotMapAreRefusedNamingTheModernForm() {
        assertEquals("Corefile:2 - Error during parsing: proxy's 'protocol https_google' cannot be mapped: it spoke "
                + "Google's JSON API, forward speaks RFC 8484; use DNS over HTTPS: "
                + "'forward . https://8.8.8.8 https://8.8.4.4 { tls_servername dns.google }'",
                error("proxy . 1.2.3.4:53 {\nprotocol https_google\n}"));
        assertTrue(error("proxy . 1.2.3.4 {\nprotocol grpc insecure\n}").contains("'protocol grpc' cannot be mapped"));
        assertEquals("Corefile:2 - Error during parsing: proxy's HTTP 'health_check /health:8080' cannot be mapped: "
                + "forward checks upstreams with DNS queries; drop it or use 'forward . ... { health_check DURATION }'",
                error("proxy . 10.0.0.11:53 {\nhealth_check /health:8080\n}"));
        assertTrue(error("proxy . 1.2.3.4 {\npolicy least_conn\n}")
                .contains("'policy least_conn' has no equivalent in forward: use 'forward . ... { policy "
                        + "random|round_robin|sequential }'"));
        assertTrue(error("proxy . 1.2.3.4 {\nprotocol dns udp\n}").contains("only force_tcp allowed as parameter to dns"));
        assertTrue(error("proxy . 1.2.3.4 {\nprotocol bogus\n}").contains("invalid protocol: bogus"));
        assertTrue(error("proxy . 1.2.3.4 {\nfail_timeout soon\n}").contains("fail_timeout:"));
        assertTrue(error("proxy . 1.2.3.4 {\nspray now\n}").contains("Wrong argument count"));
        assertEquals("Corefile:2 - Error during parsing: unknown property 'bogus'", error("proxy . 1.2.3.4 {\nbogus\n}"));
        assertEquals("Corefile:1 - Error during parsing: Wrong argument count or unexpected line ending after '.'",
                error("proxy ."));
        assertTrue(warnings.isEmpty(), "no warning when setup fails: " + warnings);
    }

    @Test
    void forwardsQueriesExactlyLikeForward() throws Exception {
        try (ScriptedUpstream u = ScriptedUpstream.start()) {
            TestController c = TestController.of("proxy . " + u.hostPort());
            new ProxyPlugin(warnings::add).setup(c);
            Handler h = c.handler(null);
            c.runStartup();
            try {
                RecordingWriter w = new RecordingWriter();
                assertEquals(Handler.DEFERRED, h.serve(TestRequests.query("www.example.org", Type.A), w));
                assertNotNull(w.await(10, TimeUnit.SECONDS));
                assertEquals(Rcode.NOERROR, w.rcode());
                assertEquals("192.0.2.1", Fixtures.firstA(w.msg()));
                assertEquals(1, u.queries().size());
                // forward's metric names, with proxy_name="forward".
                var r = c.instance().metrics().prometheus();
                assertTrue(Polling.within(Duration.ofSeconds(2), () -> Fixtures.histogramCount(r,
                        "coredns_proxy_request_duration_seconds", "proxy_name", "forward", "to", u.hostPort(),
                        "rcode", "NOERROR") == 1));
                assertTrue(Polling.within(Duration.ofSeconds(2),
                        () -> Fixtures.counter(r, "coredns_forward_requests", "to", u.hostPort()) == 1.0));
            } finally {
                c.runShutdown();
            }
        }
    }
}
