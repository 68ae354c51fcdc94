package kdns.plugin.forward;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.zones.ZoneNames;
import kdns.plugin.forward.proxy.ForwardTimer;
import kdns.plugin.forward.proxy.Upstream;

/**
 * One {@code forward} stanza. Queries under FROM (and not under an {@code except} name) are sent
 * upstream without blocking and answered later ({@link Handler#DEFERRED}); the rest go to the next
 * handler, which is the next {@code forward} stanza of the block when there is one.
 */
final class ForwardHandler implements Handler {

    final Stanza cfg;
    final List<Upstream> upstreams;
    final ForwardMetrics metrics;
    private final AtomicLong concurrent = new AtomicLong();
    private volatile Handler next;
    private volatile boolean stopped;

    ForwardHandler(Stanza cfg, List<Upstream> upstreams, ForwardMetrics metrics) {
        this.cfg = cfg;
        this.upstreams = List.copyOf(upstreams);
        this.metrics = metrics;
    }

    /** Sets the next handler (the chain builder calls this once) and returns this handler. */
    ForwardHandler next(Handler next) {
        this.next = next;
        return this;
    }

    Handler next() {
        return next;
    }

    @Override
    public String name() {
        return "forward";
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        if (!match(request.name())) {
            return Handlers.nextOrFailure(name(), next, request, writer);
        }
        if (cfg.maxConcurrent() > 0) {
            long n = concurrent.incrementAndGet();
            if (n > cfg.maxConcurrent()) {
                concurrent.decrementAndGet();
                metrics.maxConcurrentRejects.inc();
                throw new HandlerException(Rcodes.REFUSED,
                        "concurrent queries exceeded maximum " + cfg.maxConcurrent());
            }
        }
        return new Exchange(this, request, writer).start();
    }

    /** Called once per query when its exchange is over. */
    void release() {
        if (cfg.maxConcurrent() > 0) {
            concurrent.decrementAndGet();
        }
    }

    long concurrent() {
        return concurrent.get();
    }

    boolean stopped() {
        return stopped;
    }

    boolean match(String name) {
        if (!ZoneNames.isSubdomain(cfg.from(), name)) {
            return false;
        }
        if (name.equals(cfg.from())) {
            return true;
        }
        for (String ignore : cfg.ignored()) {
            if (ZoneNames.isSubdomain(ignore, name)) {
                return false;
            }
        }
        return true;
    }

    void start() {
        for (Upstream u : upstreams) {
            u.start();
        }
    }

    /**
     * Stops health checks; the connections stay usable for one query deadline more, so queries of
     * the old chain that are still in flight after a reload get their answers.
     */
    void stop() {
        for (Upstream u : upstreams) {
            u.stop(Exchange.DEADLINE_NANOS);
        }
        ForwardTimer.after(Exchange.DEADLINE_NANOS, () -> stopped = true);
    }
}
