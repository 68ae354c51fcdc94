package kdns.plugin.standard.cancel;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import kdns.api.Controller;
import kdns.api.ForwardingResponseWriter;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Plugin;
import kdns.api.PluginException;
import kdns.api.Replies;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.text.Durations;
import kdns.plugin.standard.process.SharedTimer;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * {@code cancel [TIMEOUT]}: a query the rest of the chain has not answered within TIMEOUT (5001 ms
 * by default) gets SERVFAIL, as CoreDNS's cancelled context makes forward and friends give up; a
 * reply that comes later is dropped. Answers from memory are written before a timer is needed, so
 * only queries that wait on the network (deferred) are timed.
 */
public final class CancelPlugin implements Plugin {

    static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(5001);

    @Override
    public String name() {
        return "cancel";
    }

    @Override
    public String description() {
        return "answers SERVFAIL for queries the chain has not answered within a timeout";
    }

    @Override
    public void setup(Controller c) throws PluginException {
        Duration timeout = DEFAULT_TIMEOUT;
        while (c.next()) {
            List<String> args = c.remainingArgs();
            if (args.size() > 1) {
                throw c.argErr();
            }
            if (args.size() == 1) {
                try {
                    timeout = Durations.parse(args.get(0));
                } catch (IllegalArgumentException e) {
                    throw c.err("invalid duration: \"" + args.get(0) + "\"");
                }
                if (timeout.isNegative() || timeout.isZero()) {
                    throw c.err("invalid negative duration: \"" + args.get(0) + "\"");
                }
            } else {
                timeout = DEFAULT_TIMEOUT;
            }
        }
        long nanos = timeout.toNanos();
        c.addHandler(next -> new CancelHandler(next, nanos, SharedTimer.scheduler()));
    }

    static final class CancelHandler implements Handler {
        private final Handler next;
        private final long timeoutNanos;
        private final ScheduledExecutorService timers;

        CancelHandler(Handler next, long timeoutNanos, ScheduledExecutorService timers) {
            this.next = next;
            this.timeoutNanos = timeoutNanos;
            this.timers = timers;
        }

        @Override
        public String name() {
            return "cancel";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) throws HandlerException {
            OnceWriter once = new OnceWriter(writer);
            int rc = Handlers.nextOrFailure(name(), next, request, once);
            if (rc == DEFERRED && !once.done.get()) {
                once.timer = timers.schedule(() -> once.expire(request), timeoutNanos, TimeUnit.NANOSECONDS);
            }
            return rc;
        }
    }

    /** Lets the first reply through, whoever writes it: the chain, or the timer with SERVFAIL. */
    static final class OnceWriter extends ForwardingResponseWriter {
        final AtomicBoolean done = new AtomicBoolean();
        volatile ScheduledFuture<?> timer;

        OnceWriter(ResponseWriter delegate) {
            super(delegate);
        }

        @Override
        public void write(Message reply) {
            if (done.compareAndSet(false, true)) {
                ScheduledFuture<?> t = timer;
                if (t != null) {
                    t.cancel(false);
                }
                delegate.write(reply);
            }
        }

        void expire(Request request) {
            if (done.compareAndSet(false, true)) {
                delegate.write(Replies.errorReply(request, Rcode.SERVFAIL));
            }
        }
    }
}
