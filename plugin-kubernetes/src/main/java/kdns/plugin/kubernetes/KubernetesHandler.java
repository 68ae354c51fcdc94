package kdns.plugin.kubernetes;

import java.net.InetAddress;
import java.util.List;
import java.util.function.BooleanSupplier;
import kdns.api.Controller;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Instance;
import kdns.api.Rcodes;
import kdns.api.Readiness;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.plugin.kubernetes.dns.Answerer;
import kdns.plugin.kubernetes.dns.BoundAddresses;
import kdns.plugin.kubernetes.dns.UpstreamLookup;
import org.xbill.DNS.Section;

/**
 * The kubernetes plugin's handler: answers from the in-memory index through {@link Answerer},
 * never calling the API on the query path. Thread-safe; it only blocks nothing. Out-of-zone
 * ExternalName targets are resolved through the whole server ({@link Instance#serve}, CoreDNS's
 * upstream lookup: the block with the longest zone for the target, then its whole chain); when
 * that chain answers later (forward), the reply is completed from its thread ({@link UpstreamLookup},
 * shared with k8s_external). Lookups nested on one thread are bounded by {@link #MAX_REENTRIES} as
 * CoreDNS bounds re-entries.
 */
public final class KubernetesHandler implements Handler, Readiness {

    static final String NAME = "kubernetes";
    /** Lookups through the server nested on one thread before the innermost gets SERVFAIL (CoreDNS's maxreentries). */
    static final int MAX_REENTRIES = UpstreamLookup.MAX_REENTRIES;

    private final Answerer answerer;
    private final Handler next;
    private final BooleanSupplier ready;
    private final UpstreamLookup lookups;

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
        this.lookups = new UpstreamLookup(NAME, block.instance());
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
        return lookups.complete(request, u.partial(),
                List.of(new UpstreamLookup.Lookup(u.target(), u.qtype(), Section.ANSWER)), writer);
    }
}
