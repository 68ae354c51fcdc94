package kdns.plugin.forward.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RoundTripEstimateTest {

    private static final long MS = 1_000_000L;
    private static final long READ_TIMEOUT = 2_000 * MS;

    @Test
    void nothingIsSentAgainBeforeTheFirstRoundTripIsKnown() {
        assertEquals(-1, new RoundTripEstimate().resendAfter(READ_TIMEOUT));
    }

    @Test
    void shortRoundTripsWaitTheLeastResendTime() {
        RoundTripEstimate e = new RoundTripEstimate();
        for (int i = 0; i < 20; i++) {
            e.sample(MS / 10);
        }
        assertEquals(RoundTripEstimate.MIN_RESEND_NANOS, e.resendAfter(READ_TIMEOUT));
    }

    @Test
    void aSteadyRoundTripWaitsAboutItselfAndAVaryingOneLonger() {
        RoundTripEstimate steady = new RoundTripEstimate();
        RoundTripEstimate varying = new RoundTripEstimate();
        for (int i = 0; i < 100; i++) {
            steady.sample(100 * MS);
            varying.sample(i % 2 == 0 ? 60 * MS : 140 * MS);
        }
        long steadyWait = steady.resendAfter(READ_TIMEOUT);
        assertEquals(100 * MS, steadyWait, 2 * MS);
        long varyingWait = varying.resendAfter(READ_TIMEOUT);
        assertEquals(true, varyingWait > 200 * MS, "the mean plus four deviations of 40 ms: " + varyingWait);
    }

    @Test
    void aWaitNotWellInsideTheReadTimeoutIsNoResend() {
        RoundTripEstimate e = new RoundTripEstimate();
        e.sample(MS);
        assertEquals(-1, e.resendAfter(150 * MS), "50 ms is more than a quarter of 150 ms");
        assertEquals(RoundTripEstimate.MIN_RESEND_NANOS, e.resendAfter(200 * MS));
        e.sample(800 * MS);
        assertEquals(-1, e.resendAfter(READ_TIMEOUT), "a round trip near the read timeout: its own retry");
    }
}
