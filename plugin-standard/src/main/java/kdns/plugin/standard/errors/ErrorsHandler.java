package kdns.plugin.standard.errors;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import kdns.api.ForwardingResponseWriter;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.WireMessage;
import kdns.plugin.standard.telemetry.LogSink;
import org.xbill.DNS.Type;

/**
 * Calls the rest of the chain; a {@link HandlerException} is logged as
 * {@code [ERROR] plugin/errors: RCODE NAME TYPE: MESSAGE} (or counted by the first
 * {@code consolidate} option whose regular expression matches the message) and its rcode is
 * returned, so the server answers with it. The success path adds nothing but a try block.
 */
final class ErrorsHandler implements Handler {

    private final Handler next;
    private final Consolidation[] consolidations;
    private final boolean stacktrace;
    private final String server;
    private final LogSink sink;

    ErrorsHandler(Handler next, List<Consolidation> consolidations, boolean stacktrace, String server, LogSink sink) {
        this.next = next;
        this.consolidations = consolidations.toArray(new Consolidation[0]);
        this.stacktrace = stacktrace;
        this.server = server;
        this.sink = sink;
    }

    @Override
    public String name() {
        return "errors";
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        try {
            // Failures of replies written later (Handler.DEFERRED) arrive through the writer.
            // It does not look at replies, so wire replies (cache hits, forward's relays) pass.
            ResponseWriter reporting = new ForwardingResponseWriter(writer) {
                @Override
                public void reportError(HandlerException error) {
                    report(request, error);
                    super.reportError(error);
                }

                @Override
                public boolean writeWire(WireMessage reply) {
                    return delegate.writeWire(reply);
                }

                @Override
                public boolean takesWire() {
                    return delegate.takesWire();
                }
            };
            return Handlers.nextOrFailure(name(), next, request, reporting);
        } catch (HandlerException e) {
            report(request, e);
            return e.rcode();
        } catch (RuntimeException e) {
            if (stacktrace) {
                StringWriter trace = new StringWriter();
                e.printStackTrace(new PrintWriter(trace));
                sink.error("Recovered from panic in server: \"" + server + "\" " + e + "\n" + trace);
            }
            throw e;
        }
    }

    private void report(Request request, HandlerException e) {
        String message = String.valueOf(e.getMessage());
        String line = e.rcode() + " " + request.name() + " " + Type.string(request.qtype()) + ": " + message;
        for (Consolidation c : consolidations) {
            if (c.matches(message)) {
                if (c.count(line)) {
                    return;
                }
                break;
            }
        }
        sink.error(line);
    }
}
