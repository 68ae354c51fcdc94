package kdns.plugin.kubernetes.watch;

import io.prometheus.metrics.core.metrics.Counter;
import kdns.api.MetricsRegistry;

/**
 * What kdns asks of the API server, by resource, for an operator who wants to see the load it
 * puts there: full LISTs (however many pages), WATCH requests (a streaming list is one: a watch
 * with {@code sendInitialEvents=true}), the events the watches delivered (a streaming list's
 * objects are ADDED events) and why watches ended. kdns's own names ({@code kdns_} prefix):
 * CoreDNS has no such metrics.
 */
public final class ApiMetrics {

    /** Why a watch ended. */
    enum End {
        /** The server closed it cleanly ({@code timeoutSeconds} expired, or the server shut it). */
        CLOSED("closed"),
        /** The connection broke (no clean end of the stream) or could not be made. */
        LOST("lost"),
        /** The server refused the watch (an HTTP error) or sent an ERROR event other than 410. */
        ERROR("error"),
        /** 410 Gone / too old resource version: the informer lists (or streams the list) again. */
        EXPIRED("expired"),
        /**
         * A streaming list the server refused (400/422) or ignored (a watch without the initial
         * events' end): the informer lists in pages instead, from then on.
         */
        UNSUPPORTED("unsupported");

        final String label;

        End(String label) {
            this.label = label;
        }
    }

    private final Counter lists;
    private final Counter watches;
    private final Counter events;
    private final Counter ends;

    ApiMetrics(MetricsRegistry metrics) {
        this.lists = metrics.counter("kdns_kubernetes_api_list_total",
                "Full LISTs of a resource sent to the Kubernetes API server (a paged list counts once;"
                        + " none where the server streams lists).", "resource");
        this.watches = metrics.counter("kdns_kubernetes_api_watch_total",
                "WATCH requests of a resource sent to the Kubernetes API server (the first and every restart;"
                        + " a streaming list is a watch).", "resource");
        this.events = metrics.counter("kdns_kubernetes_api_watch_events_total",
                "Watch events received from the Kubernetes API server, by resource and event type.", "resource",
                "type");
        this.ends = metrics.counter("kdns_kubernetes_api_watch_ends_total",
                "Watches of a resource that ended, by reason (closed, lost, error, expired, unsupported).",
                "resource", "reason");
    }

    /**
     * Shows the resource's LIST and WATCH counters at 0 before its first request, so a scrape has
     * {@code kdns_kubernetes_api_list_total} for a resource whose lists are streamed (never listed).
     */
    void register(String resource) {
        lists.labelValues(resource);
        watches.labelValues(resource);
    }

    void listed(String resource) {
        lists.labelValues(resource).inc();
    }

    void watchStarted(String resource) {
        watches.labelValues(resource).inc();
    }

    void event(String resource, String type) {
        events.labelValues(resource, type).inc();
    }

    void ended(String resource, End why) {
        ends.labelValues(resource, why.label).inc();
    }
}
