package kdns.api.text;

import java.time.Duration;

/**
 * Go's duration syntax, as CoreDNS's Corefiles use it: a sequence of decimal numbers with units
 * {@code ns us µs ms s m h}, e.g. {@code 5s}, {@code 1m30s}, {@code 1.5h}, {@code 250ms}.
 * A bare {@code 0} is allowed; other bare numbers are rejected with a message that names the
 * missing unit.
 */
public final class Durations {

    private Durations() {
    }

    /**
     * Parses a Go duration.
     *
     * @throws IllegalArgumentException with a message saying what is wrong
     */
    public static Duration parse(String s) {
        String in = s;
        if (s.isEmpty()) {
            throw new IllegalArgumentException("invalid duration \"\"");
        }
        boolean negative = false;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            negative = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        long nanos = 0;
        int i = 0;
        if (s.isEmpty()) {
            throw new IllegalArgumentException("invalid duration \"" + in + "\"");
        }
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            if (start == i) {
                throw new IllegalArgumentException("invalid duration \"" + in + "\"");
            }
            double value;
            try {
                value = Double.parseDouble(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid duration \"" + in + "\"");
            }
            int unitStart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            String unit = s.substring(unitStart, i);
            long scale = switch (unit) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                case "" -> throw new IllegalArgumentException("missing unit in duration \"" + in + "\"");
                default -> throw new IllegalArgumentException("unknown unit \"" + unit + "\" in duration \"" + in + "\"");
            };
            nanos += (long) (value * scale);
        }
        return Duration.ofNanos(negative ? -nanos : nanos);
    }

    // ---- formatting, as Go's time.Duration.String() ----

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
