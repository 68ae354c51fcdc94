package kdns.plugin.cache;

import java.util.concurrent.atomic.AtomicLong;

/** A ticker tests move by hand. */
final class FakeTicker implements Ticker {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

    @Override
    public long nanos() {
        return now.get();
    }

    void advanceSeconds(double s) {
        now.addAndGet((long) (s * 1_000_000_000L));
    }
}
