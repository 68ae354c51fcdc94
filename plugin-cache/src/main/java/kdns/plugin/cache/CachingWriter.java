package kdns.plugin.cache;

import kdns.api.ForwardingResponseWriter;
import kdns.api.HandlerException;
import kdns.api.Log;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The writer the rest of the chain answers through on a miss, a prefetch or a stale refresh
 * (CoreDNS's {@code cache.ResponseWriter}). It stores the reply when it is written, on whatever
 * thread that happens, then (unless it refreshes in the background) sets every TTL of the reply
 * to the cached duration and passes it on.
 */
final class CachingWriter extends ForwardingResponseWriter {

    private static final long SECOND = 1_000_000_000L;
    private static final Log LOG = Log.forPlugin(CachePlugin.NAME);

    private final CacheHandler cache;
    private final Request request;
    private final Key key;
    private final CacheMetrics.Server sm;
    private final boolean dnssecOk;
    private final boolean adRequested;
    /** The item being refreshed; null when the reply goes to the client. */
    private final Item refreshing;
    private final long started;
    private volatile boolean written;
    /** Set when the plugin reported that it failed: what it writes next is its error reply. */
    private volatile boolean failed;

    CachingWriter(CacheHandler cache, ResponseWriter delegate, Request request, Key key, CacheMetrics.Server sm,
                  boolean dnssecOk, boolean adRequested, Item refreshing, long started) {
        super(delegate);
        this.cache = cache;
        this.request = request;
        this.key = key;
        this.sm = sm;
        this.dnssecOk = dnssecOk;
        this.adRequested = adRequested;
        this.refreshing = refreshing;
        this.started = started;
    }

    /** True once a reply came through. */
    boolean written() {
        return written;
    }

    /**
     * A deferred failure (forward giving up on every upstream): the error reply that follows is not
     * stored, since CoreDNS's forward writes nothing when it fails and the server answers SERVFAIL
     * outside the cache. A background refresh answers no client, so its failure is not passed on.
     */
    @Override
    public void reportError(HandlerException error) {
        failed = true;
        if (refreshing == null) {
            delegate.reportError(error);
        }
    }

    @Override
    public void write(Message res) {
        written = true;
        if (failed) {
            if (refreshing != null) {
                refreshing.refreshing.set(false); // a later hit may try again
            } else {
                delegate.write(res);
            }
            return;
        }
        boolean passOn;
        try {
            passOn = storeAndPrepare(res);
        } catch (RuntimeException e) {
            // A reply the cache cannot handle still reaches the client, unchanged.
            LOG.warning("not caching the reply for " + key.name() + ": " + e);
            passOn = refreshing == null;
            if (refreshing != null) {
                refreshing.refreshing.set(false);
            }
        }
        if (passOn) {
            delegate.write(res);
        }
    }

    /** Stores the reply; returns true when it goes on to the client (then with its TTLs capped). */
    private boolean storeAndPrepare(Message res) {
        CacheConfig config = cache.config;
        long now = cache.ticker.nanos();
        CachedReplyType type = CachedReplyType.typify(res, cache.wallClock.instant());
        boolean hasKey = !CachedReplyType.truncated(res) && type.cacheable();
        long duration = switch (type) {
            case NAME_ERROR, NO_DATA -> SECOND * clamp(CachedReplyType.minimalTtl(res, type), config.denialMinTtl,
                    config.denialTtl);
            case SERVER_ERROR -> config.servfailNanos;
            default -> SECOND * clamp(CachedReplyType.minimalTtl(res, type), config.successMinTtl, config.successTtl);
        };
        boolean prefetch = refreshing != null;
        if (hasKey && duration > 0) {
            if (matches(res)) {
                cache.store(key, res, type, duration, now, prefetch, sm);
            } else {
                sm.drops.inc();
            }
        }
        if (prefetch) {
            // CoreDNS loses an item's popularity with the item: carry it over to the new one.
            Item fresh = cache.exists(key);
            if (fresh != null && fresh != refreshing) {
                fresh.freq.reset(started, refreshing.freq.hits());
            }
            refreshing.refreshing.set(false);
            return false;
        }
        // The capped TTL for this reply too, so clients do not see 1799 and then 8.
        Records.setTtls(res, duration / SECOND);
        if (!dnssecOk && !adRequested) {
            // No DNSSEC asked for: it cannot be authenticated data (but keep AD when the client set
            // it, RFC 6840 5.7-5.8).
            res.getHeader().unsetFlag(Flags.AD);
        }
        return true;
    }

    /**
     * True when the reply answers the request's question (CoreDNS's {@code request.Match}). A reply
     * without a question is accepted: the server's writer puts the client's question in.
     */
    private boolean matches(Message res) {
        Record[] q = res.getSectionArray(Section.QUESTION);
        if (q.length == 0) {
            return true;
        }
        return q.length == 1 && q[0].getType() == request.qtype() && q[0].getName().equals(request.qname());
    }

    private static long clamp(long ttl, long min, long max) {
        if (ttl < min) {
            ttl = min;
        }
        if (ttl > max) {
            ttl = max;
        }
        return ttl;
    }
}
