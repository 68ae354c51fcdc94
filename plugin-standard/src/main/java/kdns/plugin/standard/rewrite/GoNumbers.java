package kdns.plugin.standard.rewrite;

/** Go's {@code strconv.ParseUint(s, 0, bits)} and {@code hex.DecodeString}, with Go's error messages. */
final class GoNumbers {

    private GoNumbers() {
    }

    /**
     * {@code s} as Go reads an unsigned integer with base 0: {@code 0x}/{@code 0X} hex, {@code 0b}
     * binary, {@code 0o} or a leading {@code 0} octal, else decimal; underscores between digits.
     *
     * @throws IllegalArgumentException {@code strconv.ParseUint: parsing "s": invalid syntax} or
     *                                  {@code ... value out of range}
     */
    static long parseUint(String s, int bits) {
        if (s.isEmpty()) {
            throw syntax(s);
        }
        int base = 10;
        String digits = s;
        if (s.charAt(0) == '0') {
            char p = s.length() >= 3 ? Character.toLowerCase(s.charAt(1)) : 0;
            if (p == 'x' || p == 'b' || p == 'o') {
                base = p == 'x' ? 16 : p == 'b' ? 2 : 8;
                digits = s.substring(2);
            } else {
                base = 8;
                digits = s.substring(1);
            }
        }
        long max = (1L << bits) - 1;
        long n = 0;
        boolean underscores = false;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c == '_') {
                underscores = true;
                continue;
            }
            int d = Character.digit(c, 36);
            if (d < 0 || d >= base || c > 'z') {
                throw syntax(s);
            }
            if (n > (max - d) / base) {
                throw new IllegalArgumentException("strconv.ParseUint: parsing " + quote(s) + ": value out of range");
            }
            n = n * base + d;
        }
        if (underscores && !underscoresOk(s)) {
            throw syntax(s);
        }
        return n;
    }

    /** Go's underscoreOK: an underscore only between digits, or between the base prefix and a digit. */
    private static boolean underscoresOk(String s) {
        char saw = '^';
        int i = 0;
        boolean hex = false;
        if (s.length() >= 2 && s.charAt(0) == '0' && "box".indexOf(Character.toLowerCase(s.charAt(1))) >= 0) {
            i = 2;
            saw = '0';
            hex = Character.toLowerCase(s.charAt(1)) == 'x';
        }
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            char l = Character.toLowerCase(c);
            if (c >= '0' && c <= '9' || hex && l >= 'a' && l <= 'f') {
                saw = '0';
                continue;
            }
            if (c == '_') {
                if (saw != '0') {
                    return false;
                }
                saw = '_';
                continue;
            }
            if (saw == '_') {
                return false;
            }
            saw = '!';
        }
        return saw != '_';
    }

    /**
     * Go's {@code hex.DecodeString}.
     *
     * @throws IllegalArgumentException {@code encoding/hex: invalid byte: U+0067 'g'} or
     *                                  {@code encoding/hex: odd length hex string}
     */
    static byte[] decodeHex(String s) {
        byte[] out = new byte[s.length() / 2];
        int j = 1;
        for (; j < s.length(); j += 2) {
            int hi = hexDigit(s.charAt(j - 1));
            int lo = hexDigit(s.charAt(j));
            out[j / 2] = (byte) (hi << 4 | lo);
        }
        if (s.length() % 2 == 1) {
            hexDigit(s.charAt(j - 1));
            throw new IllegalArgumentException("encoding/hex: odd length hex string");
        }
        return out;
    }

    private static int hexDigit(char c) {
        int d = Character.digit(c, 16);
        if (d < 0 || c > 'f') {
            throw new IllegalArgumentException("encoding/hex: invalid byte: " + String.format("U+%04X '%c'", (int) c, c));
        }
        return d;
    }

    private static IllegalArgumentException syntax(String s) {
        return new IllegalArgumentException("strconv.ParseUint: parsing " + quote(s) + ": invalid syntax");
    }

    /** Go's {@code %q} for the plain strings of a Corefile token (quotes and backslashes escaped). */
    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
