package kdns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import kdns.testing.DnsClient;
import kdns.testing.InProcessServer;
import kdns.testing.Polling;
import kdns.testing.TestRequests;
import kdns.testing.upstream.KnotUpstream;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** A real kdns server in front of real upstreams: Debian's knotd on 127.0.0.1. */
class ForwardKnotTest {

    static String zone(String wwwAddress) {
        StringBuilder z = new StringBuilder("""
                $ORIGIN example.org.
                $TTL 300
                @     SOA ns.example.org. admin.example.org. 1 3600 600 86400 60
                @     NS  ns.example.org.
                ns    A   127.0.0.1
                """);
        z.append("www   A   ").append(wwwAddress).append('\n');
        for (int i = 0; i < 20; i++) {
            z.append("big   TXT \"").append("x".repeat(60)).append(i).append("\"\n");
        }
        return z.toString();
    }

    private static Message udp(InetSocketAddress server, String name, int type) throws Exception {
        return DnsClient.udp(server, name, type);
    }

    @Test
    void answersFromKnotKeepingTheClientsIdAndSpelling() throws Exception {
        try (KnotUpstream knot = KnotUpstream.start("example.org", zone("192.0.2.80"));
             InProcessServer kdns = InProcessServer.start(".:0 {\n    forward . " + knot.hostPort() + "\n}\n")) {
            Message q = TestRequests.message("WwW.ExAmPlE.oRg", Type.A, DClass.IN);
            q.getHeader().setID(31337);
            Message r = DnsClient.udp(kdns.address(), q);
            assertEquals(31337, r.getHeader().getID());
            assertEquals("WwW.ExAmPlE.oRg.", r.getQuestion().getName().toString());
            assertEquals(Rcode.NOERROR, r.getRcode());
            assertTrue(r.getHeader().getFlag(Flags.AA), "knotd's authoritative answer is passed on");
            assertEquals("192.0.2.80", Fixtures.firstA(r));
            Message t = DnsClient.tcp(kdns.address(), "www.example.org", Type.A);
            assertEquals("192.0.2.80", Fixtures.firstA(t));
            assertEquals(Rcode.NXDOMAIN, udp(kdns.address(), "nope.example.org", Type.A).getRcode());
            assertEquals(Rcode.REFUSED, udp(kdns.address(), "example.net", Type.A).getRcode(),
                    "knotd refuses what it does not serve, and forward passes that on");
        }
    }

    @Test
    void truncatedAnswersAndPreferUdp() throws Exception {
        try (KnotUpstream knot = KnotUpstream.start("example.org", zone("192.0.2.80"));
             InProcessServer plain = InProcessServer.start(".:0 {\n    forward . " + knot.hostPort() + "\n}\n");
             InProcessServer preferUdp = InProcessServer.start(".:0 {\n    forward . " + knot.hostPort()
                     + " {\n        prefer_udp\n    }\n}\n")) {
            Message udp = udp(plain.address(), "big.example.org", Type.TXT);
            assertTrue(udp.getHeader().getFlag(Flags.TC), "over UDP without EDNS0 the answer is truncated");
            Message tcp = DnsClient.tcp(plain.address(), "big.example.org", Type.TXT);
            assertEquals(20, tcp.getSection(Section.ANSWER).size());
            Message viaUdpFirst = DnsClient.tcp(preferUdp.address(), "big.example.org", Type.TXT);
            assertFalse(viaUdpFirst.getHeader().getFlag(Flags.TC));
            assertEquals(20, viaUdpFirst.getSection(Section.ANSWER).size(), "prefer_udp retried over TCP");
        }
    }

    @Test
    void aKilledUpstreamIsMarkedDownTrafficMovesAndAllDownIsServfail() throws Exception {
        try (KnotUpstream one = KnotUpstream.start("example.org", zone("192.0.2.1"));
             KnotUpstream two = KnotUpstream.start("example.org", zone("192.0.2.2"));
             InProcessServer kdns = InProcessServer.start(".:0 {\n    forward . " + one.hostPort() + " "
                     + two.hostPort() + " {\n        policy sequential\n        health_check 100ms\n    }\n}\n")) {
            InetSocketAddress at = kdns.address();
            assertEquals("192.0.2.1", Fixtures.firstA(udp(at, "www.example.org", Type.A)));
            one.stop();
            // Killed mid-run: the next query fails over to the second upstream at once.
            assertEquals("192.0.2.2", Fixtures.firstA(udp(at, "www.example.org", Type.A)));
            // Health checks mark the first down; then every query goes straight to the second.
            assertTrue(Polling.within(Duration.ofSeconds(5), () -> Fixtures.counter(kdns.metrics().prometheus(),
                    "coredns_proxy_healthcheck_failures", "to", one.hostPort()) >= 3), "three failed health checks");
            for (int i = 0; i < 10; i++) {
                assertEquals("192.0.2.2", Fixtures.firstA(udp(at, "www.example.org", Type.A)));
            }
            two.stop();
            Message down = udp(at, "www.example.org", Type.A);
            assertEquals(Rcode.SERVFAIL, down.getRcode(), "all upstreams down");
            one.restart();
            assertTrue(Polling.within(Duration.ofSeconds(10), () -> {
                try {
                    return "192.0.2.1".equals(Fixtures.firstA(udp(at, "www.example.org", Type.A)));
                } catch (Exception e) {
                    return false;
                }
            }), "the restarted upstream is used again");
        }
    }
}
