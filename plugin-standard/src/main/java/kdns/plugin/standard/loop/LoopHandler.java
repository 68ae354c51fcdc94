package kdns.plugin.standard.loop;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.zones.ZoneNames;
import org.xbill.DNS.Type;

/**
 * Counts the arrivals of the block's probe, {@code HINFO <random>.<random>.<zone>}. A probe that
 * comes back more than twice went round a forwarding loop: the fatal line is logged and the
 * process exits, as CoreDNS does. Every other query, and every query once the probe phase is over,
 * passes to the next plugin untouched. Thread-safe.
 */
final class LoopHandler implements Handler {

    private final Handler next;
    private final String zone;
    private final String qname;
    private final LoopExit onLoop;
    private final AtomicInteger seen = new AtomicInteger();
    private final AtomicBoolean fired = new AtomicBoolean();
    private volatile boolean disabled;
    private volatile String address = "";

    /**
     * @param qname the probe name, lower case and fully qualified
     * @param onLoop what happens once the probe came back more than twice
     */
    LoopHandler(Handler next, String zone, String qname, LoopExit onLoop) {
        this.next = next;
        this.zone = zone;
        this.qname = qname;
        this.onLoop = onLoop;
    }

    @Override
    public String name() {
        return "loop";
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        if (request.qtype() != Type.HINFO || disabled) {
            return Handlers.nextOrFailure(name(), next, request, writer);
        }
        String name = request.name();
        if (!ZoneNames.isSubdomain(zone, name)) {
            return Handlers.nextOrFailure(name(), next, request, writer);
        }
        int count = name.equals(qname) ? seen.incrementAndGet() : seen.get();
        if (count > 2) {
            if (fired.compareAndSet(false, true)) {
                onLoop.fire("Loop (" + hostPort(request) + " -> " + address + ") detected for zone \"" + zone
                        + "\", see https://coredns.io/plugins/loop#troubleshooting. Query: \"HINFO " + qname + "\"");
            }
            // The process is going away: stop feeding the loop.
            return Rcodes.SERVFAIL;
        }
        return Handlers.nextOrFailure(name(), next, request, writer);
    }

    private static String hostPort(Request request) {
        String ip = request.ip();
        int port = request.remoteAddress().getPort();
        return ip.indexOf(':') >= 0 ? "[" + ip + "]:" + port : ip + ":" + port;
    }

    String qname() {
        return qname;
    }

    String zone() {
        return zone;
    }

    int seen() {
        return seen.get();
    }

    /** A probe went unanswered: forget what was counted (CoreDNS's {@code reset}). */
    void reset() {
        seen.set(0);
    }

    /** The address the probe is sent to, as the fatal line names it ({@code :53}). */
    void address(String text) {
        address = text;
    }

    /** Ends the probe phase: from now on every query passes through. */
    void disable() {
        disabled = true;
    }

    boolean disabled() {
        return disabled;
    }
}
