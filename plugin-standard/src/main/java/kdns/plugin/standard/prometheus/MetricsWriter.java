package kdns.plugin.standard.prometheus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import kdns.api.ForwardingResponseWriter;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.WireMessage;
import org.xbill.DNS.Message;

/**
 * Wraps the writer of one query and reports it when the reply is written, from whatever thread
 * writes it. The rcode and the plugin are taken before the reply is passed on; the size is the
 * reply's wire length once the server's writer rendered it. Reports exactly once per query.
 * Wire replies ({@link #writeWire}) are passed on and reported from their bytes, so a cache hit or
 * a relayed upstream reply is not parsed and rendered again for the metrics.
 */
final class MetricsWriter extends ForwardingResponseWriter {

    private static final VarHandle REPORTED;

    static {
        try {
            REPORTED = MethodHandles.lookup().findVarHandle(MetricsWriter.class, "reported", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MetricsHandler handler;
    private final Request request;
    private final long start;
    @SuppressWarnings("unused") // accessed through REPORTED
    private volatile boolean reported;

    MetricsWriter(ResponseWriter delegate, MetricsHandler handler, Request request, long start) {
        super(delegate);
        this.handler = handler;
        this.request = request;
        this.start = start;
    }

    /** A zone transfer: reported once, with the first message's rcode and the size of all messages. */
    @Override
    public void writeStream(List<Message> messages) {
        if (!REPORTED.compareAndSet(this, false, true)) {
            delegate.writeStream(messages);
            return;
        }
        int rcode = messages.get(0).getRcode();
        String plugin = request.currentPlugin();
        try {
            delegate.writeStream(messages);
        } finally {
            int size = delegate.sentLength();
            if (size < 0) {
                size = 0;
                for (Message m : messages) {
                    size += m.numBytes() > 0 ? m.numBytes() : m.toWire().length;
                }
            }
            handler.report(request, rcode, plugin, size, start);
        }
    }

    @Override
    public void write(Message reply) {
        if (!REPORTED.compareAndSet(this, false, true)) {
            delegate.write(reply);
            return;
        }
        int rcode = reply.getRcode();
        String plugin = request.currentPlugin();
        try {
            delegate.write(reply);
        } finally {
            int size = sentSize(reply);
            handler.report(request, rcode, plugin, size, start);
        }
    }

    /**
     * A reply in wire form: the rcode (with the OPT record's extended bits) and the plugin read
     * before it is passed on, the size its length, which the server's writer keeps as it completes
     * the header and OPT in place. Reported only when the inner writer takes it: when it declines,
     * the reply comes again, parsed, through {@link #write} and is reported there, once.
     */
    @Override
    public boolean writeWire(WireMessage reply) {
        if (reported) {
            return delegate.writeWire(reply);
        }
        int rcode = reply.rcode();
        int size = reply.length();
        String plugin = request.currentPlugin();
        boolean taken = true; // an exception counts as a write, as in write()
        try {
            taken = delegate.writeWire(reply);
        } finally {
            if (taken && REPORTED.compareAndSet(this, false, true)) {
                handler.report(request, rcode, plugin, size, start);
            }
        }
        return taken;
    }

    @Override
    public boolean takesWire() {
        return delegate.takesWire();
    }

    /** Nothing was written: the server answers with {@code rcode} (CoreDNS reports size 0, no plugin). */
    void unwritten(int rcode) {
        if (REPORTED.compareAndSet(this, false, true)) {
            handler.report(request, rcode, "", 0, start);
        }
    }
}
