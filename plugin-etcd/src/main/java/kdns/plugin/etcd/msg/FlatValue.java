package kdns.plugin.etcd.msg;

import java.nio.charset.StandardCharsets;

/**
 * The common shape of a SkyDNS value read without Jackson: one flat JSON object whose members are
 * printable-ASCII strings without escapes, integers of at most 18 digits, or {@code true}/{@code false}
 * (e.g. ExternalDNS's {@code {"host":"10.0.0.1","ttl":60,"text":"heritage=external-dns,..."}}). At
 * start-up every value of the path is decoded while the server is not ready yet, mostly by the
 * interpreter; creating a Jackson parser per value cost more than the whole decode here (10,000
 * values: about 0.2 s). Anything else (escapes, non-ASCII, {@code null}, fractions, nesting, a type
 * Go would reject, bad JSON) returns null and {@link Service#decode} hands the value to Jackson, so
 * what this accepts is a strict subset of valid JSON and decodes to exactly what Jackson's path gives.
 */
final class FlatValue {

    /** Longest integer taken here: 18 digits always fit a long, so no overflow check is needed. */
    private static final int MAX_DIGITS = 18;

    private final byte[] in;
    private int pos;

    private String host = "";
    private long port;
    private long priority;
    private long weight;
    private String text = "";
    private boolean mail;
    private long ttl;
    private long targetStrip;
    private String group = "";

    private FlatValue(byte[] in) {
        this.in = in;
    }

    /** The value as a Service, or null when it is not of the common shape (then Jackson decides). */
    static Service read(byte[] value) {
        return new FlatValue(value).object();
    }

    private Service object() {
        skipSpace();
        if (!take('{')) {
            return null;
        }
        skipSpace();
        if (!take('}')) {
            do {
                skipSpace();
                if (!member()) {
                    return null;
                }
                skipSpace();
            } while (take(','));
            if (!take('}')) {
                return null;
            }
        }
        skipSpace();
        if (pos != in.length) {
            return null;
        }
        return new Service(host, port, priority, weight, text, mail, ttl, targetStrip, group);
    }

    /** One {@code "name": value}; false when it is not of the common shape. */
    private boolean member() {
        int nameStart = pos + 1;
        int nameEnd = stringEnd();
        if (nameEnd < 0) {
            return false;
        }
        skipSpace();
        if (!take(':')) {
            return false;
        }
        skipSpace();
        if (pos >= in.length) {
            return false;
        }
        byte c = in[pos];
        if (c == '"') {
            int start = pos + 1;
            int end = stringEnd();
            if (end < 0) {
                return false;
            }
            String s = new String(in, start, end - start, StandardCharsets.ISO_8859_1);
            if (is(nameStart, nameEnd, "host")) {
                host = s;
            } else if (is(nameStart, nameEnd, "text")) {
                text = s;
            } else if (is(nameStart, nameEnd, "group")) {
                group = s;
            } else {
                return !isKnown(nameStart, nameEnd); // a string for a number or bool: Jackson words the error
            }
            return true;
        }
        if (c == '-' || (c >= '0' && c <= '9')) {
            return number(nameStart, nameEnd);
        }
        if (c == 't' || c == 'f') {
            boolean value = c == 't';
            if (!word(value ? "true" : "false")) {
                return false;
            }
            if (is(nameStart, nameEnd, "mail")) {
                mail = value;
                return true;
            }
            return !isKnown(nameStart, nameEnd);
        }
        return false; // null, an object or array, or not JSON
    }

    /** An integer for a numeric field; false for a fraction, a long number, or a bound Go would reject. */
    private boolean number(int nameStart, int nameEnd) {
        boolean negative = take('-');
        int start = pos;
        long n = 0;
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
            n = n * 10 + (in[pos++] - '0');
        }
        int digits = pos - start;
        if (digits == 0 || digits > MAX_DIGITS || (digits > 1 && in[start] == '0')) {
            return false;
        }
        if (pos < in.length && (in[pos] == '.' || in[pos] == 'e' || in[pos] == 'E')) {
            return false;
        }
        long v = negative ? -n : n;
        if (is(nameStart, nameEnd, "port")) {
            port = v;
        } else if (is(nameStart, nameEnd, "priority")) {
            priority = v;
        } else if (is(nameStart, nameEnd, "weight")) {
            weight = v;
        } else if (is(nameStart, nameEnd, "targetstrip")) {
            targetStrip = v;
        } else if (is(nameStart, nameEnd, "ttl")) {
            if (v < 0 || v > 0xFFFFFFFFL) {
                return false;
            }
            ttl = v;
        } else {
            return !isKnown(nameStart, nameEnd);
        }
        return true;
    }

    /**
     * At an opening quote: moves past the closing one and returns the index of it, or -1 for a
     * string with an escape, a control character or a non-ASCII byte, or no closing quote.
     */
    private int stringEnd() {
        if (!take('"')) {
            return -1;
        }
        while (pos < in.length) {
            byte c = in[pos++];
            if (c == '"') {
                return pos - 1;
            }
            if (c == '\\' || c < 0x20 || c > 0x7E) {
                return -1;
            }
        }
        return -1;
    }

    private boolean word(String w) {
        if (in.length - pos < w.length()) {
            return false;
        }
        for (int i = 0; i < w.length(); i++) {
            if (in[pos + i] != w.charAt(i)) {
                return false;
            }
        }
        pos += w.length();
        return true;
    }

    /** The name's bytes equal {@code lower} ignoring ASCII case (Go matches field names case-insensitively). */
    private boolean is(int start, int end, String lower) {
        if (end - start != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            int c = in[start + i];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean isKnown(int start, int end) {
        return is(start, end, "host") || is(start, end, "text") || is(start, end, "group") || is(start, end, "mail")
                || is(start, end, "port") || is(start, end, "priority") || is(start, end, "weight")
                || is(start, end, "targetstrip") || is(start, end, "ttl");
    }

    private boolean take(char c) {
        if (pos < in.length && in[pos] == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void skipSpace() {
        while (pos < in.length) {
            byte c = in[pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }
}
