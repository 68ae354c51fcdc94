package kdns.host.corefile;

import java.nio.charset.StandardCharsets;

/**
 * The two miekg/dns name checks CoreDNS applies to server-block zones ({@code dns.Fqdn},
 * {@code dns.IsDomainName}), byte for byte. They are far more permissive than hostname rules:
 * {@code a,b}, {@code foo://x} or {@code (a)} are all "valid domain names".
 */
final class DnsNames {

    /** The longest name in wire format, counting length bytes. */
    private static final int MAX_WIRE_LENGTH = 256;
    private static final int MAX_LABEL = 63;

    private DnsNames() {
    }

    /** True when {@code s} ends in a dot that is not escaped by a backslash. */
    static boolean isFqdn(String s) {
        if (s.isEmpty() || s.charAt(s.length() - 1) != '.') {
            return false;
        }
        int backslashes = 0;
        for (int i = s.length() - 2; i >= 0 && s.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 0;
    }

    static String fqdn(String s) {
        return isFqdn(s) ? s : s + ".";
    }

    /**
     * Whether {@code name} could be packed as a domain name: not empty, no empty label (except
     * the root alone), labels at most 63 bytes, at most 255 bytes in wire format. Backslash escapes
     * ({@code \.}, {@code \DDD}) count as one byte.
     */
    static boolean isDomainName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        byte[] s = fqdn(name).getBytes(StandardCharsets.UTF_8);
        int off = 0;
        int begin = 0;
        boolean wasDot = false;
        for (int i = 0; i < s.length; i++) {
            switch (s[i]) {
                case '\\' -> {
                    if (off + 1 > MAX_WIRE_LENGTH) {
                        return false;
                    }
                    int skip = isDdd(s, i + 1) ? 3 : 1;
                    i += skip;
                    begin += skip;
                    wasDot = false;
                }
                case '.' -> {
                    if (i == 0 && s.length > 1) {
                        return false; // only the root may start with a dot
                    }
                    if (wasDot) {
                        return false;
                    }
                    wasDot = true;
                    int labelLength = i - begin;
                    if (labelLength > MAX_LABEL) {
                        return false;
                    }
                    off += 1 + labelLength;
                    if (off > MAX_WIRE_LENGTH) {
                        return false;
                    }
                    begin = i + 1;
                }
                default -> wasDot = false;
            }
        }
        return true;
    }

    private static boolean isDdd(byte[] s, int from) {
        return s.length - from >= 3 && isDigit(s[from]) && isDigit(s[from + 1]) && isDigit(s[from + 2]);
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }
}
