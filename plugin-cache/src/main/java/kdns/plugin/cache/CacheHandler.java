package kdns.plugin.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Log;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transport;
import kdns.api.zones.ZoneNames;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;

/**
 * The cache in front of the rest of the chain (CoreDNS's {@code Cache.ServeDNS}). A hit is
 * answered inline from a copy of the stored reply with its TTLs counted down, in wire form when the
 * writer takes it ({@link Item#writeWire}); a miss passes the
 * query on with a {@link CachingWriter} that stores the reply whenever, and on whatever thread, it
 * is written. Prefetches and stale refreshes run the chain on the refresh executor with a writer
 * that only stores. Thread-safe: the two caches are Caffeine caches, items are immutable.
 */
final class CacheHandler implements Handler {

    private static final Log LOG = Log.forPlugin(CachePlugin.NAME);

    final Handler next;
    final CacheConfig config;
    final CacheMetrics metrics;
    final Ticker ticker;
    final Clock wallClock;
    private final Executor refresher;
    private final String[] zones;
    /** The success cache: NOERROR and delegations. */
    final Cache<Key, Item> success;
    /** The denial cache: NXDOMAIN, NODATA and SERVFAIL. */
    final Cache<Key, Item> denial;
    private final AtomicLong successEvictions = new AtomicLong();
    private final AtomicLong denialEvictions = new AtomicLong();

    CacheHandler(Handler next, CacheConfig config, CacheMetrics metrics, Ticker ticker, Clock wallClock,
                 Executor refresher) {
        this.next = next;
        this.config = config;
        this.metrics = metrics;
        this.ticker = ticker;
        this.wallClock = wallClock;
        this.refresher = refresher;
        this.zones = config.zones.toArray(new String[0]);
        this.success = build(CacheConfig.effectiveCapacity(config.successCapacity), successEvictions);
        this.denial = build(CacheConfig.effectiveCapacity(config.denialCapacity), denialEvictions);
    }

    private Cache<Key, Item> build(long capacity, AtomicLong evictions) {
        long staleSeconds = config.staleSeconds();
        return Caffeine.newBuilder()
                .maximumSize(capacity)
                // Maintenance (eviction, expiry) runs on the thread that stores, a few entries at a
                // time, instead of on the common fork-join pool.
                .executor(Runnable::run)
                .ticker(ticker::nanos)
                .expireAfter(new Expiry<Key, Item>() {
                    @Override
                    public long expireAfterCreate(Key key, Item value, long currentTime) {
                        return value.lifetimeNanos(staleSeconds);
                    }

                    @Override
                    public long expireAfterUpdate(Key key, Item value, long currentTime, long currentDuration) {
                        return value.lifetimeNanos(staleSeconds);
                    }

                    @Override
                    public long expireAfterRead(Key key, Item value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .evictionListener((Key k, Item v, RemovalCause cause) -> {
                    if (cause == RemovalCause.SIZE) {
                        evictions.incrementAndGet();
                    }
                })
                .build();
    }

    @Override
    public String name() {
        return CachePlugin.NAME;
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        String qname = request.name();
        if (!inZones(qname)) {
            return Handlers.nextOrFailure(name(), next, request, writer);
        }
        long now = ticker.nanos();
        CacheMetrics.Server sm = metrics.of(request);
        boolean dnssecOk = request.dnssecOk();
        boolean adRequested = request.flag(Flags.AD);
        Key key = new Key(qname, request.qtype(), request.qclass(), dnssecOk, request.checkingDisabled());

        Item item = lookup(now, key, sm);
        if (item == null) {
            CachingWriter cw = new CachingWriter(this, writer, request, key, sm, dnssecOk, adRequested, null, now);
            return Handlers.nextOrFailure(name(), next, request, cw);
        }
        long ttl = item.ttl(now);
        long replyTtl;
        if (ttl < 0) {
            if (config.verifyStale) {
                return verifyStale(request, writer, key, sm, item, dnssecOk, adRequested);
            }
            replyTtl = 0; // a stale item is served with TTL 0
            refresh(item, request, writer, key, sm, now);
            sm.servedStale.inc();
        } else {
            if (shouldPrefetch(item, now)) {
                refresh(item, request, writer, key, sm, now);
            }
            replyTtl = ttl;
        }
        if (config.keepTtl) {
            replyTtl = item.origTtl;
        }
        if (!item.writeWire(writer, request, replyTtl, dnssecOk, adRequested)) {
            writer.write(item.toMsg(request, replyTtl, dnssecOk, adRequested));
        }
        return Rcodes.NOERROR;
    }

    private boolean inZones(String qname) {
        for (String z : zones) {
            if (ZoneNames.isSubdomain(z, qname)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The item for {@code key} when it is fresh, or stale within the serve_stale window (CoreDNS's
     * {@code getIfNotStale}); counts the request and the hit or miss. A cached SERVFAIL does not
     * shadow a usable success entry.
     */
    private Item lookup(long now, Key key, CacheMetrics.Server sm) {
        sm.requests.inc();
        Item n = denial.getIfPresent(key);
        if (n != null && usable(n, now)) {
            if (n.type == CachedReplyType.SERVER_ERROR) {
                Item p = success.getIfPresent(key);
                if (p != null && usable(p, now)) {
                    sm.hitsSuccess.inc();
                    return p;
                }
            }
            sm.hitsDenial.inc();
            return n;
        }
        Item p = success.getIfPresent(key);
        if (p != null && usable(p, now)) {
            sm.hitsSuccess.inc();
            return p;
        }
        sm.misses.inc();
        return null;
    }

    private boolean usable(Item i, long now) {
        long ttl = i.ttl(now);
        return ttl > 0 || (config.staleNanos > 0 && -ttl < config.staleSeconds());
    }

    /** The item stored for {@code key}, whatever its age (CoreDNS's {@code exists}). */
    Item exists(Key key) {
        Item n = denial.getIfPresent(key);
        return n != null ? n : success.getIfPresent(key);
    }

    /** CoreDNS's {@code shouldPrefetch}: popular enough and less than PERCENTAGE of the TTL left. */
    private boolean shouldPrefetch(Item i, long now) {
        if (config.prefetchAmount <= 0) {
            return false;
        }
        i.freq.update(config.prefetchWindowNanos, now);
        long threshold = (long) Math.ceil(config.prefetchPercentage / 100.0 * i.origTtl);
        return i.freq.hits() >= config.prefetchAmount && i.ttl(now) <= threshold;
    }

    /**
     * Refreshes {@code item} in the background (a prefetch, or the refresh after serving it stale),
     * at most one refresh per item at a time. The chain runs on the refresh executor with a writer
     * that stores and never writes to the client; the reader thread does not wait.
     */
    private void refresh(Item item, Request request, ResponseWriter writer, Key key, CacheMetrics.Server sm,
                         long now) {
        if (!item.refreshing.compareAndSet(false, true)) {
            return;
        }
        // Like CoreDNS, refresh as if over TCP so nothing in the chain truncates the reply.
        Request bg = !request.transport().stream()
                ? new Request(request.message(), Transport.TCP, request.remoteAddress(), request.localAddress(),
                        request.serverZone())
                : request;
        CachingWriter pw = new CachingWriter(this, writer, bg, key, sm, request.dnssecOk(), false, item, now);
        try {
            refresher.execute(() -> {
                sm.prefetch.inc();
                int rc;
                try {
                    rc = Handlers.nextOrFailure(name(), next, bg, pw);
                } catch (HandlerException | RuntimeException e) {
                    LOG.debug("refresh of " + key.name() + " failed: " + e.getMessage());
                    rc = Rcodes.SERVFAIL;
                }
                if (rc != DEFERRED && !pw.written()) {
                    item.refreshing.set(false); // nothing came back: a later hit may try again
                }
            });
        } catch (RuntimeException e) {
            item.refreshing.set(false);
            LOG.debug("refresh of " + key.name() + " not started: " + e);
        }
    }

    /**
     * {@code serve_stale ... verify}: asks the rest of the chain first and serves the stale item only
     * when it fails (SERVFAIL or any reply but NOERROR and NXDOMAIN, an exception, nothing written).
     * A deferred answer is decided when it is written.
     */
    private int verifyStale(Request request, ResponseWriter writer, Key key, CacheMetrics.Server sm, Item item,
                            boolean dnssecOk, boolean adRequested) {
        CachingWriter cw = new CachingWriter(this, writer, request, key, sm, dnssecOk, adRequested, null,
                ticker.nanos());
        VerifyStaleWriter vw = new VerifyStaleWriter(cw, () -> {
            writer.write(item.toMsg(request, config.keepTtl ? item.origTtl : 0, dnssecOk, adRequested));
            sm.servedStale.inc();
        });
        int rc;
        try {
            rc = Handlers.nextOrFailure(name(), next, request, vw);
        } catch (HandlerException | RuntimeException e) {
            LOG.debug("verifying stale " + key.name() + " failed: " + e.getMessage());
            rc = Rcodes.SERVFAIL;
        }
        if (rc == DEFERRED) {
            return DEFERRED;
        }
        if (vw.serveStaleIfUndecided()) {
            return Rcodes.NOERROR;
        }
        return vw.refreshed() ? (Rcodes.clientWrote(rc) ? rc : Rcodes.NOERROR) : Rcodes.NOERROR;
    }

    /**
     * Stores a reply (CoreDNS's {@code ResponseWriter.set}) unless its zone is in a {@code disable}
     * list, and updates the entries gauges and eviction counters.
     */
    void store(Key key, Message reply, CachedReplyType type, long durationNanos, long now, boolean prefetch,
               CacheMetrics.Server sm) {
        switch (type) {
            case NO_ERROR, DELEGATION -> {
                if (excepted(config.successExcept, key.name())) {
                    return;
                }
                success.put(key, new Item(reply, type, durationNanos, now));
                if (prefetch) {
                    denial.invalidate(key);
                }
            }
            case NAME_ERROR, NO_DATA, SERVER_ERROR -> {
                if (excepted(config.denialExcept, key.name())) {
                    return;
                }
                denial.put(key, new Item(reply, type, durationNanos, now));
            }
            default -> {
                return;
            }
        }
        long e = successEvictions.getAndSet(0);
        if (e > 0) {
            sm.evictionsSuccess.inc(e);
        }
        e = denialEvictions.getAndSet(0);
        if (e > 0) {
            sm.evictionsDenial.inc(e);
        }
        sm.entriesSuccess.set(success.estimatedSize());
        sm.entriesDenial.set(denial.estimatedSize());
    }

    private static boolean excepted(List<String> zones, String name) {
        return !zones.isEmpty() && ZoneNames.longestMatch(zones, name) != null;
    }
}
