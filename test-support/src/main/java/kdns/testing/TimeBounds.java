package kdns.testing;

/**
 * How late a recovery may be before a test fails. {@code make test} must pass the same way on a
 * loaded machine every time, so there a bound only catches a recovery that did not happen (several
 * times the figure measured); {@code make chaos} sets {@code kdns.timing.strict} and holds kdns to
 * the figure an issue promises. Either way the test prints what it measured.
 */
public final class TimeBounds {

    /** The system property {@code make chaos} sets. */
    public static final String STRICT_PROPERTY = "kdns.timing.strict";

    private TimeBounds() {
    }

    /** {@code promisedMs} under {@code make chaos}, {@code gateMs} otherwise. */
    public static long millis(long promisedMs, long gateMs) {
        return Boolean.getBoolean(STRICT_PROPERTY) ? promisedMs : gateMs;
    }
}
