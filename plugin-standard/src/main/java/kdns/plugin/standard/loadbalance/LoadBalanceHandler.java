package kdns.plugin.standard.loadbalance;

import java.util.List;
import kdns.api.ForwardingResponseWriter;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.WireMessage;
import kdns.plugin.standard.golang.Subnet;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * Wraps the writer so the reply is reordered when it is written (also for deferred replies):
 * NOERROR replies only, never zone transfers. First the policy ({@code round_robin}, or
 * {@code weighted} when {@code weighted} is set), then the {@code prefer} subnets. A reply in wire
 * form (a cache hit, a relayed upstream reply) is shuffled as it is when only round_robin applies
 * and the addresses can be moved as blocks; otherwise it comes parsed. Thread-safe.
 */
final class LoadBalanceHandler implements Handler {

    private final Handler next;
    private final Weighted weighted;
    private final List<Subnet> prefer;

    /**
     * @param weighted the weighted policy, or null for round robin
     * @param prefer   the preferred subnets, in priority order (may be empty)
     */
    LoadBalanceHandler(Handler next, Weighted weighted, List<Subnet> prefer) {
        this.next = next;
        this.weighted = weighted;
        this.prefer = List.copyOf(prefer);
    }

    @Override
    public String name() {
        return "loadbalance";
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        int qtype = request.qtype();
        if (qtype == Type.AXFR || qtype == Type.IXFR) {
            return Handlers.nextOrFailure(name(), next, request, writer);
        }
        return Handlers.nextOrFailure(name(), next, request, new ShufflingWriter(writer, qtype));
    }

    /** Reorders a NOERROR reply, then writes it. */
    final class ShufflingWriter extends ForwardingResponseWriter {

        private final int qtype;

        ShufflingWriter(ResponseWriter delegate, int qtype) {
            super(delegate);
            this.qtype = qtype;
        }

        @Override
        public void write(Message reply) {
            if (reply.getRcode() == Rcodes.NOERROR) {
                if (weighted == null) {
                    RoundRobin.shuffle(reply);
                } else {
                    weighted.shuffle(reply, qtype);
                }
                if (!prefer.isEmpty()) {
                    Prefer.reorder(reply, prefer);
                }
            }
            delegate.write(reply);
        }

        /**
         * round_robin on a wire reply when it is the plain case ({@link WireRoundRobin}); weighted
         * and prefer need the parsed reply, and so does a reply the wire shuffle cannot take.
         */
        @Override
        public boolean writeWire(WireMessage reply) {
            if (weighted != null || !prefer.isEmpty()) {
                return false;
            }
            if (reply.rcode() == Rcodes.NOERROR && !WireRoundRobin.shuffle(reply)) {
                return false;
            }
            return delegate.writeWire(reply);
        }

        @Override
        public boolean takesWire() {
            return weighted == null && prefer.isEmpty() && delegate.takesWire();
        }
    }
}
