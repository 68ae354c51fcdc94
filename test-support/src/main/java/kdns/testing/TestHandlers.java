package kdns.testing;

import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/** Handlers to put after the plugin under test (CoreDNS's {@code test.NextHandler}). */
public final class TestHandlers {

    /** What a test handler does with a request. */
    @FunctionalInterface
    private interface Serve {
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
