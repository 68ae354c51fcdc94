package kdns.plugin.kubernetes;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import kdns.api.Controller;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Instance;
import kdns.api.Log;
import kdns.api.Rcodes;
import kdns.api.Readiness;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.plugin.kubernetes.dns.Answerer;
import kdns.plugin.kubernetes.dns.BoundAddresses;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The kubernetes plugin's handler: answers from the in-memory index through {@link Answerer},
 * never calling the API on the query path. Thread-safe; it only blocks nothing. Out-of-zone
 * ExternalName targets are resolved through the whole server ({@link Instance#serve}, CoreDNS's
 * upstream lookup: the block with the longest zone for the target, then its whole chain); when
 * that chain answers later (forward), the reply is completed from its thread. Lookups nested on one
 * thread are bounded by {@link #MAX_REENTRIES} as CoreDNS bounds re-entries.
 */
public final class KubernetesHandler implements Handler, Readiness {

    static final String NAME = "kubernetes";
    /** Lookups through the server nested on one thread before the innermost gets SERVFAIL (CoreDNS's maxreentries). */
    static final int MAX_REENTRIES = 10;
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private static final Log LOG = Log.forPlugin(NAME);

    private final Answerer answerer;
    private final Handler next;
    private final BooleanSupplier ready;
    private final Instance instance;
    /** Targets whose too deep lookups were logged (once each). */
    private final java.util.Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param answerer the answer builder; its name server addresses are replaced by the block's
     *                 non-loopback {@code bind} addresses when the block has any
     *                 ({@link Controller#listenHosts()}, read here: build handlers after setup)
     * @param block    the block's controller: its {@link Controller#instance() instance} serves
     *                 lookups of out-of-zone targets
     */
    public KubernetesHandler(Answerer answerer, Handler next, BooleanSupplier ready, Controller block) {
        List<InetAddress> bound = BoundAddresses.of(block.listenHosts());
        this.answerer = bound == null ? answerer : answerer.withLocalIps(bound);
        this.next = next;
        this.ready = ready;
        this.instance = block.instance();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean ready() {
        return ready.getAsBoolean();
    }

    /** The answer builder (shared with cross-plugin users such as autopath later). */
    public Answerer answerer() {
        return answerer;
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        Answerer.Outcome o = answerer.answer(request);
        if (o instanceof Answerer.Next) {
            return Handlers.nextOrFailure(NAME, next, request, writer);
        }
        if (o instanceof Answerer.ErrorRcode e) {
            return e.rcode();
        }
        if (o instanceof Answerer.Reply r) {
            writer.write(r.message());
            return Rcodes.NOERROR;
        }
        Answerer.Upstream u = (Answerer.Upstream) o;
        Completing w = new Completing(writer, u.partial());
        int rc = upstream(request.withQuestion(u.target(), u.qtype()), w);
        if (rc == Handler.DEFERRED) {
            return Handler.DEFERRED;
        }
        if (!Rcodes.clientWrote(rc)) {
            w.complete(null);
        }
        return Rcodes.NOERROR;
    }

    /**
     * Serves {@code lookup} through the whole server as if it had arrived on the same port; the
     * handler protocol's rcode (REFUSED when no block serves the name, SERVFAIL when nested too
     * deeply or when the chain throws).
     */
    private int upstream(Request lookup, ResponseWriter w) {
        int[] depth = DEPTH.get();
        if (depth[0] >= MAX_REENTRIES) {
            if (warned.size() < 1000 && warned.add(lookup.name())) {
                LOG.warning("lookup of " + lookup.name() + " is nested " + MAX_REENTRIES
                        + " lookups through the server deep (ExternalName targets in a loop?): it gets SERVFAIL");
            }
            return Rcodes.SERVFAIL;
        }
        depth[0]++;
        try {
            return instance.serve(lookup, w);
        } catch (HandlerException e) {
            return e.rcode();
        } catch (RuntimeException e) {
            LOG.error("looking up " + lookup.name() + " through the server: " + e);
            return Rcodes.SERVFAIL;
        } finally {
            depth[0]--;
        }
    }

    /** Appends the upstream answer to the CNAME reply and writes it, once. */
    private static final class Completing implements ResponseWriter {
        private final ResponseWriter out;
        private final Message partial;
        private final AtomicBoolean done = new AtomicBoolean();

        Completing(ResponseWriter out, Message partial) {
            this.out = out;
            this.partial = partial;
        }

        @Override
        public void write(Message reply) {
            complete(reply);
        }

        void complete(Message upstream) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            if (upstream != null) {
                for (Record r : upstream.getSection(Section.ANSWER)) {
                    partial.addRecord(r, Section.ANSWER);
                }
                if (upstream.getHeader().getFlag(Flags.TC)) {
                    partial.getHeader().setFlag(Flags.TC);
                }
            }
            out.write(partial);
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return out.remoteAddress();
        }

        @Override
        public InetSocketAddress localAddress() {
            return out.localAddress();
        }
    }
}
