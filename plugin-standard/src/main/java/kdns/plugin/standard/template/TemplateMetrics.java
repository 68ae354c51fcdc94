package kdns.plugin.standard.template;

import io.prometheus.metrics.core.metrics.Counter;
import kdns.api.MetricsRegistry;

/** CoreDNS's template metrics, with its names and labels ({@code view}: the view of the block that served the query). */
final class TemplateMetrics {

    final Counter matches;
    final Counter templateFailures;
    final Counter rrFailures;

    TemplateMetrics(MetricsRegistry registry) {
        matches = registry.counter("coredns_template_matches_total", "Counter of template regex matches.",
                "server", "zone", "view", "class", "type");
        templateFailures = registry.counter("coredns_template_template_failures_total",
                "Counter of go template failures.", "server", "zone", "view", "class", "type", "section", "template");
        rrFailures = registry.counter("coredns_template_rr_failures_total", "Counter of mis-templated RRs.",
                "server", "zone", "view", "class", "type", "section", "template");
    }
}
