package kdns.plugin.standard.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.Collectors;
import kdns.api.MetricsRegistry;
import kdns.host.metrics.PrometheusMetrics;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/**
 * The counters write exactly what the prometheus client's counters and histograms wrote for the
 * same queries (names, help, labels, buckets, values), whichever thread reports.
 */
class DnsCountersTest {

    /** One query as the handler reports it. */
    private record Query(int proto, int family, int qtype, boolean dnssecOk, double seconds, int requestSize,
                         int responseSize, int rcode, String plugin) {
    }

    private static final List<Query> QUERIES = List.of(
            new Query(0, 0, Type.A, false, 0.0001, 40, 60, 0, "kubernetes"),
            new Query(0, 0, Type.A, false, 0.0003, 40, 120, 3, "kubernetes"),
            new Query(0, 1, Type.AAAA, true, 0.002, 1232, 511, 0, "kubernetes"),
            new Query(1, 0, Type.SRV, false, 0.9, 65535, 4096, 2, "forward"),
            new Query(1, 1, Type.NAPTR, true, 12.5, 512, 70000, 0, "forward"),
            new Query(0, 0, Type.MX, false, 0.00025, 0, 0, 5, ""),
            new Query(0, 0, Type.TXT, false, 0.0005, 300, 300, 30, "errors"), // an rcode past the named ones
            new Query(0, 1, Type.A, false, 1e-9, 100, 100, 0, "kubernetes"));

    @Test
    void writesWhatThePrometheusClientWrote() {
        MetricsRegistry mine = new PrometheusMetrics();
        ZoneCounts z = DnsCounters.of(mine).zone("dns://:53", "cluster.local.", "");
        MetricsRegistry reference = new PrometheusMetrics();
        Reference ref = new Reference(reference);
        for (Query q : QUERIES) {
            record(z, q);
            ref.record("dns://:53", "cluster.local.", "", q);
        }
        assertEquals(families(Scrape.text(reference)), families(Scrape.text(mine)));
    }

    @Test
    void countsFromEveryKindOfThreadAddUp() throws Exception {
        MetricsRegistry mine = new PrometheusMetrics();
        ZoneCounts z = DnsCounters.of(mine).zone("dns://:53", ".", "");
        MetricsRegistry reference = new PrometheusMetrics();
        Reference ref = new Reference(reference);
        // Durations of powers of two, so the sums are exact in whichever order the cells add them.
        List<Query> queries = QUERIES.stream().map(q -> new Query(q.proto(), q.family(), q.qtype(), q.dnssecOk(),
                Math.scalb(1.0, Math.getExponent(q.seconds())), q.requestSize(), q.responseSize(), q.rcode(),
                q.plugin())).toList();
        // More live platform threads than slots (the last ones share the atomic cell), virtual threads,
        // and platform threads that start after others ended (they take over the ended ones' slots).
        int threads = ZoneCounts.SLOTS + 3;
        CyclicBarrier allCounted = new CyclicBarrier(threads);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            started.add(Thread.ofPlatform().start(() -> {
                queries.forEach(q -> record(z, q));
                try {
                    allCounted.await();
                } catch (InterruptedException | BrokenBarrierException e) {
                    throw new IllegalStateException(e);
                }
            }));
            started.add(Thread.ofVirtual().start(() -> queries.forEach(q -> record(z, q))));
        }
        for (Thread t : started) {
            t.join();
        }
        for (int t = 0; t < 3; t++) {
            Thread later = Thread.ofPlatform().start(() -> queries.forEach(q -> record(z, q)));
            later.join();
        }
        queries.forEach(q -> record(z, q));
        for (int i = 0; i < 2 * threads + 3 + 1; i++) {
            queries.forEach(q -> ref.record("dns://:53", ".", "", q));
        }
        assertEquals(families(Scrape.text(reference)), families(Scrape.text(mine)));
    }

    @Test
    void aRegistryHasOneSetOfCounters() {
        MetricsRegistry r = new PrometheusMetrics();
        assertSame(DnsCounters.of(r), DnsCounters.of(r));
        assertSame(DnsCounters.of(r).zone("s", "z", ""), DnsCounters.of(r).zone("s", "z", ""));
    }

    private static void record(ZoneCounts z, Query q) {
        z.record(q.proto(), q.family(), QueryTypes.index(q.qtype()), q.dnssecOk(), q.seconds(), q.requestSize(),
                q.responseSize(), q.rcode(), q.plugin());
    }

    /** The coredns_dns_ lines of a scrape, sorted (families and series may come in another order). */
    private static String families(String text) {
        return Arrays.stream(text.split("\n")).filter(l -> l.contains("coredns_dns_")).sorted()
                .collect(Collectors.joining("\n"));
    }

    /** The families as the prometheus client counted them before (DnsMetrics and Series of s15). */
    private static final class Reference {
        final Counter requests;
        final Histogram duration;
        final Histogram requestSize;
        final Counter doRequests;
        final Histogram responseSize;
        final Counter responses;

        Reference(MetricsRegistry r) {
            requests = r.counter(DnsMetrics.REQUESTS, DnsMetrics.REQUESTS_HELP,
                    "server", "zone", "view", "proto", "family", "type");
            duration = r.histogram(DnsMetrics.DURATION, DnsMetrics.DURATION_HELP,
                    MetricsRegistry.timeBuckets(), "server", "zone", "view");
            requestSize = r.histogram(DnsMetrics.REQUEST_SIZE, DnsMetrics.REQUEST_SIZE_HELP,
                    DnsMetrics.SIZE_BUCKETS, "server", "zone", "view", "proto");
            doRequests = r.counter(DnsMetrics.DO_REQUESTS, DnsMetrics.DO_REQUESTS_HELP, "server", "zone", "view");
            responseSize = r.histogram(DnsMetrics.RESPONSE_SIZE, DnsMetrics.RESPONSE_SIZE_HELP,
                    DnsMetrics.SIZE_BUCKETS, "server", "zone", "view", "proto");
            responses = r.counter(DnsMetrics.RESPONSES, DnsMetrics.RESPONSES_HELP,
                    "server", "zone", "view", "rcode", "plugin");
        }

        void record(String server, String zone, String view, Query q) {
            String proto = ZoneCounts.PROTOS[q.proto()];
            if (q.dnssecOk()) {
                doRequests.labelValues(server, zone, view).inc();
            }
            requests.labelValues(server, zone, view, proto, ZoneCounts.FAMILIES[q.family()],
                    QueryTypes.label(q.qtype())).inc();
            duration.labelValues(server, zone, view).observe(q.seconds());
            responseSize.labelValues(server, zone, view, proto).observe(q.responseSize());
            requestSize.labelValues(server, zone, view, proto).observe(q.requestSize());
            responses.labelValues(server, zone, view, RcodeNames.name(q.rcode()), q.plugin()).inc();
        }
    }
}
