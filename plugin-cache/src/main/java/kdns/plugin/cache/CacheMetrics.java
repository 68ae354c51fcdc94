package kdns.plugin.cache;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import kdns.api.MetricsRegistry;
import kdns.api.Request;
import kdns.api.Transport;

/**
 * CoreDNS's cache metrics with its labels: {@code server} (the server, {@code dns://:53}),
 * {@code type} ({@code success} or {@code denial}), {@code zones} (the cache's zones joined by
 * commas) and {@code view} (always empty: kdns has no views). The data points of each listener are
 * looked up once and kept, so counting on the query path allocates nothing.
 */
final class CacheMetrics {

    static final String ENTRIES = "coredns_cache_entries";
    static final String REQUESTS = "coredns_cache_requests_total";
    static final String HITS = "coredns_cache_hits_total";
    static final String MISSES = "coredns_cache_misses_total";
    static final String PREFETCH = "coredns_cache_prefetch_total";
    static final String DROPS = "coredns_cache_drops_total";
    static final String SERVED_STALE = "coredns_cache_served_stale_total";
    static final String EVICTIONS = "coredns_cache_evictions_total";

    private final Gauge entries;
    private final Counter requests;
    private final Counter hits;
    private final Counter misses;
    private final Counter prefetch;
    private final Counter drops;
    private final Counter servedStale;
    private final Counter evictions;
    private final String zones;
    private final int defaultPort;
    @SuppressWarnings("unchecked")
    private final ConcurrentHashMap<Integer, Server>[] servers = new ConcurrentHashMap[3];
    /** The last server looked up: nearly always the one the next query arrived on. */
    private volatile Server last;

    CacheMetrics(MetricsRegistry registry, String zones, int defaultPort) {
        this.entries = registry.gauge(ENTRIES, "The number of elements in the cache.",
                "server", "type", "zones", "view");
        this.requests = registry.counter(REQUESTS, "The count of cache requests.", "server", "zones", "view");
        this.hits = registry.counter(HITS, "The count of cache hits.", "server", "type", "zones", "view");
        this.misses = registry.counter(MISSES,
                "The count of cache misses. Deprecated, derive misses from cache hits/requests counters.",
                "server", "zones", "view");
        this.prefetch = registry.counter(PREFETCH, "The number of times the cache has prefetched a cached item.",
                "server", "zones", "view");
        this.drops = registry.counter(DROPS,
                "The number responses that are not cached, because the reply is malformed.", "server", "zones", "view");
        this.servedStale = registry.counter(SERVED_STALE, "The number of requests served from stale cache entries.",
                "server", "zones", "view");
        this.evictions = registry.counter(EVICTIONS, "The count of cache evictions.", "server", "type", "zones", "view");
        this.zones = zones;
        this.defaultPort = defaultPort;
        for (int i = 0; i < servers.length; i++) {
            servers[i] = new ConcurrentHashMap<>();
        }
    }

    /**
     * The data points of the server that received {@code request}: {@code dns://:PORT}. CoreDNS
     * names a server by its listen address ({@code dns://127.0.0.1:53} with {@code bind}); the
     * plugin API does not tell a plugin the addresses its block listens on, and the local address
     * of a TCP connection to a wildcard listener is a specific one, so the host part is left out.
     */
    Server of(Request request) {
        InetSocketAddress local = request.localAddress();
        int port = local == null || local.getPort() == 0 ? defaultPort : local.getPort();
        Transport t = request.transport();
        int scheme = t == Transport.TLS ? 1 : t == Transport.GRPC ? 2 : 0;
        Server s = last;
        if (s != null && s.port == port && s.scheme == scheme) {
            return s;
        }
        s = servers[scheme].computeIfAbsent(port, p -> new Server(label(scheme, p), scheme, p));
        last = s;
        return s;
    }

    /** CoreDNS's server label of a wildcard listener: {@code dns://:53}. */
    static String label(int scheme, int port) {
        String prefix = switch (scheme) {
            case 1 -> "tls://";
            case 2 -> "grpc://";
            default -> "dns://";
        };
        return prefix + ":" + port;
    }

    /** The data points of one listener. */
    final class Server {
        final String label;
        final int scheme;
        final int port;
        final CounterDataPoint requests;
        final CounterDataPoint hitsSuccess;
        final CounterDataPoint hitsDenial;
        final CounterDataPoint misses;
        final CounterDataPoint prefetch;
        final CounterDataPoint drops;
        final CounterDataPoint servedStale;
        final CounterDataPoint evictionsSuccess;
        final CounterDataPoint evictionsDenial;
        final GaugeDataPoint entriesSuccess;
        final GaugeDataPoint entriesDenial;

        Server(String label, int scheme, int port) {
            this.label = label;
            this.scheme = scheme;
            this.port = port;
            String view = "";
            this.requests = CacheMetrics.this.requests.labelValues(label, zones, view);
            this.hitsSuccess = hits.labelValues(label, CachePlugin.SUCCESS, zones, view);
            this.hitsDenial = hits.labelValues(label, CachePlugin.DENIAL, zones, view);
            this.misses = CacheMetrics.this.misses.labelValues(label, zones, view);
            this.prefetch = CacheMetrics.this.prefetch.labelValues(label, zones, view);
            this.drops = CacheMetrics.this.drops.labelValues(label, zones, view);
            this.servedStale = CacheMetrics.this.servedStale.labelValues(label, zones, view);
            this.evictionsSuccess = evictions.labelValues(label, CachePlugin.SUCCESS, zones, view);
            this.evictionsDenial = evictions.labelValues(label, CachePlugin.DENIAL, zones, view);
            this.entriesSuccess = entries.labelValues(label, CachePlugin.SUCCESS, zones, view);
            this.entriesDenial = entries.labelValues(label, CachePlugin.DENIAL, zones, view);
        }
    }
}
