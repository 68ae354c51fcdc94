package kdns.api;

/** Helpers every handler uses to pass a query on. */
public final class Handlers {

    private Handlers() {
    }

    /**
     * Calls {@code next}, or fails with SERVFAIL when this plugin is the last one in the chain
     * (CoreDNS's {@code plugin.NextOrFailure}).
     */
    public static int nextOrFailure(String name, Handler next, Request request, ResponseWriter writer)
            throws HandlerException {
        if (next == null) {
            throw new HandlerException(Rcodes.SERVFAIL, "plugin/" + name + ": no next plugin found");
        }
        request.passedTo(next.name());
        return next.serve(request, writer);
    }
}
