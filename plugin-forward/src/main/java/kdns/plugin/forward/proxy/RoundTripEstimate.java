package kdns.plugin.forward.proxy;

/**
 * The round trips of one upstream socket, smoothed as TCP's retransmission timer does (RFC 6298:
 * the mean and the mean deviation, gains 1/8 and 1/4), and from them how long a query waits
 * before it is sent once more. Only queries sent once are sampled (Karn): the reply to a query
 * sent twice may answer either send. Not thread-safe: one socket's loop owns it.
 */
final class RoundTripEstimate {

    /**
     * The shortest wait before a query is sent again: unbound's least timeout. On loopback the round
     * trip is a fraction of a millisecond, and an upstream held off its core for a few
     * milliseconds has not lost the query.
     */
    static final long MIN_RESEND_NANOS = 50_000_000L;

    private long smoothed = -1;
    private long deviation;

    /** Takes the round trip of a query sent once and answered. */
    void sample(long nanos) {
        if (smoothed < 0) {
            smoothed = nanos;
            deviation = nanos / 2;
            return;
        }
        deviation += (Math.abs(smoothed - nanos) - deviation) / 4;
        smoothed += (nanos - smoothed) / 8;
    }

    /**
     * How long after its send an unanswered query is sent again within a read timeout of
     * {@code readTimeoutNanos}, or -1 for never: before the first round trip is known, and when
     * the wait would not be well inside the read timeout (whose own retry is then soon enough).
     */
    long resendAfter(long readTimeoutNanos) {
        if (smoothed < 0) {
            return -1;
        }
        long wait = Math.max(MIN_RESEND_NANOS, smoothed + 4 * deviation);
        return wait <= readTimeoutNanos / 4 ? wait : -1;
    }
}
