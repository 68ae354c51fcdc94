package kdns.plugin.cache;

import java.util.concurrent.atomic.AtomicBoolean;
import kdns.api.ForwardingResponseWriter;
import kdns.api.HandlerException;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * {@code serve_stale ... verify} (CoreDNS's {@code verifyStaleResponseWriter}): a NOERROR or
 * NXDOMAIN reply refreshes the entry and goes to the client; any other reply is dropped and the
 * stale entry is served instead. Whichever comes first, a reply or the chain giving up, decides.
 */
final class VerifyStaleWriter extends ForwardingResponseWriter {

    private final Runnable serveStale;
    private final AtomicBoolean decided = new AtomicBoolean();
    private volatile boolean refreshed;

    VerifyStaleWriter(CachingWriter delegate, Runnable serveStale) {
        super(delegate);
        this.serveStale = serveStale;
    }

    /**
     * A failure of the rest of the chain is no error of this query: the stale entry answers it
     * (CoreDNS's cache returns success then, so the errors plugin does not log it).
     */
    @Override
    public void reportError(HandlerException error) {
    }

    @Override
    public void write(Message res) {
        if (!decided.compareAndSet(false, true)) {
            return; // the stale entry was already served
        }
        int rcode = res.getRcode();
        if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) {
            refreshed = true;
            delegate.write(res); // stores and answers
        } else {
            serveStale.run();
        }
    }

    /** Serves the stale entry when nothing was written; true when it did. */
    boolean serveStaleIfUndecided() {
        if (decided.compareAndSet(false, true)) {
            serveStale.run();
            return true;
        }
        return false;
    }

    /** True when the next plugin's reply refreshed the entry and went to the client. */
    boolean refreshed() {
        return refreshed;
    }
}
