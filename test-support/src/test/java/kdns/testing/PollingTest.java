package kdns.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollingTest {

    @Test
    void returnsOnceTheConditionHoldsAndPollsUntilThen() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Polling.eventually("the third call", () -> calls.incrementAndGet() >= 3);
        assertEquals(3, calls.get());
        assertTrue(Polling.within(Duration.ZERO, () -> true), "a condition that holds needs no time");
    }

    @Test
    void aConditionThatNeverHoldsEndsAtTheBound() throws Exception {
        assertFalse(Polling.within(Duration.ofMillis(50), () -> false));
        AssertionError e = assertThrows(AssertionError.class,
                () -> Polling.eventually("pigs fly", Duration.ofMillis(50), () -> false));
        assertTrue(e.getMessage().endsWith("waiting until pigs fly"), e.getMessage());
    }
}
