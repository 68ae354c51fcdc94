package kdns.api;

import java.net.InetSocketAddress;
import org.xbill.DNS.Message;

/** A writer that passes everything to another; override {@link #write} to observe replies. */
public class ForwardingResponseWriter implements ResponseWriter {

    protected final ResponseWriter delegate;

    public ForwardingResponseWriter(ResponseWriter delegate) {
        this.delegate = delegate;
    }

    @Override
    public void write(Message reply) {
        delegate.write(reply);
    }

    @Override
    public void reportError(HandlerException error) {
        delegate.reportError(error);
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
