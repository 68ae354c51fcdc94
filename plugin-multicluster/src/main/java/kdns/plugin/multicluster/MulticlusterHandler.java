package kdns.plugin.multicluster;

import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import org.xbill.DNS.Message;

/**
 * The multicluster plugin's handler: answers cluster-set names from the in-memory index, never
 * calling the API on the query path; other names (and name errors with {@code fallthrough}) go to
 * the next plugin. Not a {@code ready} participant, like CoreDNS's multicluster plugin: before the
 * informers synced, would-be NXDOMAINs are SERVFAIL instead.
 */
final class MulticlusterHandler implements Handler {

    static final String NAME = "multicluster";

    private final MulticlusterBackend backend;
    private final Handler next;

    MulticlusterHandler(MulticlusterBackend backend, Handler next) {
        this.backend = backend;
        this.next = next;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        Message reply = backend.answer(request);
        if (reply == null) {
            return Handlers.nextOrFailure(NAME, next, request, writer);
        }
        writer.write(reply);
        return Rcodes.NOERROR;
    }
}
