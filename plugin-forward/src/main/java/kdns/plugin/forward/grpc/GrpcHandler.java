package kdns.plugin.forward.grpc;

import java.util.List;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Log;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.zones.Fallthrough;
import kdns.api.zones.ZoneNames;
import kdns.plugin.forward.proxy.ReplyMatch;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/**
 * The {@code grpc} stanza of a block: CoreDNS's {@code ServeDNS} loop as callbacks. The upstreams
 * are tried once each in the policy's order, one call at a time, until one answers; a call that
 * fails moves on to the next; five seconds after the query came in no further call is started.
 * When every call failed the query is SERVFAIL (or, with {@code fallthrough}, the next plugin's).
 */
final class GrpcHandler implements Handler {

    /** CoreDNS's {@code defaultTimeout}: the deadline of one query over all its calls. */
    static final long DEADLINE_NANOS = 5_000_000_000L;

    private static final Log LOG = Log.forPlugin("grpc");

    final String from;
    final List<String> ignored;
    final List<GrpcUpstream> upstreams;
    final GrpcPolicy policy;
    final Fallthrough fall;
    private volatile Handler next;

    GrpcHandler(String from, List<String> ignored, List<GrpcUpstream> upstreams, GrpcPolicy policy,
            Fallthrough fall) {
        this.from = from;
        this.ignored = List.copyOf(ignored);
        this.upstreams = List.copyOf(upstreams);
        this.policy = policy;
        this.fall = fall;
    }

    GrpcHandler next(Handler next) {
        this.next = next;
        return this;
    }

    @Override
    public String name() {
        return "grpc";
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        if (!match(request.name())) {
            return Handlers.nextOrFailure(name(), next, request, writer);
        }
        new Query(request, writer).step();
        return Handler.DEFERRED;
    }

    boolean match(String name) {
        if (!ZoneNames.isSubdomain(from, name)) {
            return false;
        }
        if (name.equals(from)) {
            return true;
        }
        for (String ignore : ignored) {
            if (ZoneNames.isSubdomain(ignore, name)) {
                return false;
            }
        }
        return true;
    }

    void shutdown() {
        for (GrpcUpstream u : upstreams) {
            u.shutdown();
        }
    }

    /** One query; at most one call is in flight, so its callbacks never overlap. */
    private final class Query implements GrpcUpstream.Callback {
        private final Request request;
        private final ResponseWriter writer;
        private final List<GrpcUpstream> list;
        private final long deadline = System.nanoTime() + DEADLINE_NANOS;
        private final byte[] wire;
        private GrpcUpstream current;
        private Exception err;
        private int i;

        Query(Request request, ResponseWriter writer) {
            this.request = request;
            this.writer = writer;
            this.list = policy.list(upstreams);
            // The client's own bytes when no plugin changed the query (see Exchange.queryWire);
            // gRPC sends the client's ID, as CoreDNS does, so they go as they are.
            byte[] received = request.wire();
            this.wire = received != null ? received : request.message().toWire();
        }

        void step() {
            if (i >= list.size() || System.nanoTime() - deadline >= 0) {
                failed();
                return;
            }
            current = list.get(i++);
            current.query(request.message(), wire, deadline, this);
        }

        @Override
        public void reply(Message reply) {
            try {
                if (!ReplyMatch.matches(request, reply)) {
                    LOG.debug("wrong reply from " + current.addr() + " for " + request);
                    writeError(Rcodes.FORMERR);
                    return;
                }
                if (reply.getRcode() == Rcodes.NXDOMAIN && next != null && fall.through(request.name())) {
                    handOff();
                    return;
                }
                writer.write(reply);
            } catch (RuntimeException e) {
                LOG.error("failed to complete " + request + ": " + e);
                writeError(Rcodes.SERVFAIL);
            }
        }

        @Override
        public void error(Exception e) {
            err = e;
            LOG.debug("query to " + current.addr() + " for " + request + " failed: " + e.getMessage());
            try {
                step();
            } catch (RuntimeException x) {
                LOG.error("failed to complete " + request + ": " + x);
                writeError(Rcodes.SERVFAIL);
            }
        }

        /** Every upstream failed (or the deadline passed). */
        private void failed() {
            if (next != null && fall.through(request.name())) {
                handOff();
                return;
            }
            String why = err != null ? err.getMessage() : "no healthy gRPC proxies";
            writer.reportError(new HandlerException(Rcodes.SERVFAIL, why));
            writeError(Rcodes.SERVFAIL);
        }

        private void handOff() {
            int rc;
            try {
                rc = Handlers.nextOrFailure(name(), next, request, writer);
            } catch (HandlerException e) {
                writer.reportError(e);
                rc = e.rcode();
            }
            if (rc != Handler.DEFERRED && !Rcodes.clientWrote(rc)) {
                writeError(rc);
            }
        }

        private void writeError(int rcode) {
            Message m = new Message(request.id());
            m.getHeader().setFlag(Flags.QR);
            m.addRecord(request.question(), Section.QUESTION);
            m.getHeader().setRcode(rcode);
            writer.write(m);
        }
    }
}
