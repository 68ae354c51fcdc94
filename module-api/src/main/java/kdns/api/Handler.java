package kdns.api;

/**
 * Serves queries for one plugin in one server block. Handlers are shared by all queries, so they
 * must be thread-safe; they run on the server's reader threads, so they must not block.
 *
 * <p>The return value follows CoreDNS's protocol: {@link Rcodes#SERVFAIL}, {@link Rcodes#REFUSED},
 * {@link Rcodes#FORMERR} and {@link Rcodes#NOTIMP} mean "nothing was written yet", and the server
 * then writes a reply with that rcode; any other value means a reply was written.
 * {@link #DEFERRED} means the handler will write the reply later from another thread (a plugin
 * that waits on the network): the server writes nothing, and the handler must eventually write
 * exactly one reply (an error reply if it gives up).
 *
 * <p>A handler that wants an error logged by the {@code errors} plugin throws a
 * {@link HandlerException}; any other exception is a bug, answered with SERVFAIL and counted in
 * {@code coredns_panics_total}.
 */
public interface Handler {

    /** The reply will be written later; the server must not write one. */
    int DEFERRED = -1;

    /** The plugin's name, used in logs and in the {@code plugin} label of response metrics. */
    String name();

    /** Serves one query. See the class comment for the meaning of the result. */
    int serve(Request request, ResponseWriter writer) throws HandlerException;
}
