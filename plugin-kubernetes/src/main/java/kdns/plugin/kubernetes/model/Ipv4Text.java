package kdns.plugin.kubernetes.model;

/**
 * IPv4 addresses in their canonical dotted-quad text (no leading zeros, four decimal parts of
 * 0-255) held as one int: the text is exactly what {@link #format} gives back, so an address kept
 * as an int answers the same bytes as the string it came from.
 */
public final class Ipv4Text {

    private Ipv4Text() {
    }

    /** True when {@code s} is a canonical dotted quad, the text {@link #format} makes of {@link #parse}. */
    public static boolean isCanonical(String s) {
        int len = s.length();
        if (len < 7 || len > 15) {
            return false;
        }
        int parts = 0;
        int i = 0;
        while (i < len) {
            int start = i;
            int value = 0;
            while (i < len && s.charAt(i) != '.') {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    return false;
                }
                value = value * 10 + (c - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return false;
            }
            parts++;
            if (i < len) {
                i++; // the dot
                if (i == len) {
                    return false; // a trailing dot
                }
            }
        }
        return parts == 4;
    }

    /** The address of a text {@link #isCanonical} accepted, as an int (first octet highest). */
    public static int parse(String s) {
        int address = 0;
        int value = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                address = (address << 8) | value;
                value = 0;
            } else {
                value = value * 10 + (c - '0');
            }
        }
        return (address << 8) | value;
    }

    /** The canonical dotted-quad text of {@code address}. */
    public static String format(int address) {
        return appendTo(new StringBuilder(15), address, '.').toString();
    }

    /** {@code address}'s four octets in decimal, joined by {@code separator}. */
    public static StringBuilder appendTo(StringBuilder sb, int address, char separator) {
        return sb.append(address >>> 24).append(separator).append((address >>> 16) & 0xff).append(separator)
                .append((address >>> 8) & 0xff).append(separator).append(address & 0xff);
    }
}
