package kdns.plugin.forward.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Map;
import java.util.HashMap;
import kdns.api.MetricsRegistry;
import org.junit.jupiter.api.Test;

/**
 * The legacy {@code coredns_forward_*} series worked out from the proxy histogram hold what the
 * series counted on every reply held: the same labels, counts, bucket counts and sums.
 */
class LegacyForwardSeriesTest {

    private static Histogram histogram(String name, String... labels) {
        return Histogram.builder().name(name).help("h").classicOnly()
                .classicUpperBounds(MetricsRegistry.timeBuckets()).withoutExemplars().labelNames(labels).build();
    }

    @Test
    void derivedSeriesHoldWhatCountingTwiceHeld() {
        Histogram proxy = histogram("coredns_proxy_request_duration_seconds", "proxy_name", "to", "rcode");
        // What the query path counted before: every reply a second time, under the legacy names.
        Histogram legacyDuration = histogram("legacy_duration", "to", "rcode");
        Counter legacyResponses = Counter.builder().name("legacy_responses").labelNames("rcode", "to").build();
        Counter legacyRequests = Counter.builder().name("legacy_requests").labelNames("to").build();
        Object[][] replies = {
            {"forward", "192.0.2.1:53", "NOERROR", 0.0001},
            {"forward", "192.0.2.1:53", "NOERROR", 0.003},
            {"forward", "192.0.2.1:53", "NXDOMAIN", 0.02},
            {"forward", "[2001:db8::1]:53", "SERVFAIL", 1.5},
            {"other", "192.0.2.1:53", "NOERROR", 0.7}, // a second proxy name adds to the same legacy series
            {"forward", "192.0.2.1:53", "NOERROR", 30.0},
        };
        for (Object[] r : replies) {
            String name = (String) r[0];
            String to = (String) r[1];
            String rcode = (String) r[2];
            double seconds = (Double) r[3];
            proxy.labelValues(name, to, rcode).observe(seconds);
            legacyDuration.labelValues(to, rcode).observe(seconds);
            legacyResponses.labelValues(rcode, to).inc();
            legacyRequests.labelValues(to).inc();
        }

        MetricSnapshots derived = new LegacyForwardSeries(proxy).collect();
        assertEquals(3, derived.size());
        HistogramSnapshot duration = (HistogramSnapshot) find(derived, LegacyForwardSeries.DURATION);
        Map<Labels, HistogramDataPointSnapshot> expected = new HashMap<>();
        for (HistogramDataPointSnapshot p : legacyDuration.collect().getDataPoints()) {
            expected.put(p.getLabels(), p);
        }
        assertEquals(expected.size(), duration.getDataPoints().size());
        for (HistogramDataPointSnapshot p : duration.getDataPoints()) {
            HistogramDataPointSnapshot e = expected.get(p.getLabels());
            assertTrue(e != null, "series " + p.getLabels());
            assertEquals(e.getCount(), p.getCount());
            assertEquals(e.getSum(), p.getSum(), 1e-12);
            assertEquals(e.getClassicBuckets().size(), p.getClassicBuckets().size());
            for (int i = 0; i < e.getClassicBuckets().size(); i++) {
                assertEquals(e.getClassicBuckets().getUpperBound(i), p.getClassicBuckets().getUpperBound(i));
                assertEquals(e.getClassicBuckets().getCount(i), p.getClassicBuckets().getCount(i));
            }
        }
        assertCounters(legacyResponses.collect(), (CounterSnapshot) find(derived, LegacyForwardSeries.RESPONSES));
        assertCounters(legacyRequests.collect(), (CounterSnapshot) find(derived, LegacyForwardSeries.REQUESTS));
        assertEquals(5.0, value((CounterSnapshot) find(derived, LegacyForwardSeries.REQUESTS),
                Labels.of("to", "192.0.2.1:53")));
    }

    @Test
    void noReplyNoSeries() {
        MetricSnapshots derived = new LegacyForwardSeries(histogram("p", "proxy_name", "to", "rcode")).collect();
        for (MetricSnapshot s : derived) {
            assertEquals(0, s.getDataPoints().size(), s.getMetadata().getName());
        }
    }

    private static void assertCounters(CounterSnapshot expected, CounterSnapshot actual) {
        assertEquals(expected.getDataPoints().size(), actual.getDataPoints().size());
        for (CounterDataPointSnapshot e : expected.getDataPoints()) {
            assertEquals(e.getValue(), value(actual, e.getLabels()), "series " + e.getLabels());
        }
    }

    private static double value(CounterSnapshot s, Labels labels) {
        for (CounterDataPointSnapshot p : s.getDataPoints()) {
            if (p.getLabels().equals(labels)) {
                return p.getValue();
            }
        }
        throw new AssertionError("no series " + labels + " in " + s.getMetadata().getName());
    }

    private static MetricSnapshot find(MetricSnapshots all, String name) {
        for (MetricSnapshot s : all) {
            if (s.getMetadata().getName().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no " + name);
    }
}
