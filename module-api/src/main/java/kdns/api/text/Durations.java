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
}
