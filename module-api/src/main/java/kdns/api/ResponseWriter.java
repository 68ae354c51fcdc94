package kdns.api;

import java.net.InetSocketAddress;
import org.xbill.DNS.Message;

/**
 * Where a handler writes its reply. The server's writer fills in what every reply needs: the
 * client's message ID, the question as the client spelled it (0x20 case), the EDNS0 OPT record
 * mirroring the client's, truncation with TC=1 when a UDP reply exceeds the client's buffer, and
 * name compression.
 *
 * <p>Exactly one reply is written per query. Writers may be wrapped (cache, log, metrics), so a
 * plugin that needs the reply's rcode or size wraps the writer it passes on; see
 * {@link ForwardingResponseWriter}.
 */
public interface ResponseWriter {

    /** Sends the reply. May be called from any thread (for {@link Handler#DEFERRED} answers). */
    void write(Message reply);

    /**
     * Reports why a deferred reply failed, before the handler writes its error reply: the
     * {@code errors} plugin logs it as it logs a {@link HandlerException} thrown from
     * {@link Handler#serve}. Writers that do not care ignore it; wrappers pass it on.
     */
    default void reportError(HandlerException error) {
    }

    /** The client's address. */
    InetSocketAddress remoteAddress();

    /** The local address the query arrived on. */
    InetSocketAddress localAddress();
}
