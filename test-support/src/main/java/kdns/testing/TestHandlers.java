package kdns.testing;

import java.io.IOException;
import java.util.function.Function;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.WireMessage;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/** Handlers to put after the plugin under test (CoreDNS's {@code test.NextHandler}). */
public final class TestHandlers {

    /** What a test handler does with a request. */
    @FunctionalInterface
    public interface Serve {
        int serve(Request request, ResponseWriter writer) throws HandlerException;
    }

    private TestHandlers() {
    }

    /** Writes an empty reply with {@code rcode} and returns it. */
    public static Handler answering(int rcode) {
        return named((request, writer) -> {
            Message m = new Message(request.id());
            m.addRecord(request.question(), Section.QUESTION);
            m.getHeader().setRcode(rcode);
            writer.write(m);
            return rcode;
        });
    }

    /** Writes {@code reply(request)} parsed, as a plugin that answers from its own data does. Returns NOERROR. */
    public static Handler writing(Function<Request, Message> reply) {
        return named((request, writer) -> {
            writer.write(reply.apply(request));
            return Rcodes.NOERROR;
        });
    }

    /**
     * Writes {@code reply(request)} as the cache and forward do: offered in wire form first
     * ({@code writeWire}), and parsed from those bytes and written when the writer declines or
     * the bytes are not the plain case {@link WireMessage#locate} takes. Returns NOERROR.
     */
    public static Handler offeringWire(Function<Request, Message> reply) {
        return named((request, writer) -> {
            byte[] bytes = reply.apply(request).toWire();
            WireMessage located = WireMessage.locate(bytes, bytes.length);
            if (located == null || !writer.writeWire(located)) {
                try {
                    writer.write(new Message(bytes));
                } catch (IOException e) {
                    throw new IllegalStateException("a reply that does not parse: " + e.getMessage(), e);
                }
            }
            return Rcodes.NOERROR;
        });
    }

    /** Throws a {@link HandlerException} with this rcode and message. */
    public static Handler failing(int rcode, String message) {
        return named((request, writer) -> {
            throw new HandlerException(rcode, message);
        });
    }

    /** Returns {@code rcode} without writing anything. */
    public static Handler returning(int rcode) {
        return named((request, writer) -> rcode);
    }

    /** A handler named {@code test} that does {@code serve}. */
    /**
     * A handler named {@code test} that does what {@code serve} says: a probe of what the writer it
     * is given offers ({@code takesWire()}, {@code sentLength()}) before it answers.
     */
    public static Handler serving(Serve serve) {
        return named(serve);
    }

    private static Handler named(Serve serve) {
        return new Handler() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) throws HandlerException {
                return serve.serve(request, writer);
            }
        };
    }
}
