package kdns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kdns.api.PluginException;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Setup: CoreDNS's syntax, defaults and error messages (with {@code file:line}). */
class ForwardSetupTest {

    private static ForwardHandler parse(String text) throws Exception {
        TestController c = TestController.of(text);
        return (ForwardHandler) Fixtures.handler(c, TestHandlers.returning(0));
    }

    private static String error(String text) {
        PluginException e = assertThrows(PluginException.class, () -> new ForwardPlugin().setup(TestController.of(text)),
                text);
        return e.getMessage();
    }

    @Test
    void defaults() throws Exception {
        ForwardHandler f = parse("forward . 127.0.0.1");
        Stanza s = f.cfg;
        assertEquals(".", s.from());
        assertEquals(2, s.maxFails());
        assertEquals(10_000_000_000L, s.upstreamOptions().expireNanos());
        assertEquals(500_000_000L, s.upstreamOptions().healthCheck().intervalNanos());
        assertEquals("random", s.policy().name());
        assertTrue(s.upstreamOptions().healthCheck().recursionDesired());
        assertEquals(".", s.upstreamOptions().healthCheck().domain());
        assertEquals("127.0.0.1:53", f.upstreams.get(0).addr());
        assertFalse(f.upstreams.get(0).tls());
        assertEquals(2, s.connectAttemptCap(), "two per upstream when max_connect_attempts is not written");
        assertEquals(6, parse("forward . 127.0.0.1 127.0.0.2 127.0.0.3").cfg.connectAttemptCap());
        assertEquals(0, parse("forward . 127.0.0.1 {\nmax_connect_attempts 0\n}").cfg.connectAttemptCap(),
                "0 lifts the cap");
    }

    @Test
    void toForms() throws Exception {
        ForwardHandler f = parse("forward Example.ORG 127.0.0.1:5300 dns://10.0.0.1 [::1]:54 ::2 tls://10.0.0.2 "
                + "tls://10.0.0.3:8853 tls://10.0.0.4%dns.test tls://10.0.0.5%dns.test:9853");
        assertEquals("example.org.", f.cfg.from());
        assertEquals(List.of("127.0.0.1:5300", "10.0.0.1:53", "[::1]:54", "[::2]:53", "10.0.0.2:853", "10.0.0.3:8853",
                "10.0.0.4:853", "10.0.0.5:9853"), f.upstreams.stream().map(u -> u.addr()).toList());
        assertTrue(f.upstreams.get(4).tls());
        assertEquals("dns.test", f.cfg.to().get(6).serverName());
        assertEquals(9853, f.cfg.to().get(7).port());
    }

    @Test
    void httpsForms() throws Exception {
        ForwardHandler f = parse("forward . https://9.9.9.9 https://10.0.0.1:8443 https://[2620:fe::fe] "
                + "https://10.0.0.2%dns.test https://[::1%dns.test]:8443 dns://10.0.0.3 tls://10.0.0.4 {\n"
                + "    tls\n}");
        assertEquals(List.of("9.9.9.9:443", "10.0.0.1:8443", "[2620:fe::fe]:443", "10.0.0.2:443", "[::1]:8443",
                "10.0.0.3:53", "10.0.0.4:853"), f.upstreams.stream().map(u -> u.addr()).toList());
        assertEquals(List.of(true, true, true, true, true, false, false),
                f.upstreams.stream().map(u -> u.https()).toList());
        assertFalse(f.upstreams.get(0).tls(), "DoH is not DoT");
        assertTrue(f.upstreams.get(6).tls());
        assertEquals("POST https://9.9.9.9:443/dns-query", f.upstreams.get(0).dohRequest());
        assertEquals("POST https://[2620:fe:0:0:0:0:0:fe]:443/dns-query", f.upstreams.get(2).dohRequest());
        assertEquals("dns.test", f.upstreams.get(3).serverName());
        assertEquals("dns.test", f.upstreams.get(4).serverName());
        assertEquals(null, f.upstreams.get(0).serverName(), "checked against the IP");
        assertEquals("https://9.9.9.9:443", f.upstreams.get(0).toString());
        assertEquals("POST", f.cfg.dohMethod());

        ForwardHandler named = parse("forward . https://9.9.9.9 https://149.112.112.112 {\n"
                + "    tls_servername dns.quad9.net\n    doh_method GET\n    force_tcp\n}");
        assertEquals("dns.quad9.net", named.upstreams.get(1).serverName());
        assertEquals("GET https://149.112.112.112:443/dns-query", named.upstreams.get(1).dohRequest());
        assertEquals("GET", named.cfg.dohMethod());
        // no tls option: the system CAs, as for tls://
        assertTrue(parse("forward . https://127.0.0.1").upstreams.get(0).https());
    }

    @Test
    void cidrFromUsesTheFirstZone() throws Exception {
        assertEquals("0.10.in-addr.arpa.", parse("forward 10.0.0.0/15 127.0.0.1").cfg.from());
        assertEquals("10.in-addr.arpa.", parse("forward 10.0.0.0/8 127.0.0.1").cfg.from());
    }

    @Test
    void resolvConf(@TempDir Path dir) throws Exception {
        Path rc = dir.resolve("resolv.conf");
        Files.writeString(rc, "# comment\nsearch example.org\nnameserver 10.0.0.53\nnameserver fd00::53\noptions ndots:5\n");
        ForwardHandler f = parse("forward . " + rc);
        assertEquals(List.of("10.0.0.53:53", "[fd00::53]:53"), f.upstreams.stream().map(u -> u.addr()).toList());
        Path empty = dir.resolve("empty.conf");
        Files.writeString(empty, "search example.org\n");
        assertTrue(error("forward . " + empty).contains("no nameservers found"));
    }

    @Test
    void everyOption() throws Exception {
        ForwardHandler f = parse("""
                forward . 127.0.0.1 127.0.0.2 {
                    except miek.nl example.org
                    force_tcp
                    prefer_udp
                    expire 20s
                    max_fails 5
                    max_idle_conns 8
                    max_connect_attempts 3
                    policy sequential
                    health_check 1s no_rec domain Example.NET
                    max_concurrent 100
                    next NXDOMAIN servfail
                    next_on_nodata
                    failfast_all_unhealthy_upstreams
                    failover SERVFAIL REFUSED
                    tls_servername dns.test
                }""");
        Stanza s = f.cfg;
        assertEquals(List.of("miek.nl.", "example.org."), s.ignored());
        assertTrue(s.forceTcp());
        assertTrue(s.preferUdp());
        assertEquals(20_000_000_000L, s.upstreamOptions().expireNanos());
        assertEquals(5, s.maxFails());
        assertEquals(8, s.upstreamOptions().maxIdleConns());
        assertEquals(3, s.maxConnectAttempts());
        assertEquals(3, s.connectAttemptCap());
        assertEquals("sequential", s.policy().name());
        assertEquals(1_000_000_000L, s.upstreamOptions().healthCheck().intervalNanos());
        assertFalse(s.upstreamOptions().healthCheck().recursionDesired());
        assertEquals("example.net.", s.upstreamOptions().healthCheck().domain());
        assertEquals(100, s.maxConcurrent());
        assertEquals(List.of(3, 2), s.nextRcodes());
        assertTrue(s.failfastUnhealthyUpstreams());
        assertTrue(s.nextOnNodata());
        assertEquals(List.of(2, 5), s.failoverRcodes());
        assertEquals("dns.test", s.tlsServerName());
        assertEquals("round_robin", parse("forward . 127.0.0.1 {\npolicy round_robin\n}").cfg.policy().name());
        assertEquals("random", parse("forward . 127.0.0.1 {\npolicy random\n}").cfg.policy().name());
    }

    @Test
    void chainedStanzasPointAtEachOther() throws Exception {
        TestController c = TestController.of("forward example.org 127.0.0.1\nforward . 127.0.0.2");
        ForwardHandler first = (ForwardHandler) Fixtures.handler(c, TestHandlers.returning(0));
        ForwardHandler second = (ForwardHandler) first.next();
        assertEquals("example.org.", first.cfg.from());
        assertEquals(".", second.cfg.from());
        assertEquals("test", second.next().name());
        assertTrue(c.anyClassAllowed(), "forward lets every class through, as CoreDNS's EnableChaos");
    }

    @Test
    void errors() {
        assertEquals("Corefile:1 - Error during parsing: Wrong argument count or unexpected line ending after 'forward'",
                error("forward"));
        assertEquals("Corefile:1 - Error during parsing: Wrong argument count or unexpected line ending after '.'",
                error("forward ."));
        assertEquals("Corefile:1 - Error during parsing: not an IP address or file: \"nosuchhost.example\"",
                error("forward . nosuchhost.example"));
        assertEquals("Corefile:1 - Error during parsing: paths are not allowed in HTTPS upstream addresses "
                + "(the /dns-query path is used by default): https://1.1.1.1/", error("forward . https://1.1.1.1/"));
        assertTrue(error("forward . https://dns.google/dns-query").contains("paths are not allowed in HTTPS upstream"));
        assertTrue(error("forward . https://9.9.9.9:443/resolve").contains("paths are not allowed in HTTPS upstream"));
        assertTrue(error("forward . https:///etc/resolv.conf").contains("paths are not allowed in HTTPS upstream"));
        assertEquals("Corefile:1 - Error during parsing: not an IP address or file: \"dns.google\"",
                error("forward . https://dns.google"));
        assertTrue(error("forward . https://").contains("not an IP address or file"));
        assertTrue(error("forward . https://9.9.9.9:0").contains("invalid port '0'"));
        assertTrue(error("forward . https://9.9.9.9?dns=x").contains("not an IP address or file"));
        assertEquals("Corefile:2 - Error during parsing: doh_method must be either POST or GET",
                error("forward . https://9.9.9.9 {\ndoh_method PUT\n}"));
        assertTrue(error("forward . https://9.9.9.9 {\ndoh_method get\n}").contains("doh_method must be either"));
        assertTrue(error("forward . https://9.9.9.9 {\ndoh_method\n}").contains("Wrong argument count"));
        assertTrue(error("forward . https://127.0.0.1%a.test {\ntls_servername b.test\n}")
                .contains("both forward ('b.test') and proxy level ('a.test') TLS servernames are set"));
        assertTrue(error("forward . grpc://9.9.9.9").contains("'grpc' is not supported as a destination protocol"));
        assertTrue(error("forward . quic://9.9.9.9").contains("'quic' is not supported"));
        assertTrue(error("forward . 127.0.0.1:99999").contains("invalid port '99999'"));
        assertEquals("Corefile:2 - Error during parsing: unknown property 'bogus'",
                error("forward . 127.0.0.1 {\nbogus\n}"));
        assertEquals("Corefile:2 - Error during parsing: unknown policy 'fastest'",
                error("forward . 127.0.0.1 {\npolicy fastest\n}"));
        assertTrue(error("forward . 127.0.0.1 {\nhealth_check -1s\n}").contains("health_check can't be negative"));
        assertTrue(error("forward . 127.0.0.1 {\nhealth_check 1s bogus\n}").contains("health_check: unknown option bogus"));
        assertTrue(error("forward . 127.0.0.1 {\nhealth_check\n}").contains("Wrong argument count"));
        assertTrue(error("forward . 127.0.0.1 {\nhealth_check 1\n}").contains("health_check:"));
        assertTrue(error("forward . 127.0.0.1 {\nexpire -1s\n}").contains("expire can't be negative"));
        assertTrue(error("forward . 127.0.0.1 {\nmax_fails -1\n}").contains("max_fails"));
        assertTrue(error("forward . 127.0.0.1 {\nmax_fails x\n}").contains("max_fails"));
        assertTrue(error("forward . 127.0.0.1 {\nmax_concurrent -1\n}").contains("max_concurrent can't be negative: -1"));
        assertTrue(error("forward . 127.0.0.1 {\nmax_idle_conns -1\n}").contains("max_idle_conns can't be negative"));
        assertTrue(error("forward . 127.0.0.1 {\nforce_tcp x\n}").contains("Wrong argument count"));
        assertTrue(error("forward . 127.0.0.1 {\nprefer_udp x\n}").contains("Wrong argument count"));
        assertTrue(error("forward . 127.0.0.1 {\nexcept\n}").contains("Wrong argument count"));
        assertTrue(error("forward . 127.0.0.1 {\nnext\n}").contains("Wrong argument count"));
        assertTrue(error("forward . 127.0.0.1 {\nnext BOGUS\n}").contains("BOGUS is not a valid rcode"));
        assertTrue(error("forward . 127.0.0.1 {\nfailover NOERROR\n}").contains("NoError cannot be used in failover"));
        assertTrue(error("forward . 127.0.0.1 {\nfailfast_all_unhealthy_upstreams x\n}").contains("Wrong argument count"));
        assertTrue(error("forward . 127.0.0.1 {\nnext_on_nodata x\n}").contains("Wrong argument count"));
        assertTrue(error("forward . 127.0.0.1 {\ntls a b c d\n}").contains("Wrong argument count"));
        assertTrue(error("forward . 127.0.0.1 {\ntls /nonexistent/ca.pem\n}").contains("/nonexistent/ca.pem"));
        assertTrue(error("forward . tls://127.0.0.1%a.test {\ntls_servername b.test\n}")
                .contains("both forward ('b.test') and proxy level ('a.test') TLS servernames are set"));
        StringBuilder many = new StringBuilder("forward .");
        for (int i = 1; i <= 16; i++) {
            many.append(" 127.0.0.").append(i);
        }
        assertTrue(error(many.toString()).contains("more than 15 TOs configured: 16"));
    }

    @Test
    void exceptMatching() throws Exception {
        ForwardHandler f = parse("forward example.org 127.0.0.1 {\nexcept a.example.org\n}");
        assertTrue(f.match("example.org."));
        assertTrue(f.match("b.example.org."));
        assertFalse(f.match("a.example.org."));
        assertFalse(f.match("x.a.example.org."));
        assertFalse(f.match("example.net."));
        ForwardHandler root = parse("forward . 127.0.0.1 {\nexcept .\n}");
        assertTrue(root.match("."), "FROM itself is always forwarded");
        assertFalse(root.match("example.org."));
    }
}
