package kdns.host.testplugins;

import kdns.api.Controller;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Plugin;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;

/**
 * {@code testpanic}: a buggy plugin. Names starting with {@code panic.} throw a runtime exception,
 * {@code fail.} a HandlerException (SERVFAIL), {@code refuse.} return REFUSED without writing.
 */
public final class PanicPlugin implements Plugin {

    @Override
    public String name() {
        return "testpanic";
    }

    @Override
    public String description() {
        return "test: fails on purpose";
    }

    @Override
    public void setup(Controller c) {
        while (c.next()) {
            // no arguments
        }
        c.addHandler(next -> new Handler() {
            @Override
            public String name() {
                return "testpanic";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) throws HandlerException {
                String n = request.name();
                if (n.startsWith("panic.")) {
                    throw new IllegalStateException("boom");
                }
                if (n.startsWith("fail.")) {
                    throw new HandlerException(Rcodes.SERVFAIL, "upstream broke");
                }
                if (n.startsWith("refuse.")) {
                    return Rcodes.REFUSED;
                }
                return kdns.api.Handlers.nextOrFailure(name(), next, request, writer);
            }
        });
    }
}
