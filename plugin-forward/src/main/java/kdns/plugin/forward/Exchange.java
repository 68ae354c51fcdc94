package kdns.plugin.forward;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Log;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.WireMessage;
import kdns.plugin.forward.proxy.ReplyCallback;
import kdns.plugin.forward.proxy.Upstream;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/**
 * One forwarded query: CoreDNS's {@code ServeDNS} loop turned into callbacks. Upstreams are tried
 * in the policy's order, skipping those that are down; a failed exchange starts that upstream's
 * health check and moves to the next one; the whole query gives up after five seconds. At most one
 * attempt is in flight, so the callbacks of one exchange never run concurrently; each hand-off
 * (a concurrent map, a timer, a new thread) orders their memory effects.
 */
final class Exchange {

    /** CoreDNS's overall deadline for one query. */
    static final long DEADLINE_NANOS = 5_000_000_000L;
    private static final Log LOG = Log.forPlugin("forward");

    private final ForwardHandler f;
    private final Request request;
    private final ResponseWriter writer;
    private final List<Upstream> list;
    private final long deadline;
    private final byte[] wire;
    private final long maxConnectAttempts;
    private int i;
    private int fails;
    private long connectAttempts;
    private int failovers;
    private boolean forceTcp;
    private IOException upstreamErr;
    private boolean finished;
    private String syncFailure;

    Exchange(ForwardHandler f, Request request, ResponseWriter writer) {
        this.f = f;
        this.request = request;
        this.writer = writer;
        this.list = f.cfg.policy().list(f.upstreams);
        this.deadline = System.nanoTime() + DEADLINE_NANOS;
        this.wire = queryWire(request);
        this.forceTcp = f.cfg.forceTcp();
        this.maxConnectAttempts = f.cfg.connectAttemptCap();
    }

    /**
     * The query as it goes upstream: the client's own bytes when no plugin changed the message
     * (the transports copy them and put this exchange's ID in the copy), else the message
     * rendered again. The bytes are the message exactly ({@link Request#wire()}), so the upstream
     * is asked the same either way; sending them saves rendering every forwarded query.
     */
    static byte[] queryWire(Request request) {
        byte[] received = request.wire();
        return received != null ? received : request.message().toWire();
    }

    /** Dispatches the first attempt; throws when no upstream can be tried at all. */
    int start() throws HandlerException {
        if (!step(true)) {
            f.release();
            throw new HandlerException(Rcodes.SERVFAIL, syncFailure);
        }
        return Handler.DEFERRED;
    }

    /**
     * Picks the next upstream and sends to it. Returns false (with {@link #syncFailure} set, when
     * {@code sync}) when the query has to fail instead; otherwise the SERVFAIL is written here.
     */
    private boolean step(boolean sync) {
        int n = f.upstreams.size();
        while (true) {
            if (f.stopped()) {
                return fail(sync, "proxy: transport stopped");
            }
            if (System.nanoTime() - deadline >= 0
                    || (maxConnectAttempts > 0 && connectAttempts >= maxConnectAttempts)) {
                return fail(sync, null);
            }
            if (i >= list.size()) {
                i = 0;
                fails = 0;
            }
            Upstream p = list.get(i++);
            if (p.down(f.cfg.maxFails())) {
                fails++;
                if (fails < n) {
                    continue;
                }
                f.metrics.healthcheckBroken.inc();
                if (f.cfg.failfastUnhealthyUpstreams()) {
                    return fail(sync, null);
                }
                // Health checking is assumed broken: try a random upstream.
                p = f.upstreams.get(ThreadLocalRandom.current().nextInt(n));
            }
            dispatch(p);
            return true;
        }
    }

    private void dispatch(Upstream p) {
        if (p.https()) {
            p.exchangeHttps(wire, new Attempt(p, true));
            return;
        }
        boolean stream;
        if (p.tls()) {
            stream = true;
        } else if (forceTcp) {
            stream = true;
        } else if (f.cfg.preferUdp()) {
            stream = false;
        } else {
            stream = request.transport().stream();
        }
        Attempt a = new Attempt(p, stream);
        if (stream) {
            p.exchangeStream(wire, a);
        } else {
            // On the listener's event loop when it has one (the reply comes back on the same thread).
            p.exchangeUdp(wire, request.eventLoop(), request.size(), a);
        }
    }

    /** One upstream exchange; its callback continues the query. */
    private final class Attempt implements ReplyCallback {
        private final Upstream upstream;
        private final boolean stream;
        private final long start = System.nanoTime();

        Attempt(Upstream upstream, boolean stream) {
            this.upstream = upstream;
            this.stream = stream;
        }

        @Override
        public void reply(Message reply) {
            replied(UpstreamReply.parsed(reply));
        }

        @Override
        public void reply(WireMessage reply) {
            replied(UpstreamReply.located(reply));
        }

        private void replied(UpstreamReply reply) {
            try {
                onReply(upstream, stream, start, reply);
            } catch (RuntimeException e) {
                LOG.error("failed to complete " + request + ": " + e);
                writeError(Rcodes.SERVFAIL);
            }
        }

        @Override
        public void error(IOException error) {
            try {
                onError(upstream, error);
            } catch (RuntimeException e) {
                LOG.error("failed to complete " + request + ": " + e);
                writeError(Rcodes.SERVFAIL);
            }
        }
    }

    private void onReply(Upstream p, boolean stream, long start, UpstreamReply reply) {
        p.observe(reply.rcode(), System.nanoTime() - start);
        // prefer_udp: a truncated UDP reply is asked again over TCP.
        if (!stream && reply.truncated() && !forceTcp && f.cfg.preferUdp()) {
            forceTcp = true;
            dispatch(p);
            return;
        }
        upstreamErr = null;
        if (!reply.matches(request)) {
            LOG.debug("wrong reply from " + p.addr() + " for " + request);
            writeError(Rcodes.FORMERR);
            return;
        }
        int rcode = reply.rcode();
        int n = f.upstreams.size();
        // failover: another upstream is asked, until each has answered with such a code; then the
        // last answer is returned, as CoreDNS documents it (its loop would start over instead).
        if (f.cfg.failoverRcodes().contains(rcode) && fails < n && ++failovers < n) {
            fails++;
            step(false);
            return;
        }
        Handler next = f.next();
        if ((f.cfg.nextRcodes().contains(rcode) || (f.cfg.nextOnNodata() && reply.nodata())) && next instanceof ForwardHandler) {
            handOff(next);
            return;
        }
        if (reply.wire() == null) {
            finish();
            writer.write(reply.message());
            return;
        }
        WireMessage wire = reply.wire();
        if (writer.writeWire(wire)) {
            finish();
            return;
        }
        // A writer that looks at replies: parsed for it, as any other reply.
        Message m;
        try {
            m = new Message(wire.wire());
        } catch (IOException e) {
            onError(p, p.badReply(e));
            return;
        }
        finish();
        writer.write(m);
    }

    private void onError(Upstream p, IOException e) {
        upstreamErr = e;
        LOG.debug("exchange with " + p.addr() + " for " + request + " failed: " + Upstream.describe(e));
        if (f.cfg.maxFails() != 0) {
            p.healthcheck();
        }
        if (maxConnectAttempts > 0) {
            connectAttempts++;
            if (connectAttempts >= maxConnectAttempts) {
                fail(false, null);
                return;
            }
        }
        if (fails < f.upstreams.size()) {
            step(false);
            return;
        }
        fail(false, null);
    }

    /** CoreDNS's {@code next RCODE}: the next forward stanza answers instead. */
    private void handOff(Handler next) {
        finish();
        int rc;
        try {
            rc = next.serve(request, writer);
        } catch (HandlerException e) {
            // Reported first, so writers that store replies (cache) know the SERVFAIL is a failure.
            writer.reportError(e);
            rc = e.rcode();
        }
        if (rc != Handler.DEFERRED && !Rcodes.clientWrote(rc)) {
            writeErrorNow(rc);
        }
    }

    private boolean fail(boolean sync, String reason) {
        String why = reason != null ? reason
                : upstreamErr != null ? Upstream.describe(upstreamErr) : "no healthy proxies";
        if (sync) {
            syncFailure = why;
            return false;
        }
        LOG.debug(request + ": SERVFAIL: " + why);
        if (!finished) {
            writer.reportError(new HandlerException(Rcodes.SERVFAIL, why));
        }
        writeError(Rcodes.SERVFAIL);
        return false;
    }

    private void writeError(int rcode) {
        if (finished) {
            return;
        }
        finish();
        writeErrorNow(rcode);
    }

    private void writeErrorNow(int rcode) {
        Message m = new Message(request.id());
        m.addRecord(request.question(), Section.QUESTION);
        m.getHeader().setRcode(rcode);
        writer.write(m);
    }

    private void finish() {
        if (!finished) {
            finished = true;
            f.release();
        }
    }
}
