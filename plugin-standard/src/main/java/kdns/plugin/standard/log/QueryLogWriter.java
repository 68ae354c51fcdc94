package kdns.plugin.standard.log;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import kdns.api.ForwardingResponseWriter;
import kdns.api.Replies;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.WireMessage;
import org.xbill.DNS.Message;

/**
 * Wraps the writer of one logged query and writes its log line when the reply is written, on
 * whatever thread writes it (replies of deferred handlers come later, from another thread). When
 * nothing is written because the chain returned an error rcode or threw, {@link #unwritten(int)}
 * logs the error reply the server is about to send. Exactly one line per query.
 */
final class QueryLogWriter extends ForwardingResponseWriter {

    private static final VarHandle LOGGED;

    static {
        try {
            LOGGED = MethodHandles.lookup().findVarHandle(QueryLogWriter.class, "logged", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LogHandler handler;
    private final LogRule rule;
    private final Request request;
    private final long start;
    @SuppressWarnings("unused") // accessed through LOGGED
    private volatile boolean logged;

    QueryLogWriter(ResponseWriter delegate, LogHandler handler, LogRule rule, Request request, long start) {
        super(delegate);
        this.handler = handler;
        this.rule = rule;
        this.request = request;
        this.start = start;
    }

    /** A zone transfer: one line, with the first message and the size of all messages. */
    @Override
    public void writeStream(List<Message> messages) {
        if (!LOGGED.compareAndSet(this, false, true)) {
            delegate.writeStream(messages);
            return;
        }
        try {
            delegate.writeStream(messages);
        } finally {
            long nanos = System.nanoTime() - start;
            int size = delegate.sentLength();
            if (size < 0) {
                size = 0;
                for (Message m : messages) {
                    size += m.numBytes() > 0 ? m.numBytes() : m.toWire().length;
                }
            }
            handler.emit(rule, request, this, messages.get(0), size, nanos);
        }
    }

    @Override
    public void write(Message reply) {
        if (!LOGGED.compareAndSet(this, false, true)) {
            delegate.write(reply);
            return;
        }
        try {
            delegate.write(reply);
        } finally {
            long nanos = System.nanoTime() - start;
            int size = sentSize(reply);
            handler.emit(rule, request, this, reply, size, nanos);
        }
    }

    /**
     * A reply in wire form, logged from its bytes after the inner writer took it (the header as the
     * client gets it, as {@link #write} logs the completed message; the size its length, which the
     * server's writer keeps). Declined when the rule selects replies by class (that needs the
     * records) or when the inner writer declines: the reply then comes again, parsed, through
     * {@link #write} and is logged there, once.
     */
    @Override
    public boolean writeWire(WireMessage reply) {
        if (logged) {
            return delegate.writeWire(reply);
        }
        if (!rule.selectsEveryReply()) {
            return false;
        }
        int rcode = reply.rcode();
        int size = reply.length();
        boolean taken = true; // an exception counts as a write, as in write()
        try {
            taken = delegate.writeWire(reply);
        } finally {
            if (taken && LOGGED.compareAndSet(this, false, true)) {
                long nanos = System.nanoTime() - start;
                handler.emitWire(rule, request, this, rcode, reply.flags(), size, nanos);
            }
        }
        return taken;
    }

    @Override
    public boolean takesWire() {
        return rule.selectsEveryReply() && delegate.takesWire();
    }

    /**
     * Nothing was written and the server will answer with {@code rcode}: log that reply (CoreDNS
     * synthesizes it the same way) unless a reply was written after all.
     */
    void unwritten(int rcode) {
        if (!LOGGED.compareAndSet(this, false, true)) {
            return;
        }
        long nanos = System.nanoTime() - start;
        Message reply = Replies.errorReply(request, rcode);
        int size = reply.toWire().length;
        if (request.opt() != null) {
            size += 11; // the OPT record the server adds for an EDNS0 client
        }
        handler.emit(rule, request, this, reply, size, nanos);
    }
}
