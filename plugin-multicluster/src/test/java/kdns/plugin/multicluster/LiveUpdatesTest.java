package kdns.plugin.multicluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import kdns.testing.DnsClient;
import kdns.testing.InProcessServer;
import kdns.testing.kubernetes.FakeApiServer;
import kdns.testing.kubernetes.KubeObjects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A real kdns server with the multicluster plugin against the fake API server: ServiceImports and
 * the EndpointSlices of two source clusters are created, changed and deleted, and every change is
 * in DNS within a second; {@code noendpoints} and an unreachable API behave as specified.
 */
class LiveUpdatesTest {

    private static final String WEB = "web.db.svc.clusterset.local.";

    private static Message ask(InProcessServer dns, String name, int type) throws Exception {
        return DnsClient.udp(dns.address(), name, type);
    }

    private static Set<String> answers(Message m) {
        Set<String> out = new TreeSet<>();
        for (Record r : m.getSection(Section.ANSWER)) {
            out.add(r.rdataToString());
        }
        return out;
    }

    /** Polls (every 20 ms, at most 1 s) until the reply satisfies {@code want}; fails otherwise. */
    private static Message within1s(InProcessServer dns, String name, int type, Predicate<Message> want, String what)
            throws Exception {
        long deadline = System.nanoTime() + 1_000_000_000L;
        Message m;
        do {
            m = ask(dns, name, type);
            if (want.test(m)) {
                return m;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("not within 1 s: " + what + "\n" + m);
    }

    private static Predicate<Message> addresses(String... ips) {
        Set<String> want = new TreeSet<>(List.of(ips));
        return m -> m.getRcode() == Rcode.NOERROR && answers(m).equals(want);
    }

    private static Predicate<Message> rcode(int rcode) {
        return m -> m.getRcode() == rcode;
    }

    @Test
    void changesAreVisibleWithinASecond(@TempDir Path dir) throws Exception {
        try (FakeApiServer api = FakeApiServer.start()) {
            api.create(KubeObjects.namespace("db").build());
            try (InProcessServer dns = InProcessServer.start(".:0 {\n multicluster clusterset.local {\n kubeconfig "
                    + api.kubeconfig(dir) + "\n }\n}\n")) {
                assertEquals(Rcode.NXDOMAIN, ask(dns, WEB, Type.A).getRcode());

                api.create(KubeObjects.serviceImport("db", "web").type("Headless").port("http", "TCP", 80).build());
                // A headless import without endpoints is still a name error.
                assertEquals(Rcode.NXDOMAIN, ask(dns, WEB, Type.A).getRcode());

                api.create(KubeObjects.endpointSlice("db", "web-a").multiclusterService("web", "clustera")
                        .endpoint(KubeObjects.endpoint("10.1.0.10").hostname("web-0")).port("http", "TCP", 80).build());
                within1s(dns, WEB, Type.A, addresses("10.1.0.10"), "cluster A's slice");

                api.create(KubeObjects.endpointSlice("db", "web-b").multiclusterService("web", "clusterb")
                        .endpoint(KubeObjects.endpoint("10.2.0.10").hostname("web-0")).port("http", "TCP", 80).build());
                within1s(dns, WEB, Type.A, addresses("10.1.0.10", "10.2.0.10"), "cluster B's slice");
                within1s(dns, "web-0.clusterb.web.db.svc.clusterset.local.", Type.A, addresses("10.2.0.10"),
                        "cluster B's endpoint name");
                Message srv = within1s(dns, "_http._tcp." + WEB, Type.SRV, m -> answers(m).size() == 2, "SRV");
                assertTrue(answers(srv).contains("0 50 80 web-0.clustera.web.db.svc.clusterset.local."), srv.toString());

                api.update(KubeObjects.endpointSlice("db", "web-a").multiclusterService("web", "clustera")
                        .endpoint(KubeObjects.endpoint("10.1.0.10").hostname("web-0"))
                        .endpoint(KubeObjects.endpoint("10.1.0.11").hostname("web-1"))
                        .endpoint(KubeObjects.endpoint("10.1.0.12").hostname("web-2").ready(false))
                        .port("http", "TCP", 80).build());
                within1s(dns, WEB, Type.A, addresses("10.1.0.10", "10.1.0.11", "10.2.0.10"),
                        "cluster A's slice grew (the not-ready endpoint stays out)");

                api.update(KubeObjects.endpointSlice("db", "web-b").multiclusterService("web", "clusterb")
                        .endpoint(KubeObjects.endpoint("10.2.0.20").hostname("web-0")).port("http", "TCP", 80).build());
                within1s(dns, "web-0.clusterb.web.db.svc.clusterset.local.", Type.A, addresses("10.2.0.20"),
                        "cluster B's endpoint moved");

                api.delete("endpointslices", "db", "web-a");
                within1s(dns, WEB, Type.A, addresses("10.2.0.20"), "cluster A's slice deleted");
                within1s(dns, "web-1.clustera.web.db.svc.clusterset.local.", Type.A, rcode(Rcode.NXDOMAIN),
                        "cluster A's endpoint gone");

                api.update(KubeObjects.serviceImport("db", "web").type("ClusterSetIP").ips("10.96.0.7")
                        .port("http", "TCP", 80).build());
                within1s(dns, WEB, Type.A, addresses("10.96.0.7"), "import turned ClusterSetIP");

                api.delete("serviceimports", "db", "web");
                within1s(dns, WEB, Type.A, rcode(Rcode.NXDOMAIN), "import deleted");
            }
        }
    }

    @Test
    void noendpointsWatchesNoSlices(@TempDir Path dir) throws Exception {
        try (FakeApiServer api = FakeApiServer.start()) {
            api.create(KubeObjects.namespace("db").build());
            api.create(KubeObjects.serviceImport("db", "web").type("Headless").port("http", "TCP", 80).build());
            api.create(KubeObjects.serviceImport("db", "api").ips("10.96.50.1").port("http", "TCP", 80).build());
            api.create(KubeObjects.endpointSlice("db", "web-a").multiclusterService("web", "clustera")
                    .endpoint(KubeObjects.endpoint("10.1.0.10").hostname("web-0")).port("http", "TCP", 80).build());
            try (InProcessServer dns = InProcessServer.start(".:0 {\n multicluster clusterset.local {\n kubeconfig "
                    + api.kubeconfig(dir) + "\n noendpoints\n }\n}\n")) {
                assertEquals(Set.of("10.96.50.1"), answers(ask(dns, "api.db.svc.clusterset.local.", Type.A)));
                assertEquals(Rcode.NXDOMAIN, ask(dns, WEB, Type.A).getRcode());
                assertEquals(Rcode.NXDOMAIN, ask(dns, "web-0.clustera." + WEB, Type.A).getRcode());
                assertTrue(api.requests().stream().noneMatch(r -> r.contains("endpointslices")), api.requests().toString());
            }
        }
    }

    @Test
    void beforeSyncNameErrorsAreServfail(@TempDir Path dir) throws Exception {
        Path kc;
        try (FakeApiServer api = FakeApiServer.start()) {
            kc = api.kubeconfig(dir);
        }
        // Nothing listens on the API port: the informers never sync; the server starts after 5 s.
        try (InProcessServer dns = InProcessServer.start(".:0 {\n multicluster clusterset.local {\n kubeconfig "
                + kc + "\n }\n}\n")) {
            Message m = ask(dns, WEB, Type.A);
            assertEquals(Rcode.SERVFAIL, m.getRcode(), m.toString());
            assertTrue(m.getHeader().getFlag(Flags.AA));
            assertEquals(Type.SOA, m.getSection(Section.AUTHORITY).get(0).getType(), m.toString());
            Message nodata = ask(dns, "svc.clusterset.local.", Type.A);
            assertEquals(Rcode.NOERROR, nodata.getRcode(), nodata.toString());
            assertEquals(Set.of("\"1.1.0\""), answers(ask(dns, "dns-version.clusterset.local.", Type.TXT)));
        }
    }
}
