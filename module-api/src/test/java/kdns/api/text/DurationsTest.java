package kdns.api.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void goSyntax() {
        assertEquals(Duration.ofSeconds(5), Durations.parse("5s"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1.5h"));
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertEquals(Duration.ofNanos(1500), Durations.parse("1.5us"));
        assertEquals(Duration.ofNanos(2000), Durations.parse("2µs"));
        assertEquals(Duration.ZERO, Durations.parse("0"));
        assertEquals(Duration.ofSeconds(-3), Durations.parse("-3s"));
    }

    @Test
    void errorsSayWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Durations.parse("30")).getMessage()
                .contains("missing unit"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Durations.parse("5d")).getMessage()
                .contains("unknown unit \"d\""));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(""));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("s"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("1..2s"));
    }
}
