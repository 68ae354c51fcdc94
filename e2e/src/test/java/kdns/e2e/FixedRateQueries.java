package kdns.e2e;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntFunction;
import kdns.testing.TestRequests;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;

/**
 * A client sending queries at a fixed rate, one at a time, on a thread of its own, and counting
 * what came back: a query is answered when a reply arrived and its check passed. When a query
 * takes longer than the period the next ones go out right after it until the schedule is caught
 * up (the rate is nominal, the count is exact). Always closed by the test.
 */
final class FixedRateQueries implements AutoCloseable {

    /** One query and what its reply must be: {@code check} returns null when fine, else the problem. */
    record Probe(String name, int type, Function<Message, String> check) {
    }

    /** What a resolver made of one query: the reply, and whether another server had to be asked. */
    record Reply(Message message, boolean retried) {
    }

    /** Where queries go: one server, or several in turn as a stub resolver does. */
    interface Resolver {
        Reply ask(Message query) throws IOException;
    }

    /** Queries sent, answered (a reply that passed its check), retried on another server; the first problems. */
    record Tally(long sent, long answered, long retried, List<String> problems) {
        Tally minus(Tally earlier) {
            return new Tally(sent - earlier.sent, answered - earlier.answered, retried - earlier.retried, problems);
        }

        @Override
        public String toString() {
            return "sent " + sent + ", answered " + answered + ", retried " + retried
                    + (problems.isEmpty() ? "" : ", problems " + problems);
        }
    }

    private static final int PROBLEMS_KEPT = 20;

    private final long periodNanos;
    private final IntFunction<Probe> probes;
    private final Resolver resolver;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final List<String> problems = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopping;

    private FixedRateQueries(int perSecond, IntFunction<Probe> probes, Resolver resolver) {
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        this.probes = probes;
        this.resolver = resolver;
        this.thread = Thread.ofPlatform().name("fixed-rate-queries").daemon().unstarted(this::run);
    }

    /** Starts sending {@code perSecond} queries a second; query {@code i} is {@code probes.apply(i)}. */
    static FixedRateQueries start(int perSecond, IntFunction<Probe> probes, Resolver resolver) {
        FixedRateQueries q = new FixedRateQueries(perSecond, probes, resolver);
        q.thread.start();
        return q;
    }

    private void run() {
        long next = System.nanoTime();
        for (int i = 0; !stopping; i++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
            next += periodNanos;
            Probe p = probes.apply(i);
            String problem;
            boolean again = false;
            try {
                Reply r = resolver.ask(TestRequests.message(p.name(), p.type(), DClass.IN));
                again = r.retried();
                problem = p.check().apply(r.message());
            } catch (IOException | RuntimeException e) {
                problem = "no answer: " + e;
            }
            // All counts of a query change together, so a tally never holds half of one.
            synchronized (problems) {
                sent.incrementAndGet();
                if (again) {
                    retried.incrementAndGet();
                }
                if (problem == null) {
                    answered.incrementAndGet();
                } else if (problems.size() < PROBLEMS_KEPT) {
                    problems.add("query " + i + " " + p.name() + ": " + problem);
                }
            }
        }
    }

    /** The counts so far (of the queries done: one in flight is not counted yet). */
    Tally tally() {
        synchronized (problems) {
            return new Tally(sent.get(), answered.get(), retried.get(), List.copyOf(problems));
        }
    }

    /** Waits (at most {@code bound}) until at least {@code n} more queries than {@code since} were sent. */
    void awaitSent(Tally since, long n, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (sent.get() - since.sent() < n && System.nanoTime() < deadline && thread.isAlive()) {
            Thread.sleep(10);
        }
    }

    /** Stops after the query in flight and returns the final counts. */
    Tally stop() throws InterruptedException {
        stopping = true;
        thread.join(TimeUnit.SECONDS.toMillis(30));
        return tally();
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }
}
