package kdns.testing.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class CaseRunnerTest {

    record Suite(String name, List<String> cases) {
    }

    /** Records when it starts and closes. */
    static final class Started implements AutoCloseable {
        final String suite;
        final List<String> log;

        Started(String suite, List<String> log) {
            this.suite = suite;
            this.log = log;
            log.add("start " + suite);
        }

        @Override
        public void close() {
            log.add("close " + suite);
        }
    }

    private static CaseRunner<Suite, String, Started> runner(List<String> log) {
        return new CaseRunner<>(Suite::name, Suite::cases, c -> "case " + c, s -> {
            if (s.name().equals("broken")) {
                throw new IllegalStateException("no server");
            }
            return new Started(s.name(), log);
        }, (started, c) -> {
            log.add(started.suite + " " + c);
            if (c.equals("bad")) {
                throw new AssertionError("bad case");
            }
        });
    }

    /** A container's tests (its stream of children can be read once). */
    private static List<DynamicTest> children(DynamicNode container) {
        List<DynamicTest> out = new ArrayList<>();
        ((DynamicContainer) container).getChildren().forEach(n -> out.add((DynamicTest) n));
        return out;
    }

    private static List<Executable> executables(DynamicNode container) {
        return children(container).stream().map(DynamicTest::getExecutable).toList();
    }

    @Test
    void oneContainerPerSuiteStartedAtItsFirstCaseAndClosedAfterItsLast() throws Throwable {
        List<String> log = new ArrayList<>();
        List<DynamicNode> nodes = runner(log).tests(List.of(new Suite("a", List.of("x", "bad")),
                new Suite("empty", List.of()), new Suite("b", List.of("y")))).toList();
        assertEquals(List.of("a", "b"), nodes.stream().map(DynamicNode::getDisplayName).toList());
        List<DynamicTest> aTests = children(nodes.get(0));
        assertEquals(List.of("case x", "case bad"), aTests.stream().map(DynamicNode::getDisplayName).toList());
        assertTrue(log.isEmpty(), "nothing starts before a case runs");
        List<Executable> a = aTests.stream().map(DynamicTest::getExecutable).toList();
        a.get(0).execute();
        assertThrows(AssertionError.class, a.get(1)::execute);
        executables(nodes.get(1)).get(0).execute();
        assertEquals(List.of("start a", "a x", "a bad", "close a", "start b", "b y", "close b"), log);
    }

    @Test
    void aSuiteThatDoesNotStartFailsEachCase() {
        List<String> log = new ArrayList<>();
        List<DynamicNode> nodes = runner(log).tests(List.of(new Suite("broken", List.of("x", "y")))).toList();
        for (Executable e : executables(nodes.get(0))) {
            AssertionError failed = assertThrows(AssertionError.class, e::execute);
            assertTrue(failed.getMessage().contains("broken did not start"), failed.getMessage());
        }
        assertTrue(log.isEmpty());
    }

    @Test
    void closeStopsWhatIsStillOpen() throws Throwable {
        List<String> log = new ArrayList<>();
        CaseRunner<Suite, String, Started> runner = runner(log);
        List<DynamicNode> nodes = runner.tests(List.of(new Suite("a", List.of("x", "y")))).toList();
        executables(nodes.get(0)).get(0).execute();
        runner.close();
        assertEquals(List.of("start a", "a x", "close a"), log);
    }
}
