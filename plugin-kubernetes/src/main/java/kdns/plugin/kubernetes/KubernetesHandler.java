package kdns.plugin.kubernetes;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Rcodes;
import kdns.api.Readiness;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.plugin.kubernetes.dns.Answerer;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The kubernetes plugin's handler: answers from the in-memory index through {@link Answerer},
 * never calling the API on the query path. Thread-safe; it only blocks nothing. Out-of-zone
 * ExternalName targets are resolved through the rest of the chain (the next plugin); when that
 * plugin answers later (forward), the reply is completed from its thread.
 */
public final class KubernetesHandler implements Handler, Readiness {

    static final String NAME = "kubernetes";

    private final Answerer answerer;
    private final Handler next;
    private final BooleanSupplier ready;

    public KubernetesHandler(Answerer answerer, Handler next, BooleanSupplier ready) {
        this.answerer = answerer;
        this.next = next;
        this.ready = ready;
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
        if (next == null) {
            writer.write(u.partial());
            return Rcodes.NOERROR;
        }
        Completing w = new Completing(writer, u.partial());
        int rc;
        try {
            rc = next.serve(request.withQuestion(u.target(), u.qtype()), w);
        } catch (HandlerException | RuntimeException e) {
            rc = Rcodes.SERVFAIL;
        }
        if (rc == Handler.DEFERRED) {
            return Handler.DEFERRED;
        }
        if (!Rcodes.clientWrote(rc)) {
            w.complete(null);
        }
        return Rcodes.NOERROR;
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
