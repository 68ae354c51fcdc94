package kdns.plugin.cache;

import java.util.List;
import kdns.api.ForwardingResponseWriter;
import kdns.api.HandlerException;
import kdns.api.Log;
import kdns.api.Rcodes;
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
    /** The flight this miss leads, landed once the reply is written; null when it leads none. */
    private final Flight flight;
    private volatile boolean written;
    /** Set when the plugin reported that it failed: what it writes next is its error reply. */
    private volatile boolean failed;
    private volatile HandlerException failure;

    CachingWriter(CacheHandler cache, ResponseWriter delegate, Request request, Key key, CacheMetrics.Server sm,
                  boolean dnssecOk, boolean adRequested, Item refreshing, long started, Flight flight) {
        super(delegate);
        this.cache = cache;
        this.request = request;
        this.key = key;
        this.sm = sm;
        this.dnssecOk = dnssecOk;
        this.adRequested = adRequested;
        this.refreshing = refreshing;
        this.started = started;
        this.flight = flight;
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
        failure = error;
        failed = true;
        if (refreshing == null) {
            delegate.reportError(error);
        }
    }

    /** A zone transfer is passed on whole and not stored; the flight's waiters ask the chain themselves. */
    @Override
    public void writeStream(List<Message> messages) {
        written = true;
        List<Flight.Waiter> waiters = flight == null ? List.of() : cache.detach(flight, key);
        try {
            delegate.writeStream(messages);
        } finally {
            cache.answer(waiters, key, null, -1);
        }
    }

    @Override
    public void write(Message res) {
        written = true;
        boolean failedReply = failed;
        boolean passOn = false;
        try {
            passOn = failedReply ? pass(res) : storeOrPass(res);
        } finally {
            // Detached after the store and before the leader's client has its reply, so a query
            // that comes after that reply finds the item or asks anew, never the flight's outcome.
            List<Flight.Waiter> waiters = flight == null ? List.of() : cache.detach(flight, key);
            try {
                if (passOn) {
                    delegate.write(res);
                }
            } finally {
                if (!waiters.isEmpty()) {
                    // A failure is passed on to the waiters as it was to the leader.
                    cache.answer(waiters, key, failedReply ? failure : null,
                            failedReply ? (res.getRcode() != 0 ? res.getRcode() : Rcodes.SERVFAIL) : -1);
                }
            }
        }
    }

    /** A failed query's error reply: passed on unless it was a background refresh's. */
    private boolean pass(Message res) {
        if (refreshing != null) {
            refreshing.refreshing.set(false); // a later hit may try again
            return false;
        }
        return true;
    }

    private boolean storeOrPass(Message res) {
        try {
            return storeAndPrepare(res);
        } catch (RuntimeException e) {
            // A reply the cache cannot handle still reaches the client, unchanged.
            LOG.warning("not caching the reply for " + key.name() + ": " + e);
            if (refreshing != null) {
                refreshing.refreshing.set(false);
            }
            return refreshing == null;
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
