package kdns.plugin.forward;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import kdns.api.Handler;
import kdns.testing.TestController;
import org.xbill.DNS.Message;

/** Helpers shared by the forward tests. */
final class Fixtures {

    private Fixtures() {
    }

    /** Sets up {@code text} through the test controller and builds its first handler. */
    static Handler handler(TestController c, Handler next) throws Exception {
        new ForwardPlugin().setup(c);
        return c.handler(next);
    }

    /** A counter's value (name without {@code _total}) for these label pairs, 0 when absent. */
    static double counter(PrometheusRegistry r, String name, String... labels) {
        for (MetricSnapshot s : r.scrape()) {
            if (s instanceof CounterSnapshot c && s.getMetadata().getPrometheusName().equals(name)) {
                for (CounterSnapshot.CounterDataPointSnapshot d : c.getDataPoints()) {
                    if (has(d, labels)) {
                        return d.getValue();
                    }
                }
            }
        }
        return 0;
    }

    /** A histogram's observation count for these label pairs, 0 when absent. */
    static long histogramCount(PrometheusRegistry r, String name, String... labels) {
        for (MetricSnapshot s : r.scrape()) {
            if (s instanceof HistogramSnapshot h && s.getMetadata().getPrometheusName().equals(name)) {
                long n = 0;
                for (HistogramSnapshot.HistogramDataPointSnapshot d : h.getDataPoints()) {
                    if (has(d, labels)) {
                        n += d.getCount();
                    }
                }
                return n;
            }
        }
        return 0;
    }

    private static boolean has(DataPointSnapshot d, String... labels) {
        Labels l = d.getLabels();
        for (int i = 0; i < labels.length; i += 2) {
            if (!labels[i + 1].equals(l.get(labels[i]))) {
                return false;
            }
        }
        return true;
    }

    /** Waits (bounded) until {@code cond} holds; returns whether it did. */
    static String firstA(Message m) {
        for (org.xbill.DNS.Record r : m.getSection(org.xbill.DNS.Section.ANSWER)) {
            if (r instanceof org.xbill.DNS.ARecord a) {
                return a.getAddress().getHostAddress();
            }
        }
        return null;
    }
}
