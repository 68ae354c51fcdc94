package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import kdns.testing.DnsClient;
import kdns.testing.kubernetes.FakeApiServer;
import kdns.testing.kubernetes.KubeObjects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The API server restarts under a cluster of 10,000 Services (each with an EndpointSlice; one in
 * ten headless): every watch is cut, and the restarted server's watch cache starts afresh, so
 * resuming from the old resource version gets 410 Gone. While it is away Services are deleted,
 * added and their endpoints changed. kdns answers from what it knew all along (queries at a fixed
 * rate, every one answered), lists again, and then answers exactly what the API server holds:
 * deleted Services are NXDOMAIN (CoreDNS once kept them), new ones answer, changed ones answer the
 * new endpoints.
 */
class ApiServerRestartE2ETest {

    private static final int SERVICES = 10_000;
    private static final String NS = "shop";
    private static final String ZONE = NS + ".svc.cluster.local.";
    private static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    /** Cluster IPs 10.100.0.1 ... , 250 to a /24. */
    private static String clusterIp(int net, int i) {
        return "10." + net + "." + (i / 250) + "." + (1 + i % 250);
    }

    private static boolean headless(int i) {
        return i % 10 == 0;
    }

    private static void service(FakeApiServer api, String name, int i, int net) {
        KubeObjects.ServiceBuilder b = KubeObjects.service(NS, name).port("http", "TCP", 80);
        api.apply((headless(i) ? b.headless() : b.clusterIP(clusterIp(net, i))).build());
    }

    private static void slice(FakeApiServer api, String service, String address) {
        api.apply(KubeObjects.endpointSlice(NS, service + "-1").service(service)
                .endpoint(KubeObjects.endpoint(address)).port("http", "TCP", 80).build());
    }

    /**
     * What each Service name must answer according to the API server's objects: its cluster IP, or
     * for a headless one the addresses of its EndpointSlices' ready endpoints.
     */
    private static Map<String, Set<String>> expected(FakeApiServer api) {
        Map<String, Set<String>> endpoints = new HashMap<>();
        for (ObjectNode s : api.list("endpointslices")) {
            String svc = s.at("/metadata/labels").path(SERVICE_NAME_LABEL).asText();
            for (JsonNode e : s.path("endpoints")) {
                if (e.at("/conditions/ready").asBoolean(true)) {
                    e.path("addresses").forEach(a -> endpoints.computeIfAbsent(svc, k -> new TreeSet<>()).add(a.asText()));
                }
            }
        }
        Map<String, Set<String>> out = new TreeMap<>();
        for (ObjectNode s : api.list("services")) {
            String name = s.at("/metadata/name").asText();
            String ip = s.at("/spec/clusterIP").asText();
            out.put(name + "." + ZONE, ip.equals("None") ? endpoints.getOrDefault(name, Set.of()) : Set.of(ip));
        }
        return out;
    }

    /** The A addresses of a reply, or null for NXDOMAIN; other rcodes throw. */
    private static Set<String> addresses(Message m) {
        if (m.getRcode() == Rcode.NXDOMAIN) {
            return null;
        }
        if (m.getRcode() != Rcode.NOERROR) {
            throw new IllegalStateException("rcode " + Rcode.string(m.getRcode()));
        }
        Set<String> out = new TreeSet<>();
        for (Record r : m.getSection(Section.ANSWER)) {
            if (r.getType() == Type.A) {
                out.add(r.rdataToString());
            }
        }
        return out;
    }

    /**
     * Asks kdns for every name (four at a time) and returns the names whose answer differs from
     * {@code want} (null: NXDOMAIN wanted), with what came back.
     */
    private static List<String> mismatches(InetSocketAddress server, Map<String, Set<String>> want,
            Collection<String> gone) throws Exception {
        List<String> names = new ArrayList<>(want.keySet());
        names.addAll(gone);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> parts = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int part = t;
                parts.add(pool.submit(() -> {
                    List<String> bad = new ArrayList<>();
                    for (int i = part; i < names.size(); i += 4) {
                        String n = names.get(i);
                        Set<String> got;
                        try {
                            got = addresses(DnsClient.udp(server, n, Type.A));
                        } catch (IOException | RuntimeException e) {
                            bad.add(n + " " + e.getMessage());
                            continue;
                        }
                        Set<String> w = want.get(n);
                        if (w == null ? got != null : !w.equals(got)) {
                            bad.add(n + " answered " + (got == null ? "NXDOMAIN" : got) + ", not "
                                    + (w == null ? "NXDOMAIN" : w));
                        }
                    }
                    return bad;
                }));
            }
            List<String> all = new ArrayList<>();
            for (Future<List<String>> f : parts) {
                all.addAll(f.get(5, TimeUnit.MINUTES));
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    private static int lists(FakeApiServer api, String path) {
        return api.countRequests(path, false) + api.countStreamingLists(path);
    }

    /** Listing again by a streaming list (today's API servers) and by paged LISTs (servers that refuse those). */
    @ParameterizedTest
    @EnumSource(value = FakeApiServer.WatchListSupport.class, names = {"SUPPORTED", "REJECTED"})
    void restartAt10000ServicesLeavesKdnsExactlyRight(FakeApiServer.WatchListSupport watchList, @TempDir Path dir)
            throws Exception {
        try (FakeApiServer api = FakeApiServer.start()) {
            api.setWatchList(watchList);
            api.create(KubeObjects.namespace(NS).build());
            for (int i = 0; i < SERVICES; i++) {
                service(api, "s" + i, i, 100);
                slice(api, "s" + i, clusterIp(200, i));
            }
            Path kc = api.kubeconfig(dir);
            int port = KdnsProcess.freePort();
            String corefile = ".:" + port + " {\n    kubernetes cluster.local {\n        kubeconfig " + kc
                    + "\n    }\n}\n";
            try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
                InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
                Map<String, Set<String>> before = expected(api);
                long syncDeadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                List<String> bad = mismatches(server, before, List.of());
                while (!bad.isEmpty() && System.nanoTime() < syncDeadline) {
                    Thread.sleep(500);
                    bad = mismatches(server, before, List.of());
                }
                assertEquals(List.of(), bad.subList(0, Math.min(20, bad.size())), "synced before the restart");
                int servicesListed = lists(api, "/api/v1/services");
                int slicesListed = lists(api, "/apis/discovery.k8s.io/v1/endpointslices");

                // Queries during the restart: Services the restart leaves alone (ClusterIP, i % 20 == 1).
                List<String> steady = new ArrayList<>();
                for (int i = 1; i < SERVICES; i += 20) {
                    steady.add("s" + i + "." + ZONE);
                }
                try (FixedRateQueries load = FixedRateQueries.start(200, i -> {
                    String n = steady.get(i % steady.size());
                    Set<String> want = before.get(n);
                    return new FixedRateQueries.Probe(n, Type.A, m -> {
                        Set<String> got = addresses(m);
                        return want.equals(got) ? null : "answered " + (got == null ? "NXDOMAIN" : got) + ", not " + want;
                    });
                }, Nameservers.of(Duration.ofSeconds(3), server))) {
                    load.awaitSent(load.tally(), 200, Duration.ofSeconds(30));
                    FixedRateQueries.Tally atRestart = load.tally();
                    long restartAt = System.nanoTime();
                    api.stop();
                    // While it is away: 1,000 Services deleted (half of them headless), 500 added
                    // (a hundred headless), the endpoints of 500 headless ones moved.
                    List<String> gone = new ArrayList<>();
                    for (int i = 0; i < SERVICES; i++) {
                        if (i % 20 == 7 || i % 20 == 10) {
                            api.delete("services", NS, "s" + i);
                            api.delete("endpointslices", NS, "s" + i + "-1");
                            gone.add("s" + i + "." + ZONE);
                        } else if (i % 20 == 0) {
                            slice(api, "s" + i, clusterIp(201, i));
                        }
                    }
                    for (int i = 0; i < 500; i++) {
                        service(api, "n" + i, i * 2, 101); // every fifth one (i * 2 % 10 == 0) headless
                        slice(api, "n" + i, clusterIp(202, i));
                    }
                    // Down long enough for the watches to fail to reconnect a few times.
                    load.awaitSent(atRestart, 200, Duration.ofSeconds(30));
                    api.restartWithNewWatchCache();
                    long backAt = System.nanoTime();

                    Map<String, Set<String>> after = expected(api);
                    Map<String, Set<String>> changed = new TreeMap<>();
                    after.forEach((n, w) -> {
                        if (!w.equals(before.get(n))) {
                            changed.put(n, w);
                        }
                    });
                    assertEquals(1000, changed.size(), "500 added, 500 moved");
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    bad = mismatches(server, changed, gone);
                    while (!bad.isEmpty() && System.nanoTime() < deadline) {
                        Thread.sleep(100);
                        bad = mismatches(server, changed, gone);
                    }
                    long matchedAt = System.nanoTime();
                    long downMillis = TimeUnit.NANOSECONDS.toMillis(backAt - restartAt);
                    long matchedAfterMillis = TimeUnit.NANOSECONDS.toMillis(matchedAt - backAt);
                    FixedRateQueries.Tally duringRestart = load.tally().minus(atRestart);
                    assertEquals(List.of(), bad.subList(0, Math.min(20, bad.size())),
                            "the changes made while the API server was away are answered");
                    List<String> full = mismatches(server, after, gone);
                    FixedRateQueries.Tally end = load.stop();
                    System.out.printf("API server restart at %d Services (streaming lists %s): down %d ms, kdns matched it %d ms after it"
                            + " was back; queries from the stop to matching: %s; then %d names checked (%d of"
                            + " them NXDOMAIN); all queries: %s%n", SERVICES, watchList, downMillis, matchedAfterMillis,
                            duringRestart, after.size() + gone.size(), gone.size(), end);
                    assertEquals(List.of(), full.subList(0, Math.min(20, full.size())),
                            "every Service answers as the API server has it, every deleted one is NXDOMAIN");
                    assertEquals(List.of(), end.problems(), "every query during the restart answered from memory");
                    assertEquals(end.sent(), end.answered(), end.toString());
                    assertTrue(lists(api, "/api/v1/services") > servicesListed,
                            "Services listed again after 410 Gone");
                    assertTrue(lists(api, "/apis/discovery.k8s.io/v1/endpointslices") > slicesListed,
                            "EndpointSlices listed again after 410 Gone");
                }
            }
        }
    }
}
