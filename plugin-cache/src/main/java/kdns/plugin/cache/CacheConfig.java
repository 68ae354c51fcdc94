package kdns.plugin.cache;

import java.util.List;

/**
 * What {@code cache} was configured with, CoreDNS's defaults filled in. TTLs are whole seconds as
 * in the Corefile; durations are nanoseconds. Built once by setup, read-only afterwards.
 */
final class CacheConfig {

    /** CoreDNS's {@code dnsutil.MaximumDefaulTTL}. */
    static final long MAX_TTL = 3600;
    /** CoreDNS's {@code dnsutil.MinimalDefaultTTL}. */
    static final long MIN_TTL = 5;
    /** CoreDNS's default capacity before sharding ({@code defaultCap}). */
    static final long DEFAULT_CAPACITY = 10000;
    /** CoreDNS's shard count: capacities are rounded down to a multiple of it. */
    static final long SHARDS = 256;
    /** CoreDNS's smallest shard size: capacities are at least 4 * 256 = 1024. */
    static final long MIN_SHARD_SIZE = 4;

    List<String> zones = List.of(".");

    long successCapacity = DEFAULT_CAPACITY;
    long successTtl = MAX_TTL;
    long successMinTtl = MIN_TTL;

    long denialCapacity = DEFAULT_CAPACITY;
    long denialTtl = MAX_TTL / 2;
    long denialMinTtl = MIN_TTL;

    /** How long SERVFAIL (and NOTIMP) replies are cached; 0 disables it. */
    long servfailNanos = MIN_TTL * 1_000_000_000L;

    /** Hits within {@link #prefetchWindowNanos} that make an item popular; 0 disables prefetch. */
    int prefetchAmount;
    long prefetchWindowNanos = 60_000_000_000L;
    int prefetchPercentage = 10;

    /** How long after expiry an item may still be served; 0 disables serve_stale. */
    long staleNanos;
    /** {@code serve_stale ... verify}: ask the next plugin first, serve stale only when it fails. */
    boolean verifyStale;

    /** Zones whose success (NOERROR, delegation) replies are never stored. */
    List<String> successExcept = List.of();
    /** Zones whose denial (NXDOMAIN, NODATA, SERVFAIL) replies are never stored. */
    List<String> denialExcept = List.of();

    /** Answer hits with the TTL the item was stored with instead of counting it down. */
    boolean keepTtl;

    /**
     * The number of entries a cache of this configured capacity holds: like CoreDNS's sharded cache,
     * rounded down to a multiple of 256 and at least 1024 (the default 10000 gives 9984).
     */
    static long effectiveCapacity(long configured) {
        return Math.max(MIN_SHARD_SIZE, configured / SHARDS) * SHARDS;
    }

    /** Whole seconds of the serve_stale window, as CoreDNS compares them. */
    long staleSeconds() {
        return staleNanos / 1_000_000_000L;
    }
}
