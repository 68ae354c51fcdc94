package kdns.api;

import java.net.InetSocketAddress;
import java.util.List;
import org.xbill.DNS.Message;

/**
 * A writer that passes everything to another; override {@link #write} to observe replies (and
 * {@link #writeStream} to observe zone transfers, which are passed on whole, not through write).
 * {@link #writeWire} is not passed on: it stays false (and {@link #takesWire} with it), so the
 * reply comes parsed through {@link #write} and an override of it sees every reply. A subclass
 * that does not look at replies, or reads what it needs from the bytes, overrides both to pass
 * wire replies on to {@link #delegate}.
 */
public class ForwardingResponseWriter implements ResponseWriter {

    protected final ResponseWriter delegate;

    public ForwardingResponseWriter(ResponseWriter delegate) {
        this.delegate = delegate;
    }

    @Override
    public void write(Message reply) {
        delegate.write(reply);
    }

    /**
     * Passes a zone transfer on whole. Not routed through {@link #write}, so that wrappers which
     * rewrite single replies (shuffling, caching) leave transfers intact.
     */
    @Override
    public void writeStream(List<Message> messages) {
        delegate.writeStream(messages);
    }

    @Override
    public void reportError(HandlerException error) {
        delegate.reportError(error);
    }

    @Override
    public int sentLength() {
        return delegate.sentLength();
    }

    /**
     * The size of {@code reply}, just passed on to {@link #delegate}: the length the server's
     * writer sent ({@link #sentLength()}), so the reply is not rendered again to learn it; rendered
     * here only when no writer below knows it (a recording writer in a test).
     */
    protected final int sentSize(Message reply) {
        int size = delegate.sentLength();
        if (size < 0) {
            size = reply.numBytes() > 0 ? reply.numBytes() : reply.toWire().length;
        }
        return size;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return delegate.remoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return delegate.localAddress();
    }
}
