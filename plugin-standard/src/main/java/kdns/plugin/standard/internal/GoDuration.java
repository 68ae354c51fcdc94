package kdns.plugin.standard.internal;

import java.time.Duration;

/** Formats durations as Go's {@code time.Duration.String()} does ({@code 30s}, {@code 5m0s}, {@code 1.5ms}). */
public final class GoDuration {

    private GoDuration() {
    }

    public static String format(Duration d) {
        return format(d.toNanos());
    }

    /** Go's text for a duration of {@code nanos} nanoseconds. */
    public static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder(24);
        if (nanos < 0) {
            sb.append('-');
            nanos = -nanos;
        }
        if (nanos < 1_000_000_000L) {
            if (nanos < 1_000L) {
                sb.append(nanos).append("ns");
            } else if (nanos < 1_000_000L) {
                appendScaled(sb, nanos, 3).append("µs");
            } else {
                appendScaled(sb, nanos, 6).append("ms");
            }
            return sb.toString();
        }
        long seconds = nanos / 1_000_000_000L;
        long fraction = nanos % 1_000_000_000L;
        long minutes = seconds / 60;
        long hours = minutes / 60;
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (minutes > 0) {
            sb.append(minutes % 60).append('m');
        }
        sb.append(seconds % 60);
        appendFraction(sb, fraction, 9);
        return sb.append('s').toString();
    }

    /** Appends {@code v / 10^prec} with the fraction's trailing zeros (and a bare point) left off. */
    private static StringBuilder appendScaled(StringBuilder sb, long v, int prec) {
        long scale = pow10(prec);
        sb.append(v / scale);
        appendFraction(sb, v % scale, prec);
        return sb;
    }

    private static void appendFraction(StringBuilder sb, long fraction, int digits) {
        if (fraction == 0) {
            return;
        }
        char[] buf = new char[digits];
        for (int i = digits - 1; i >= 0; i--) {
            buf[i] = (char) ('0' + fraction % 10);
            fraction /= 10;
        }
        int end = digits;
        while (end > 0 && buf[end - 1] == '0') {
            end--;
        }
        sb.append('.').append(buf, 0, end);
    }

    private static long pow10(int n) {
        long r = 1;
        for (int i = 0; i < n; i++) {
            r *= 10;
        }
        return r;
    }

    /**
     * Seconds as Go's {@code strconv.FormatFloat(d.Seconds(), 'f', -1, 64)} prints them, with an
     * {@code s} suffix: {@code 0.037990251s}, {@code 2s}. Exact for whole nanoseconds.
     */
    public static StringBuilder appendSeconds(StringBuilder sb, long nanos) {
        if (nanos < 0) {
            sb.append('-');
            nanos = -nanos;
        }
        sb.append(nanos / 1_000_000_000L);
        appendFraction(sb, nanos % 1_000_000_000L, 9);
        return sb.append('s');
    }
}
