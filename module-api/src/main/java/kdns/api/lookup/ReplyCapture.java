package kdns.api.lookup;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import kdns.api.HandlerException;
import kdns.api.ResponseWriter;
import org.xbill.DNS.Message;

/**
 * The writer of one lookup a handler makes through the chain or the server, when that lookup may
 * be answered now or later ({@link kdns.api.Handler#DEFERRED}). Whoever comes second of "the chain
 * wrote" and "the chain returned" goes on: the caller, with the reply in hand ({@link #settle}), or,
 * after a deferral, the thread that writes, through the callback. So no reader thread waits and the
 * work goes on exactly once. Used by {@link UpstreamLookup} and autopath's search walk.
 */
public final class ReplyCapture implements ResponseWriter {

    /** What {@link #settle} returns when the reply will come later, to the callback. */
    public static final Message PENDING = new Message();

    private static final int RUNNING = 0;
    private static final int WRITTEN = 1;
    private static final int DEFERRED = 2;
    private static final int SETTLED = 3;

    private final ResponseWriter client;
    private final Consumer<HandlerException> errors;
    private final Consumer<Message> later;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final AtomicReference<Message> reply = new AtomicReference<>();

    /**
     * @param client the client's writer, for the addresses the lookup's handlers see
     * @param errors where errors reported for a deferred reply go
     * @param later  goes on with a reply written after the chain returned {@code DEFERRED}
     */
    public ReplyCapture(ResponseWriter client, Consumer<HandlerException> errors, Consumer<Message> later) {
        this.client = client;
        this.errors = errors;
        this.later = later;
    }

    @Override
    public void write(Message m) {
        if (!reply.compareAndSet(null, m)) {
            return; // a second write is ignored
        }
        if (state.compareAndSet(RUNNING, WRITTEN)) {
            return; // the caller picks it up in settle
        }
        if (state.compareAndSet(DEFERRED, SETTLED)) {
            later.accept(m);
        }
    }

    /**
     * Called by the thread that ran the lookup once the chain returned: the reply (null when
     * nothing was written), or {@link #PENDING} when the chain deferred and the callback will
     * receive the reply.
     */
    public Message settle(boolean deferred) {
        if (deferred && state.compareAndSet(RUNNING, DEFERRED)) {
            return PENDING;
        }
        state.set(SETTLED);
        return reply.get();
    }

    @Override
    public void reportError(HandlerException error) {
        errors.accept(error);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return client.remoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return client.localAddress();
    }
}
