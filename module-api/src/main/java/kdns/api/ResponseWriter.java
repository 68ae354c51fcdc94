package kdns.api;

import java.net.InetSocketAddress;
import java.util.List;
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

    /**
     * Sends a reply made of several messages, in order, as one zone transfer over a stream
     * transport (RFC 5936: the first message starts with the SOA, the last ends with it). Counts
     * as the one reply of the query. Writers that see replies (log, metrics) take the first
     * message as the reply; the server's writer completes each message as it does a single reply.
     * The default writes a one-message stream with {@link #write} and refuses longer ones.
     *
     * @throws UnsupportedOperationException when this writer cannot send several messages
     */
    default void writeStream(List<Message> messages) {
        if (messages.size() != 1) {
            throw new UnsupportedOperationException(getClass().getName() + " sends one message per reply");
        }
        write(messages.get(0));
    }

    /**
     * Offers a reply that is still in wire form (an upstream's answer, relayed as it came) in place
     * of {@link #write}. A writer that takes it sends it completed exactly as {@link #write} would
     * complete the parsed message, counts it as the query's one reply and returns true; otherwise
     * it writes nothing and returns false, and the caller parses the reply and calls
     * {@link #write}. The server's writer takes it when nothing but the header and the OPT record
     * needs changing (see {@link WireMessage}). A wrapper that looks at replies either reads what it
     * needs from the bytes and passes the reply on with its inner writer's {@code writeWire} (the
     * {@code prometheus}, {@code log}, {@code loadbalance} and {@code errors} writers do), or keeps
     * this default and so sees every reply parsed (cache's writers, and a plain
     * {@link ForwardingResponseWriter}). A wrapper whose inner writer declines must decline too,
     * without counting or logging anything: the reply then comes again, parsed, through
     * {@link #write}.
     *
     * @param reply the reply's bytes located; its message ID may be the upstream's
     * @return true when the reply was sent
     */
    default boolean writeWire(WireMessage reply) {
        return false;
    }

    /**
     * Whether {@link #writeWire} can take a reply at all: false when it always declines. A caller
     * that would have to build the wire form first (the cache renders and copies a stored reply and
     * locates its parts) asks this before, so a chain that declines costs nothing. True is no
     * promise: {@code writeWire} may still decline a particular reply, and the caller then writes it
     * parsed. The default is false, as {@link #writeWire}'s; a wrapper that passes wire replies on
     * answers what its inner writer answers (or false when it would decline every reply, as a log
     * rule that selects replies by class does).
     */
    default boolean takesWire() {
        return false;
    }

    /**
     * The length in bytes of what this writer sent for the query (the reply as completed, cut and
     * rendered; all messages of a stream), once it was sent; -1 before that, or when this writer
     * does not know. A wrapper that reports the reply's size (prometheus, log) asks its delegate
     * right after passing the reply on, so the reply is not rendered a second time for its length.
     * Wrappers pass the question on ({@link ForwardingResponseWriter} does).
     */
    default int sentLength() {
        return -1;
    }

    /** The client's address. */
    InetSocketAddress remoteAddress();

    /** The local address the query arrived on. */
    InetSocketAddress localAddress();
}
