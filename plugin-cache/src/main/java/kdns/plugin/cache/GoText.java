package kdns.plugin.cache;

import java.time.Duration;
import kdns.api.text.Durations;

/** Go's number and duration parsing with Go's error texts, as CoreDNS's cache setup reports them. */
final class GoText {

    private GoText() {
    }

    /** A failed parse: the message is Go's error text. */
    static final class ParseError extends Exception {
        ParseError(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Go's {@code strconv.Atoi}: an optional sign and decimal digits, within a 64-bit int.
     *
     * @throws ParseError {@code strconv.Atoi: parsing "x": invalid syntax} or {@code ... value out of range}
     */
    static long atoi(String s) throws ParseError {
        int i = 0;
        if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
            i = 1;
        }
        if (i == s.length()) {
            throw new ParseError("strconv.Atoi: parsing " + quote(s) + ": invalid syntax");
        }
        for (int j = i; j < s.length(); j++) {
            char ch = s.charAt(j);
            if (ch < '0' || ch > '9') {
                throw new ParseError("strconv.Atoi: parsing " + quote(s) + ": invalid syntax");
            }
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new ParseError("strconv.Atoi: parsing " + quote(s) + ": value out of range");
        }
    }

    /**
     * Go's {@code time.ParseDuration}, in nanoseconds.
     *
     * @throws ParseError {@code time: invalid duration "x"} and Go's other texts
     */
    static long parseDuration(String s) throws ParseError {
        try {
            Duration d = Durations.parse(s);
            return d.toNanos();
        } catch (IllegalArgumentException | ArithmeticException e) {
            String m = e.getMessage() == null ? "invalid duration " + quote(s) : e.getMessage();
            throw new ParseError(m.startsWith("time: ") ? m : "time: " + m);
        }
    }

    /** Go's {@code %q} of a string (ASCII escapes only). */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20 || ch == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** Go's {@code %q} of a single byte-sized character: {@code 'x'}. */
    static String quoteChar(char ch) {
        return switch (ch) {
            case '\'' -> "'\\''";
            case '\\' -> "'\\\\'";
            case '\n' -> "'\\n'";
            case '\t' -> "'\\t'";
            default -> ch >= 0x20 && ch < 0x7f ? "'" + ch + "'" : String.format("'\\u%04x'", (int) ch);
        };
    }
}
