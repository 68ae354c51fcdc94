package kdns.plugin.cache;

/** A monotonic clock in nanoseconds ({@link System#nanoTime()}); tests inject their own. */
@FunctionalInterface
interface Ticker {
    long nanos();
}
