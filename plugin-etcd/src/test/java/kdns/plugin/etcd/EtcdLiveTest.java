package kdns.plugin.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.function.Predicate;
import kdns.testing.DnsClient;
import kdns.testing.InProcessServer;
import kdns.testing.cases.CaseCheck;
import kdns.testing.etcd.EtcdServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The plugin against a real etcd while both run: changes, deletes and lease expiry reach the
 * answers within a second; etcd stopped and restarted while kdns keeps answering; ExternalDNS's
 * records for a Service and an Ingress; out-of-zone targets through the rest of the chain.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(90)
class EtcdLiveTest {

    private EtcdServer etcd;

    @BeforeAll
    void start() throws Exception {
        etcd = EtcdServer.start();
    }

    @AfterAll
    void stop() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @BeforeEach
    void clean() throws Exception {
        if (!etcd.running()) {
            etcd.restart();
        }
        etcd.deleteAll();
    }

    private InProcessServer server(String zone, String extra) throws Exception {
        InProcessServer s = InProcessServer.start(".:0 {\n    etcd " + zone + " {\n        endpoint " + etcd.endpoint()
                + "\n        path /skydns\n    }\n" + extra + "}\n");
        await(s, "probe-not-there." + zone, Type.A, m -> m.getRcode() == Rcode.NXDOMAIN, 15_000);
        return s;
    }

    private static Message await(InProcessServer s, String name, int type, Predicate<Message> ok, long ms)
            throws Exception {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        Message last = null;
        while (System.nanoTime() < deadline) {
            last = DnsClient.udp(s.address(), name, type);
            if (ok.test(last)) {
                return last;
            }
            Thread.sleep(20);
        }
        fail(name + " " + Type.string(type) + " did not reach the expected state within " + ms + " ms; last:\n" + last);
        return last;
    }

    private static boolean hasA(Message m, String ip) {
        return m.getSection(Section.ANSWER).stream().anyMatch(r -> r.getType() == Type.A && r.rdataToString().equals(ip));
    }

    private static long ttlOf(Message m) {
        return m.getSection(Section.ANSWER).get(0).getTTL();
    }

    @Test
    void putChangeDeleteAndLeaseExpiryAreServedWithinASecond() throws Exception {
        try (InProcessServer s = server("example.test.", "")) {
            etcd.put("/skydns/test/example/www", "{\"host\":\"10.0.0.1\"}");
            await(s, "www.example.test.", Type.A, m -> hasA(m, "10.0.0.1"), 1000);
            etcd.put("/skydns/test/example/www", "{\"host\":\"10.0.0.2\",\"ttl\":42}");
            Message m = await(s, "www.example.test.", Type.A, x -> hasA(x, "10.0.0.2"), 1000);
            assertEquals(1, m.getSection(Section.ANSWER).size());
            assertEquals(42, ttlOf(m));
            etcd.delete("/skydns/test/example/www");
            await(s, "www.example.test.", Type.A, x -> x.getRcode() == Rcode.NXDOMAIN, 1000);

            long lease = etcd.grantLease(2);
            etcd.put("/skydns/test/example/leased", "{\"host\":\"10.0.0.3\"}", lease);
            m = await(s, "leased.example.test.", Type.A, x -> hasA(x, "10.0.0.3"), 1000);
            assertEquals(30, ttlOf(m), "a 2 s lease is clamped up to min-lease-ttl");
            // etcd revokes the lease after ~2 s and deletes the key: the watch sees the delete
            await(s, "leased.example.test.", Type.A, x -> x.getRcode() == Rcode.NXDOMAIN, 4000);
        }
    }

    @Test
    void leaseTtlCountsDownAndIsClampedToMax() throws Exception {
        try (InProcessServer s = InProcessServer.start(".:0 {\n    etcd example.test. {\n        endpoint "
                + etcd.endpoint() + "\n        min-lease-ttl 5\n        max-lease-ttl 100\n    }\n}\n")) {
            long small = etcd.grantLease(60);
            long big = etcd.grantLease(3600);
            etcd.put("/skydns/test/example/a", "{\"host\":\"10.1.0.1\"}", small);
            etcd.put("/skydns/test/example/b", "{\"host\":\"10.1.0.2\"}", big);
            // a put with a new lease is applied once the lease's remaining time is known: the first answer has it
            Message a = await(s, "a.example.test.", Type.A, x -> hasA(x, "10.1.0.1"), 2000);
            assertTrue(ttlOf(a) >= 55 && ttlOf(a) <= 60, "remaining lease time, got " + ttlOf(a));
            Thread.sleep(2100);
            long later = ttlOf(DnsClient.udp(s.address(), "a.example.test.", Type.A));
            assertTrue(later <= ttlOf(a) - 1 && later >= ttlOf(a) - 4, "counts down: " + ttlOf(a) + " then " + later);
            Message b = await(s, "b.example.test.", Type.A, x -> hasA(x, "10.1.0.2"), 2000);
            assertEquals(100, ttlOf(b));
        }
    }

    @Test
    void keepsAnsweringWhileEtcdIsDownAndCatchesUpAfterRestart() throws Exception {
        try (InProcessServer s = server("example.test.", "")) {
            etcd.put("/skydns/test/example/www", "{\"host\":\"10.0.0.1\"}");
            await(s, "www.example.test.", Type.A, m -> hasA(m, "10.0.0.1"), 1000);
            etcd.stop();
            for (int i = 0; i < 10; i++) {
                Message m = DnsClient.udp(s.address(), "www.example.test.", Type.A);
                assertTrue(hasA(m, "10.0.0.1"), "last known data while etcd is down:\n" + m);
                assertEquals(Rcode.NXDOMAIN, DnsClient.udp(s.address(), "nope.example.test.", Type.A).getRcode());
                Thread.sleep(100);
            }
            etcd.restart();
            etcd.put("/skydns/test/example/www", "{\"host\":\"10.0.0.9\"}");
            etcd.put("/skydns/test/example/new", "{\"host\":\"10.0.0.10\"}");
            await(s, "www.example.test.", Type.A, m -> hasA(m, "10.0.0.9") && m.getSection(Section.ANSWER).size() == 1,
                    10_000);
            await(s, "new.example.test.", Type.A, m -> hasA(m, "10.0.0.10"), 1000);
        }
    }

    @Test
    void notReadyUntilFirstLoadAndNameErrorsAreServfail() throws Exception {
        etcd.put("/skydns/test/example/www", "{\"host\":\"10.0.0.1\"}");
        etcd.stop();
        try (InProcessServer s = InProcessServer.start(".:0 {\n    etcd example.test. {\n        endpoint "
                + etcd.endpoint() + "\n    }\n}\n")) {
            Thread.sleep(300);
            Message m = DnsClient.udp(s.address(), "www.example.test.", Type.A);
            assertEquals(Rcode.SERVFAIL, m.getRcode(), "before the first load:\n" + m);
            etcd.restart();
            await(s, "www.example.test.", Type.A, x -> hasA(x, "10.0.0.1"), 10_000);
            assertEquals(Rcode.NXDOMAIN, DnsClient.udp(s.address(), "nope.example.test.", Type.A).getRcode());
        }
    }

    @Test
    void readinessFollowsTheFirstLoad() throws Exception {
        etcd.stop();
        kdns.testing.TestController c = kdns.testing.TestController.of("etcd example.test. {\n endpoint "
                + etcd.endpoint() + "\n}\n");
        new EtcdPlugin().setup(c);
        kdns.api.Readiness h = (kdns.api.Readiness) c.handler(null);
        try {
            assertTrue(!h.ready(), "not ready before startup");
            c.runStartup();
            Thread.sleep(500);
            assertTrue(!h.ready(), "not ready while etcd is down");
            etcd.restart();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!h.ready() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(h.ready(), "ready after the first load");
            etcd.stop();
            Thread.sleep(300);
            assertTrue(h.ready(), "stays ready when etcd goes away");
        } finally {
            c.runShutdown();
        }
    }

    @Test
    void compactionKeepsTheWatchAndTheData() throws Exception {
        try (InProcessServer s = server("example.test.", "")) {
            for (int i = 0; i < 20; i++) {
                etcd.put("/skydns/test/example/www", "{\"host\":\"10.0.0." + (i + 1) + "\"}");
            }
            await(s, "www.example.test.", Type.A, m -> hasA(m, "10.0.0.20"), 1000);
            etcd.compact();
            etcd.put("/skydns/test/example/after", "{\"host\":\"10.0.0.99\"}");
            await(s, "after.example.test.", Type.A, m -> hasA(m, "10.0.0.99"), 1000);
            assertTrue(hasA(DnsClient.udp(s.address(), "www.example.test.", Type.A), "10.0.0.20"));
        }
    }

    /** ExternalDNS's coredns provider for Service default/nginx and Ingress default/nginx on nginx.k8s.local. */
    @Test
    void externalDnsServiceAndIngressOnNginxK8sLocal() throws Exception {
        try (InProcessServer s = server("k8s.local.", "")) {
            String owner = "\"heritage=external-dns,external-dns/owner=default,external-dns/resource=service/default/nginx\"";
            // the Service (LoadBalancer 192.168.1.240) wins the name: one key per target, random last label
            etcd.put("/skydns/local/k8s/nginx/3e1f5a7b", "{\"host\":\"192.168.1.240\",\"targetstrip\":1}");
            etcd.put("/skydns/local/k8s/a-nginx/0c9d2e4f",
                    "{\"text\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(owner) + ",\"targetstrip\":1}");
            // the watch delivers changes in order: once the last put is served, both are
            await(s, "a-nginx.k8s.local.", Type.TXT, m -> !m.getSection(Section.ANSWER).isEmpty(), 1000);
            Message a = await(s, "nginx.k8s.local.", Type.A, m -> hasA(m, "192.168.1.240"), 1000);
            check(a, "NOERROR", List.of("nginx.k8s.local. 300 IN A 192.168.1.240"), List.of(), List.of());
            check(DnsClient.udp(s.address(), "a-nginx.k8s.local.", Type.TXT), "NOERROR",
                    List.of("a-nginx.k8s.local. 300 IN TXT \"\\\"heritage=external-dns,external-dns/owner=default,"
                            + "external-dns/resource=service/default/nginx\\\"\""), List.of(), List.of());
            check(DnsClient.udp(s.address(), "nginx.k8s.local.", Type.SRV), "NOERROR",
                    List.of("nginx.k8s.local. 300 IN SRV 10 100 0 nginx.k8s.local."), List.of(),
                    List.of("nginx.k8s.local. 300 IN A 192.168.1.240"));

            // later the Ingress owns it with two LB IPs (ExternalDNS writes the new keys, deletes the old one)
            etcd.put("/skydns/local/k8s/nginx/6b8a1c3d", "{\"host\":\"192.168.1.241\",\"targetstrip\":1}");
            etcd.put("/skydns/local/k8s/nginx/12ab34cd", "{\"host\":\"192.168.1.242\",\"targetstrip\":1}");
            etcd.delete("/skydns/local/k8s/nginx/3e1f5a7b");
            etcd.put("/skydns/local/k8s/a-nginx/0c9d2e4f", "{\"text\":" + com.fasterxml.jackson.databind.node.TextNode
                    .valueOf(owner.replace("service/", "ingress/")) + ",\"targetstrip\":1}");
            a = await(s, "nginx.k8s.local.", Type.A, m -> !hasA(m, "192.168.1.240") && hasA(m, "192.168.1.242"), 1000);
            check(a, "NOERROR", List.of("nginx.k8s.local. 300 IN A 192.168.1.241", "nginx.k8s.local. 300 IN A 192.168.1.242"),
                    List.of(), List.of());
            check(DnsClient.udp(s.address(), "nginx.k8s.local.", Type.SRV), "NOERROR",
                    List.of("nginx.k8s.local. 300 IN SRV 10 50 0 nginx.k8s.local."), List.of(),
                    List.of("nginx.k8s.local. 300 IN A 192.168.1.241", "nginx.k8s.local. 300 IN A 192.168.1.242"));

            // deletes are prefix deletes of the record's keys
            etcd.deletePrefix("/skydns/local/k8s/nginx/");
            etcd.deletePrefix("/skydns/local/k8s/a-nginx/");
            await(s, "a-nginx.k8s.local.", Type.TXT, m -> m.getRcode() == Rcode.NXDOMAIN, 1000);
            assertEquals(Rcode.NXDOMAIN, DnsClient.udp(s.address(), "nginx.k8s.local.", Type.A).getRcode());
        }
    }

    @Test
    void outOfZoneCnameTargetsGoThroughTheRestOfTheChain() throws Exception {
        for (String mode : List.of("", "deferred ")) {
            try (InProcessServer s = server("skydns.test.", "    stubnext " + mode + "dev.server1. mx.example.net.\n")) {
                etcd.put("/skydns/test/skydns/region1/dev/server1/a", "{\"host\":\"dev.server1\",\"port\":8080}");
                etcd.put("/skydns/test/skydns/mail/a", "{\"host\":\"mx.example.net\",\"mail\":true}");
                etcd.put("/skydns/test/skydns/gone/a", "{\"host\":\"nowhere.example.net\"}");
                // the watch delivers the puts in order: once the last one is served, all are
                await(s, "a.gone.skydns.test.", Type.A, x -> !x.getSection(Section.ANSWER).isEmpty(), 1000);
                Message m = await(s, "a.server1.dev.region1.skydns.test.", Type.A,
                        x -> !x.getSection(Section.ANSWER).isEmpty(), 1000);
                check(m, "NOERROR", List.of("a.server1.dev.region1.skydns.test. 300 IN CNAME dev.server1.",
                        "dev.server1. 60 IN A 192.0.2.53"), List.of(), List.of());
                assertEquals(Type.CNAME, m.getSection(Section.ANSWER).get(0).getType(), mode + "CNAME first");
                check(DnsClient.udp(s.address(), "a.server1.dev.region1.skydns.test.", Type.SRV), "NOERROR",
                        List.of("a.server1.dev.region1.skydns.test. 300 IN SRV 10 100 8080 dev.server1."), List.of(),
                        List.of("dev.server1. 60 IN A 192.0.2.53", "dev.server1. 60 IN AAAA 2001:db8::53"));
                check(DnsClient.udp(s.address(), "mail.skydns.test.", Type.MX), "NOERROR",
                        List.of("mail.skydns.test. 300 IN MX 10 mx.example.net."), List.of(),
                        List.of("mx.example.net. 60 IN A 192.0.2.53", "mx.example.net. 60 IN AAAA 2001:db8::53"));
                // the next plugin answers SERVFAIL for this target: CoreDNS still adds the CNAME
                check(DnsClient.udp(s.address(), "a.gone.skydns.test.", Type.A), "NOERROR",
                        List.of("a.gone.skydns.test. 300 IN CNAME nowhere.example.net."), List.of(), List.of());
                // not in the zones: straight to the next plugin
                Message next = DnsClient.udp(s.address(), "dev.server1.", Type.A);
                assertTrue(EtcdCasesTest.isMarker(next), next.toString());
                etcd.deleteAll();
            }
        }
    }

    private String etcdBlock(String zone) {
        return zone + ":0 {\n    etcd " + zone + " {\n        endpoint " + etcd.endpoint()
                + "\n        path /skydns\n    }\n}\n";
    }

    /** CoreDNS's upstream lookup re-enters the whole server: another server block answers the target. */
    @Test
    void outOfZoneTargetsAreAnsweredByOtherServerBlocks() throws Exception {
        for (String mode : List.of("", "deferred ")) {
            String corefile = etcdBlock("skydns.test.")
                    + "example.net.:0 {\n    stubnext " + mode + "mx.example.net. www.example.net.\n}\n";
            try (InProcessServer s = InProcessServer.start(corefile)) {
                await(s, "probe-not-there.skydns.test.", Type.A, m -> m.getRcode() == Rcode.NXDOMAIN, 15_000);
                etcd.put("/skydns/test/skydns/mail/a", "{\"host\":\"mx.example.net\",\"mail\":true}");
                etcd.put("/skydns/test/skydns/web/a", "{\"host\":\"www.example.net\"}");
                etcd.put("/skydns/test/skydns/gone/a", "{\"host\":\"nowhere.example.org\"}");
                // the watch delivers the puts in order: once the last one is served, all are
                await(s, "gone.skydns.test.", Type.A, x -> !x.getSection(Section.ANSWER).isEmpty(), 1000);
                Message m = await(s, "web.skydns.test.", Type.A, x -> !x.getSection(Section.ANSWER).isEmpty(), 1000);
                check(m, "NOERROR", List.of("web.skydns.test. 300 IN CNAME www.example.net.",
                        "www.example.net. 60 IN A 192.0.2.53"), List.of(), List.of());
                check(DnsClient.udp(s.address(), "mail.skydns.test.", Type.MX), "NOERROR",
                        List.of("mail.skydns.test. 300 IN MX 10 mx.example.net."), List.of(),
                        List.of("mx.example.net. 60 IN A 192.0.2.53", "mx.example.net. 60 IN AAAA 2001:db8::53"));
                // no block serves the target (REFUSED): the CNAME alone, as CoreDNS answers
                check(DnsClient.udp(s.address(), "gone.skydns.test.", Type.A), "NOERROR",
                        List.of("gone.skydns.test. 300 IN CNAME nowhere.example.org."), List.of(), List.of());
                etcd.deleteAll();
            }
        }
    }

    /** Targets that point two zones at each other re-enter the server a bounded number of times. */
    @Test
    void targetLoopsAcrossServerBlocksEnd() throws Exception {
        try (InProcessServer s = InProcessServer.start(etcdBlock("one.") + etcdBlock("two."))) {
            await(s, "probe-not-there.one.", Type.A, m -> m.getRcode() == Rcode.NXDOMAIN, 15_000);
            // put in this order, so both are served once x.one is
            etcd.put("/skydns/two/y/a", "{\"host\":\"x.one\"}");
            etcd.put("/skydns/one/x/a", "{\"host\":\"y.two\"}");
            Message m = await(s, "x.one.", Type.A, x -> !x.getSection(Section.ANSWER).isEmpty(), 2000);
            assertEquals(Rcode.NOERROR, m.getRcode(), m.toString());
            List<org.xbill.DNS.Record> answer = m.getSection(Section.ANSWER);
            org.xbill.DNS.CNAMERecord first = (org.xbill.DNS.CNAMERecord) answer.get(0);
            assertEquals("x.one. y.two.", first.getName() + " " + first.getTarget());
            assertTrue(answer.stream().allMatch(r -> r.getType() == Type.CNAME), m.toString());
            // one CNAME per lookup through the server, and no more than the bound allows
            assertTrue(answer.size() >= 2 && answer.size() <= EtcdHandler.MAX_REENTRIES + 1, m.toString());
            // the server still answers
            assertEquals(Rcode.NXDOMAIN, DnsClient.udp(s.address(), "nothing.two.", Type.A).getRcode());
        }
    }

    private static void check(Message reply, String rcode, List<String> answer, List<String> ns, List<String> extra) {
        List<String> diffs = CaseCheck.differences(reply, new CaseCheck.Expected(rcode, answer, ns, extra));
        assertTrue(diffs.isEmpty(), String.join("\n", diffs) + "\n" + reply);
    }

}
