package kdns.api.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsFormatTest {

    @Test
    void formatsAsGo() {
        assertEquals("0s", Durations.format(Duration.ZERO));
        assertEquals("1ns", Durations.format(1));
        assertEquals("999ns", Durations.format(999));
        assertEquals("1µs", Durations.format(1_000));
        assertEquals("1.5µs", Durations.format(1_500));
        assertEquals("100ms", Durations.format(Duration.ofMillis(100)));
        assertEquals("1.234567ms", Durations.format(1_234_567));
        assertEquals("1s", Durations.format(Duration.ofSeconds(1)));
        assertEquals("1.5s", Durations.format(Duration.ofMillis(1500)));
        assertEquals("30s", Durations.format(Duration.ofSeconds(30)));
        assertEquals("1m0s", Durations.format(Duration.ofMinutes(1)));
        assertEquals("5m0s", Durations.format(Duration.ofMinutes(5)));
        assertEquals("1m30.5s", Durations.format(Duration.ofMillis(90_500)));
        assertEquals("1h0m0s", Durations.format(Duration.ofHours(1)));
        assertEquals("26h3m4s", Durations.format(Duration.ofSeconds(26 * 3600 + 184)));
        assertEquals("-1.5s", Durations.format(Duration.ofMillis(-1500)));
    }

    @Test
    void secondsAsFloat() {
        assertEquals("0s", Durations.appendSeconds(new StringBuilder(), 0).toString());
        assertEquals("0.037990251s", Durations.appendSeconds(new StringBuilder(), 37_990_251).toString());
        assertEquals("0.0001s", Durations.appendSeconds(new StringBuilder(), 100_000).toString());
        assertEquals("2s", Durations.appendSeconds(new StringBuilder(), 2_000_000_000L).toString());
        assertEquals("61.5s", Durations.appendSeconds(new StringBuilder(), 61_500_000_000L).toString());
    }
}
