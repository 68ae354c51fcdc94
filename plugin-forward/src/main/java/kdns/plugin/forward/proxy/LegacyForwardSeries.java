package kdns.plugin.forward.proxy;

import io.prometheus.metrics.core.metrics.Histogram;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CoreDNS 1.10's {@code coredns_forward_*} series of replies (requests per upstream, responses and
 * the duration per upstream and rcode), worked out at scrape time from
 * {@code coredns_proxy_request_duration_seconds}, which counts every reply of every upstream once:
 * the same values as counting them a second time on each reply, without the query path doing so.
 * The proxy histogram's series of every {@code proxy_name} are added up by {@code to} and
 * {@code rcode}, as the legacy series, which have no {@code proxy_name}, counted them. A series
 * exists from the first reply that made its proxy series, as before.
 */
final class LegacyForwardSeries implements MultiCollector {

    static final String DURATION = "coredns_forward_request_duration_seconds";
    static final String RESPONSES = "coredns_forward_responses";
    static final String REQUESTS = "coredns_forward_requests";

    private final Histogram proxyDuration;

    LegacyForwardSeries(Histogram proxyDuration) {
        this.proxyDuration = proxyDuration;
    }

    /** One (to, rcode) series summed over proxy names. */
    private static final class Sum {
        final String to;
        final String rcode;
        final double[] bounds;
        final long[] counts;
        double sum;
        long created = Long.MAX_VALUE;

        Sum(String to, String rcode, ClassicHistogramBuckets buckets) {
            this.to = to;
            this.rcode = rcode;
            this.bounds = new double[buckets.size()];
            this.counts = new long[buckets.size()];
            for (int i = 0; i < bounds.length; i++) {
                bounds[i] = buckets.getUpperBound(i);
            }
        }

        void add(HistogramDataPointSnapshot p) {
            ClassicHistogramBuckets b = p.getClassicBuckets();
            for (int i = 0; i < counts.length; i++) {
                counts[i] += b.getCount(i);
            }
            sum += p.getSum();
            created = Math.min(created, createdOf(p.hasCreatedTimestamp(), p.getCreatedTimestampMillis()));
        }

        long count() {
            long n = 0;
            for (long c : counts) {
                n += c;
            }
            return n;
        }
    }

    @Override
    public MetricSnapshots collect() {
        Map<List<String>, Sum> byToAndRcode = new LinkedHashMap<>();
        for (HistogramDataPointSnapshot p : proxyDuration.collect().getDataPoints()) {
            String to = p.getLabels().get("to");
            String rcode = p.getLabels().get("rcode");
            byToAndRcode.computeIfAbsent(List.of(to, rcode), k -> new Sum(to, rcode, p.getClassicBuckets())).add(p);
        }
        List<HistogramDataPointSnapshot> durations = new ArrayList<>();
        List<CounterDataPointSnapshot> responses = new ArrayList<>();
        Map<String, long[]> requestsByTo = new LinkedHashMap<>(); // {count, created}
        for (Sum s : byToAndRcode.values()) {
            long created = s.created == Long.MAX_VALUE ? 0 : s.created;
            durations.add(new HistogramDataPointSnapshot(ClassicHistogramBuckets.of(s.bounds, s.counts), s.sum,
                    Labels.of("to", s.to, "rcode", s.rcode), Exemplars.EMPTY, created));
            long count = s.count();
            responses.add(new CounterDataPointSnapshot(count, Labels.of("rcode", s.rcode, "to", s.to), null, created));
            long[] r = requestsByTo.computeIfAbsent(s.to, k -> new long[] {0, Long.MAX_VALUE});
            r[0] += count;
            r[1] = Math.min(r[1], s.created);
        }
        List<CounterDataPointSnapshot> requests = new ArrayList<>();
        requestsByTo.forEach((to, r) -> requests.add(new CounterDataPointSnapshot(r[0], Labels.of("to", to), null,
                r[1] == Long.MAX_VALUE ? 0 : r[1])));
        return MetricSnapshots.of(
                new HistogramSnapshot(new MetricMetadata(DURATION, "Histogram of the time each request took."),
                        durations),
                new CounterSnapshot(new MetricMetadata(RESPONSES, "Counter of responses received per upstream."),
                        responses),
                new CounterSnapshot(new MetricMetadata(REQUESTS, "Counter of requests made per upstream."), requests));
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(DURATION, RESPONSES, REQUESTS);
    }

    private static long createdOf(boolean has, long millis) {
        return has ? millis : Long.MAX_VALUE;
    }
}
