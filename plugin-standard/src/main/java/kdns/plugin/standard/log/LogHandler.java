package kdns.plugin.standard.log;

import java.util.List;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.plugin.standard.telemetry.LogSink;
import org.xbill.DNS.Message;

/**
 * The query logger. The first rule whose name scope contains the query name decides: the writer
 * is wrapped so the line is written when the reply is; queries outside every scope pass through
 * untouched. Thread-safe: rules are immutable, per-query state lives in the wrapper.
 */
final class LogHandler implements Handler {

    private final Handler next;
    private final LogRule[] rules;
    private final LogSink sink;

    LogHandler(Handler next, List<LogRule> rules, LogSink sink) {
        this.next = next;
        this.rules = rules.toArray(new LogRule[0]);
        this.sink = sink;
    }

    @Override
    public String name() {
        return "log";
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        String name = request.name();
        for (LogRule rule : rules) {
            if (!rule.matches(name)) {
                continue;
            }
            QueryLogWriter w = new QueryLogWriter(writer, this, rule, request, System.nanoTime());
            int rc;
            try {
                rc = Handlers.nextOrFailure(name(), next, request, w);
            } catch (HandlerException e) {
                w.unwritten(e.rcode());
                throw e;
            }
            if (!Rcodes.clientWrote(rc)) {
                w.unwritten(rc);
            }
            return rc;
        }
        return Handlers.nextOrFailure(name(), next, request, writer);
    }

    void emit(LogRule rule, Request request, ResponseWriter writer, Message reply, int size, long nanos) {
        if (!rule.selects(reply, nanos)) {
            return;
        }
        StringBuilder sb = new StringBuilder(192);
        rule.format().appendTo(sb, request, writer.remoteAddress(), writer.localAddress(), reply, size, nanos);
        sink.info(sb.toString());
    }

    /**
     * The line of a reply written in wire form, from its rcode and header flags; only for a rule
     * that {@linkplain LogRule#selectsEveryReply selects every reply} (others need the records).
     */
    void emitWire(LogRule rule, Request request, ResponseWriter writer, int rcode, int flags, int size, long nanos) {
        StringBuilder sb = new StringBuilder(192);
        rule.format().appendTo(sb, request, writer.remoteAddress(), writer.localAddress(), rcode, flags, size, nanos);
        sink.info(sb.toString());
    }
}
