package kdns.plugin.cache;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import kdns.api.MetricsRegistry;
import kdns.api.Request;
import kdns.api.Transport;
import kdns.api.text.IpLiterals;

/**
 * CoreDNS's cache metrics with its labels: {@code server} (the listener: {@code dns://:53}, or
 * {@code dns://127.0.0.1:53} for a block restricted with {@code bind}),
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
    /** The block's {@code bind} addresses; empty when it listens on every address. */
    private final List<String> hosts;
    /** The data points of each listener, by label. */
    private final ConcurrentHashMap<String, Server> servers = new ConcurrentHashMap<>();
    /** The last server looked up: nearly always the one the next query arrived on. */
    private volatile Server last;

    /**
     * @param hosts the addresses {@code bind} gave the block ({@code Controller.listenHosts()});
     *              empty for every address
     */
    CacheMetrics(MetricsRegistry registry, String zones, int defaultPort, List<String> hosts) {
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
        this.hosts = List.copyOf(hosts);
    }

    /**
     * The data points of the server that received {@code request}, named as CoreDNS names its
     * servers: {@code dns://:PORT} for a block listening on every address, {@code dns://IP:PORT}
     * for one restricted with {@code bind} (the bound address the query arrived on).
     */
    Server of(Request request) {
        InetSocketAddress local = request.localAddress();
        int port = local == null || local.getPort() == 0 ? defaultPort : local.getPort();
        Transport t = request.transport();
        int scheme = t == Transport.TLS ? 1 : t == Transport.GRPC ? 2 : t == Transport.HTTPS ? 3 : 0;
        InetAddress ip = local == null ? null : local.getAddress();
        Server s = last;
        if (s != null && s.port == port && s.scheme == scheme && (hosts.size() < 2 || Objects.equals(s.ip, ip))) {
            return s;
        }
        String label = label(scheme, host(ip), port);
        s = servers.computeIfAbsent(label, l -> new Server(l, scheme, port, ip));
        last = s;
        return s;
    }

    /** The host part of the label for a query that arrived on {@code ip}. */
    private String host(InetAddress ip) {
        if (hosts.isEmpty()) {
            return "";
        }
        if (hosts.size() == 1 || ip == null || ip.isAnyLocalAddress()) {
            return hosts.get(0);
        }
        String text = IpLiterals.format(ip.getAddress());
        for (String h : hosts) {
            if (h.equals(text) || h.startsWith(text + "%")) {
                return h;
            }
        }
        return text;
    }

    /** CoreDNS's server label of a wildcard listener: {@code dns://:53}. */
    static String label(int scheme, int port) {
        return label(scheme, "", port);
    }

    /** CoreDNS's server label: the scheme and Go's {@code net.JoinHostPort(host, port)}. */
    static String label(int scheme, String host, int port) {
        String prefix = switch (scheme) {
            case 1 -> "tls://";
            case 2 -> "grpc://";
            case 3 -> "https://";
            default -> "dns://";
        };
        if (host.indexOf(':') >= 0) {
            return prefix + "[" + host + "]:" + port;
        }
        return prefix + host + ":" + port;
    }

    /** The data points of one listener. */
    final class Server {
        final String label;
        final int scheme;
        final int port;
        /** The local address of the first query counted here (told apart only with several bind addresses). */
        final InetAddress ip;
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

        Server(String label, int scheme, int port, InetAddress ip) {
            this.label = label;
            this.scheme = scheme;
            this.port = port;
            this.ip = ip;
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
