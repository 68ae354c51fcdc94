package kdns.host.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PrometheusMetricsTest {

    /** A collector with nothing to say, told apart by identity. */
    private static final class Quiet implements MultiCollector {
        @Override
        public MetricSnapshots collect() {
            return MetricSnapshots.of();
        }

        @Override
        public List<String> getPrometheusNames() {
            return List.of("kdns_test_quiet");
        }
    }

    private static final class Other implements MultiCollector {
        @Override
        public MetricSnapshots collect() {
            return MetricSnapshots.of();
        }
    }

    @Test
    void aCollectorIsMadeOnceAndHandedBackForItsKey() {
        PrometheusMetrics metrics = new PrometheusMetrics();
        AtomicInteger made = new AtomicInteger();
        Quiet first = metrics.collector("quiet", Quiet.class, () -> {
            made.incrementAndGet();
            return new Quiet();
        });
        Quiet again = metrics.collector("quiet", Quiet.class, () -> {
            made.incrementAndGet();
            return new Quiet();
        });
        metrics.collector("quiet", Quiet::new);
        assertSame(first, again);
        assertEquals(1, made.get());
    }

    @Test
    void aKeyHeldByAnotherKindOfCollectorIsAnError() {
        PrometheusMetrics metrics = new PrometheusMetrics();
        metrics.collector("shared", Other::new);
        assertThrows(ClassCastException.class, () -> metrics.collector("shared", Quiet.class, Quiet::new));
    }

    @Test
    void anInfoMetricIsMadeOnceAndHandedBackByName() {
        PrometheusMetrics metrics = new PrometheusMetrics();
        Info first = metrics.info("coredns_build_info", "Build.", "version");
        Info again = metrics.info("coredns_build_info", "Build.", "version");
        assertSame(first, again);
        again.setLabelValues("1.2.3");
        InfoSnapshot info = (InfoSnapshot) metrics.prometheus().scrape().stream()
                .filter(m -> m.getMetadata().getPrometheusName().equals("coredns_build")).findFirst().orElseThrow();
        assertEquals(1, info.getDataPoints().size());
        assertEquals("1.2.3", info.getDataPoints().get(0).getLabels().get("version"));
    }

    @Test
    void aNameHeldByAnotherKindOfMetricIsAnError() {
        PrometheusMetrics metrics = new PrometheusMetrics();
        metrics.gauge("coredns_test_version", "A gauge.", "a");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> metrics.info("coredns_test_version", "An info.", "a"));
        assertTrue(e.getMessage().contains("already registered as a gauge"), e.getMessage());
    }
}
