package kdns.api.text;

import java.util.Arrays;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;

/**
 * IP address literals without any name lookup: strict parsing as Go's {@code net.ParseIP} does
 * (dotted IPv4 without leading zeros, IPv6 with at most one {@code ::} and an optional trailing
 * IPv4 part, no zone), and Go's text form ({@code net.IP.String()}): dotted IPv4 (also for
 * IPv4-mapped IPv6) and RFC 5952 compressed IPv6 ({@code ::1}, not {@code 0:0:0:0:0:0:0:1}).
 */
public final class IpLiterals {

    private IpLiterals() {
    }

    /** The 4 or 16 bytes of an IP literal, or null when {@code s} is not one. */
    public static byte[] parse(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        return s.indexOf(':') >= 0 ? parse6(s) : parse4(s, 0);
    }

    /**
     * Go's {@code net.ParseIP} as the plugins compare addresses: the bytes of an IP literal with an
     * IPv4 address in IPv6 form ({@code ::ffff:1.2.3.4}) given as its 4 IPv4 bytes; null when
     * {@code s} is not an IP literal.
     */
    public static byte[] parseUnmapped(String s) {
        byte[] a = parse(s);
        return a == null ? null : unmapped(a);
    }

    /** The 4 IPv4 bytes of an IPv4-mapped IPv6 address; any other address as it is. */
    public static byte[] unmapped(byte[] a) {
        return a.length == 16 && isV4Mapped(a) ? Arrays.copyOfRange(a, 12, 16) : a;
    }

    /**
     * The address of 4 or 16 bytes, without a name lookup (IPv4-mapped IPv6 bytes give an
     * IPv4 address, as {@link InetAddress#getByAddress(byte[])} does).
     *
     * @throws IllegalArgumentException for another length
     */
    public static InetAddress address(byte[] a) {
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + a.length, e);
        }
    }

    /** True when {@code s} is an IP literal. */
    public static boolean isLiteral(String s) {
        return parse(s) != null;
    }

    private static byte[] parse4(String s, int from) {
        byte[] out = new byte[4];
        int field = 0;
        int p = from;
        int len = s.length();
        while (true) {
            int start = p;
            int value = 0;
            while (p < len && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
                value = value * 10 + (s.charAt(p) - '0');
                p++;
                if (p - start > 3) {
                    return null;
                }
            }
            int digits = p - start;
            if (digits == 0 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return null;
            }
            out[field++] = (byte) value;
            if (field == 4) {
                return p == len ? out : null;
            }
            if (p >= len || s.charAt(p) != '.') {
                return null;
            }
            p++;
        }
    }

    private static byte[] parse6(String s) {
        byte[] ip = new byte[16];
        int len = s.length();
        int ellipsis = -1;
        int i = 0;
        int p = 0;
        if (s.startsWith("::")) {
            ellipsis = 0;
            p = 2;
            if (p == len) {
                return ip;
            }
        }
        while (i < 16) {
            int start = p;
            int acc = 0;
            while (p < len && Character.digit(s.charAt(p), 16) >= 0 && p - start <= 4) {
                acc = (acc << 4) | Character.digit(s.charAt(p), 16);
                p++;
            }
            int digits = p - start;
            if (digits == 0 || digits > 4) {
                return null;
            }
            if (p < len && s.charAt(p) == '.') {
                if ((ellipsis < 0 && i != 12) || i + 4 > 16) {
                    return null;
                }
                byte[] v4 = parse4(s, start);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, ip, i, 4);
                i += 4;
                p = len;
                break;
            }
            ip[i] = (byte) (acc >> 8);
            ip[i + 1] = (byte) acc;
            i += 2;
            if (p == len) {
                break;
            }
            if (s.charAt(p) != ':') {
                return null;
            }
            p++;
            if (p < len && s.charAt(p) == ':') {
                if (ellipsis >= 0) {
                    return null;
                }
                ellipsis = i;
                p++;
                if (p == len) {
                    break;
                }
            } else if (p == len) {
                return null;
            }
        }
        if (p != len) {
            return null;
        }
        if (i < 16) {
            if (ellipsis < 0) {
                return null;
            }
            int n = 16 - i;
            for (int j = i - 1; j >= ellipsis; j--) {
                ip[j + n] = ip[j];
            }
            for (int j = ellipsis + n - 1; j >= ellipsis; j--) {
                ip[j] = 0;
            }
        } else if (ellipsis >= 0) {
            return null; // "::" must stand for at least one group of zeros
        }
        return ip;
    }

    /** Go's text for an address given as 4 or 16 bytes. */
    public static String format(byte[] a) {
        StringBuilder sb = new StringBuilder(39);
        appendTo(sb, a);
        return sb.toString();
    }

    /** Go's text for {@code address}, with {@code %zone} for scoped IPv6 addresses. */
    public static String format(InetAddress address) {
        StringBuilder sb = new StringBuilder(39);
        appendTo(sb, address);
        return sb.toString();
    }

    /** Appends Go's text for {@code address} (and its IPv6 zone, if any). */
    public static StringBuilder appendTo(StringBuilder sb, InetAddress address) {
        appendTo(sb, address.getAddress());
        if (address instanceof Inet6Address v6) {
            NetworkInterface nif = v6.getScopedInterface();
            if (nif != null) {
                sb.append('%').append(nif.getName());
            } else if (v6.getScopeId() != 0) {
                sb.append('%').append(v6.getScopeId());
            }
        }
        return sb;
    }

    public static StringBuilder appendTo(StringBuilder sb, byte[] a) {
        if (a.length == 4) {
            return appendV4(sb, a, 0);
        }
        if (isV4Mapped(a)) {
            return appendV4(sb, a, 12);
        }
        // Longest run (first one on ties) of at least two zero groups becomes "::".
        int bestStart = -1;
        int bestLen = 0;
        for (int g = 0; g < 8; ) {
            if (group(a, g) == 0) {
                int start = g;
                while (g < 8 && group(a, g) == 0) {
                    g++;
                }
                if (g - start > bestLen && g - start >= 2) {
                    bestStart = start;
                    bestLen = g - start;
                }
            } else {
                g++;
            }
        }
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                sb.append("::");
                g += bestLen - 1;
                continue;
            }
            if (g > 0 && g != bestStart + bestLen) {
                sb.append(':');
            }
            sb.append(Integer.toHexString(group(a, g)));
        }
        return sb;
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    private static int group(byte[] a, int g) {
        return ((a[2 * g] & 0xff) << 8) | (a[2 * g + 1] & 0xff);
    }

    private static StringBuilder appendV4(StringBuilder sb, byte[] a, int off) {
        return sb.append(a[off] & 0xff).append('.').append(a[off + 1] & 0xff).append('.')
                .append(a[off + 2] & 0xff).append('.').append(a[off + 3] & 0xff);
    }

    /** Go's text for an IP literal, or null when {@code s} is not one. */
    public static String canonical(String s) {
        byte[] a = parse(s);
        return a == null ? null : format(a);
    }
}
