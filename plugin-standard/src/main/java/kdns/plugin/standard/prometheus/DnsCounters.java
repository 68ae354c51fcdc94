package kdns.plugin.standard.prometheus;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import kdns.api.MetricsRegistry;

/**
 * CoreDNS's per-request families ({@code coredns_dns_requests_total}, {@code _do_requests_total},
 * {@code _request_duration_seconds}, {@code _request_size_bytes}, {@code _response_size_bytes},
 * {@code _responses_total}) with its names, labels, buckets and help texts, written at scrape time
 * from the {@link ZoneCounts} of every server, zone and view. One per registry, so every block and
 * every reload counts into the same series. A series is written once it has counted something, as
 * the prometheus client's data points, made on first use, were.
 */
final class DnsCounters implements MultiCollector {

    private final ConcurrentHashMap<List<String>, ZoneCounts> zones = new ConcurrentHashMap<>();

    private DnsCounters() {
    }

    /**
     * The counters of {@code registry}, made and registered with it on first use: a block set up
     * again after a reload counts on into the same ones.
     */
    static DnsCounters of(MetricsRegistry registry) {
        return registry.collector(DnsMetrics.REQUESTS, DnsCounters.class, DnsCounters::new);
    }

    /** The counts of one server, zone and view, made on first use. */
    ZoneCounts zone(String server, String zone, String view) {
        return zones.computeIfAbsent(List.of(server, zone, view), k -> new ZoneCounts(server, zone, view));
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(prometheusName(DnsMetrics.REQUESTS), DnsMetrics.DURATION, DnsMetrics.REQUEST_SIZE,
                prometheusName(DnsMetrics.DO_REQUESTS), DnsMetrics.RESPONSE_SIZE,
                prometheusName(DnsMetrics.RESPONSES));
    }

    @Override
    public MetricSnapshots collect() {
        List<CounterDataPointSnapshot> requests = new ArrayList<>();
        List<CounterDataPointSnapshot> doRequests = new ArrayList<>();
        List<HistogramDataPointSnapshot> durations = new ArrayList<>();
        List<HistogramDataPointSnapshot> requestSizes = new ArrayList<>();
        List<HistogramDataPointSnapshot> responseSizes = new ArrayList<>();
        List<CounterDataPointSnapshot> responses = new ArrayList<>();
        for (ZoneCounts z : zones.values()) {
            ZoneCounts.Cell t = z.total();
            long[] c = t.counts;
            long created = z.createdMillis;
            for (int proto = 0; proto < 2; proto++) {
                for (int family = 0; family < 2; family++) {
                    for (int type = 0; type < ZoneCounts.TYPES; type++) {
                        long n = c[ZoneCounts.REQUESTS + (proto * 2 + family) * ZoneCounts.TYPES + type];
                        if (n > 0) {
                            requests.add(counter(n, z, created, "proto", ZoneCounts.PROTOS[proto],
                                    "family", ZoneCounts.FAMILIES[family], "type", QueryTypes.LABELS[type]));
                        }
                    }
                }
            }
            if (c[ZoneCounts.DO_REQUESTS] > 0) {
                doRequests.add(counter(c[ZoneCounts.DO_REQUESTS], z, created));
            }
            histogram(durations, z, created, ZoneCounts.TIME_BOUNDS, c, ZoneCounts.DURATION,
                    t.sums[ZoneCounts.DURATION_SUM]);
            for (int proto = 0; proto < 2; proto++) {
                histogram(requestSizes, z, created, ZoneCounts.SIZE_BOUNDS, c,
                        ZoneCounts.REQUEST_SIZE + proto * ZoneCounts.SIZE_BUCKETS,
                        t.sums[ZoneCounts.REQUEST_SIZE_SUM + proto], "proto", ZoneCounts.PROTOS[proto]);
                histogram(responseSizes, z, created, ZoneCounts.SIZE_BOUNDS, c,
                        ZoneCounts.RESPONSE_SIZE + proto * ZoneCounts.SIZE_BUCKETS,
                        t.sums[ZoneCounts.RESPONSE_SIZE_SUM + proto], "proto", ZoneCounts.PROTOS[proto]);
            }
            for (int p = 0; p < ZoneCounts.PLUGINS; p++) {
                String plugin = z.plugin(p);
                if (plugin == null) {
                    break;
                }
                for (int rcode = 0; rcode < ZoneCounts.RCODES; rcode++) {
                    long n = c[ZoneCounts.RESPONSES + p * ZoneCounts.RCODES + rcode];
                    if (n > 0) {
                        responses.add(counter(n, z, created, "rcode", RcodeNames.name(rcode), "plugin", plugin));
                    }
                }
            }
            for (Map.Entry<Map.Entry<String, Integer>, LongAdder> e : z.otherResponses().entrySet()) {
                responses.add(counter(e.getValue().sum(), z, created, "rcode", RcodeNames.name(e.getKey().getValue()),
                        "plugin", e.getKey().getKey()));
            }
        }
        return MetricSnapshots.of(
                new CounterSnapshot(new MetricMetadata(prometheusName(DnsMetrics.REQUESTS), DnsMetrics.REQUESTS_HELP),
                        requests),
                new HistogramSnapshot(new MetricMetadata(DnsMetrics.DURATION, DnsMetrics.DURATION_HELP), durations),
                new HistogramSnapshot(new MetricMetadata(DnsMetrics.REQUEST_SIZE, DnsMetrics.REQUEST_SIZE_HELP),
                        requestSizes),
                new CounterSnapshot(new MetricMetadata(prometheusName(DnsMetrics.DO_REQUESTS),
                        DnsMetrics.DO_REQUESTS_HELP), doRequests),
                new HistogramSnapshot(new MetricMetadata(DnsMetrics.RESPONSE_SIZE, DnsMetrics.RESPONSE_SIZE_HELP),
                        responseSizes),
                new CounterSnapshot(new MetricMetadata(prometheusName(DnsMetrics.RESPONSES),
                        DnsMetrics.RESPONSES_HELP), responses));
    }

    /** The prometheus client names a counter without {@code _total} and adds it when writing. */
    private static String prometheusName(String counter) {
        return counter.substring(0, counter.length() - "_total".length());
    }

    private static CounterDataPointSnapshot counter(long value, ZoneCounts z, long created, String... more) {
        return new CounterDataPointSnapshot(value, labels(z, more), null, created);
    }

    /** Adds the histogram at {@code from} in {@code counts} when it has counted something. */
    private static void histogram(List<HistogramDataPointSnapshot> out, ZoneCounts z, long created, double[] bounds,
                                  long[] counts, int from, double sum, String... more) {
        long[] buckets = Arrays.copyOfRange(counts, from, from + bounds.length + 1);
        long n = 0;
        for (long b : buckets) {
            n += b;
        }
        if (n == 0) {
            return;
        }
        double[] upper = Arrays.copyOf(bounds, bounds.length + 1);
        upper[bounds.length] = Double.POSITIVE_INFINITY;
        out.add(new HistogramDataPointSnapshot(ClassicHistogramBuckets.of(upper, buckets), sum, labels(z, more),
                Exemplars.EMPTY, created));
    }

    private static Labels labels(ZoneCounts z, String... more) {
        String[] kv = new String[6 + more.length];
        kv[0] = "server";
        kv[1] = z.server;
        kv[2] = "zone";
        kv[3] = z.zone;
        kv[4] = "view";
        kv[5] = z.view;
        System.arraycopy(more, 0, kv, 6, more.length);
        return Labels.of(kv);
    }
}
