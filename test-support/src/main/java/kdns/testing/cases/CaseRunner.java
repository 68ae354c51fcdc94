package kdns.testing.cases;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

/**
 * Runs acceptance cases suite by suite, the loop every case harness shares: one dynamic container
 * per suite, one dynamic test per case named by the case; the thing the suite's cases ask (a
 * handler over a fake API server, a DNS server, a kdns process) is started by the module's
 * {@link Start} when the suite's first case runs and closed after its last. A start that fails
 * fails each case of the suite with that error. {@link #close()} (from {@code @AfterAll}) closes
 * what is still open when not every case ran.
 *
 * @param <S> a suite as the module reads it
 * @param <C> one case of a suite
 * @param <E> what a suite's cases are asked of
 */
public final class CaseRunner<S, C, E extends AutoCloseable> implements AutoCloseable {

    /** Starts what a suite's cases ask. */
    @FunctionalInterface
    public interface Start<S, E> {
        E start(S suite) throws Exception;
    }

    /** Runs one case against its suite's started thing; throws (an assertion) when the case fails. */
    @FunctionalInterface
    public interface Run<E, C> {
        void run(E started, C c) throws Throwable;
    }

    private final Function<S, String> suiteName;
    private final Function<S, List<C>> cases;
    private final Function<C, String> caseName;
    private final Start<S, E> start;
    private final Run<E, C> run;
    private final List<Suite> suites = new ArrayList<>();

    /**
     * @param suiteName the container's name for a suite
     * @param cases the cases of a suite, in the order they run
     * @param caseName the test's name for a case
     * @param start what a suite's cases ask, started once per suite
     * @param run one case
     */
    public CaseRunner(Function<S, String> suiteName, Function<S, List<C>> cases, Function<C, String> caseName,
            Start<S, E> start, Run<E, C> run) {
        this.suiteName = suiteName;
        this.cases = cases;
        this.caseName = caseName;
        this.start = start;
        this.run = run;
    }

    /** One container per suite (suites without cases left out), one test per case. */
    public Stream<DynamicNode> tests(List<S> all) {
        List<DynamicNode> out = new ArrayList<>();
        for (S s : all) {
            List<C> of = List.copyOf(cases.apply(s));
            if (of.isEmpty()) {
                continue;
            }
            Suite suite = new Suite(s, of.size());
            synchronized (suites) {
                suites.add(suite);
            }
            out.add(DynamicContainer.dynamicContainer(suiteName.apply(s),
                    of.stream().map(c -> DynamicTest.dynamicTest(caseName.apply(c), () -> suite.run(c)))));
        }
        return out.stream();
    }

    /** Closes every suite's started thing that is still open. */
    @Override
    public void close() throws Exception {
        Exception first = null;
        synchronized (suites) {
            for (Suite s : suites) {
                try {
                    s.stop();
                } catch (Exception e) {
                    if (first == null) {
                        first = e;
                    } else {
                        first.addSuppressed(e);
                    }
                }
            }
            suites.clear();
        }
        if (first != null) {
            throw first;
        }
    }

    /** A suite's state: started lazily, stopped after its last case. */
    private final class Suite {
        private final S suite;
        private final int size;
        private int done;
        private E started;
        private Throwable failedStart;

        Suite(S suite, int size) {
            this.suite = suite;
            this.size = size;
        }

        synchronized void run(C c) throws Throwable {
            try {
                if (started == null && failedStart == null) {
                    try {
                        started = start.start(suite);
                    } catch (Exception | Error e) {
                        failedStart = e;
                    }
                }
                if (failedStart != null) {
                    throw new AssertionError(suiteName.apply(suite) + " did not start: " + failedStart, failedStart);
                }
                run.run(started, c);
            } finally {
                if (++done == size) {
                    stop();
                }
            }
        }

        synchronized void stop() throws Exception {
            E s = started;
            started = null;
            if (s != null) {
                s.close();
            }
        }
    }
}
