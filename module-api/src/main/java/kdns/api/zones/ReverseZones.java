package kdns.api.zones;

import kdns.api.text.IpLiterals;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reverse-zone arithmetic: CIDR networks to {@code in-addr.arpa.}/{@code ip6.arpa.} zones
 * (CoreDNS's {@code plugin/pkg/cidr}) and reverse names back to addresses.
 */
public final class ReverseZones {

    private static final String V4_SUFFIX = "in-addr.arpa.";
    private static final String V6_SUFFIX = "ip6.arpa.";

    private ReverseZones() {
    }

    /**
     * The reverse zones that exactly cover a CIDR, split on the next label boundary (8 bits for
     * IPv4, 4 for IPv6): {@code 10.0.0.0/15} gives {@code 0.10.in-addr.arpa.} and
     * {@code 1.10.in-addr.arpa.}; a {@code /25} gives 128 single-address zones. Host bits of the
     * address are ignored, as Go's {@code net.ParseCIDR} masks them.
     *
     * <p>Returns null when {@code s} is not a CIDR by Go's rules (so the caller treats it as a
     * plain zone name): IPv4 octets without leading zeros, no IPv6 zone ({@code %eth0}), a decimal
     * prefix length within the address size.
     *
     * @throws IllegalArgumentException {@code invalid CIDR <s>} for a CIDR written with a leading
     *     {@code :} or {@code 0…:} (CoreDNS rejects these: it is how IPv4-mapped networks are
     *     written, and their reverse zones would be wrong)
     */
    public static List<String> fromCidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            return null;
        }
        byte[] addr = IpLiterals.parse(s.substring(0, slash));
        if (addr == null) {
            return null;
        }
        int bits = parsePrefixLength(s.substring(slash + 1), addr.length * 8);
        if (bits < 0) {
            return null;
        }
        // CoreDNS checks this only after the text parsed as a CIDR: "::1/129" stays a zone name.
        if (s.charAt(0) == ':' || (s.charAt(0) == '0' && s.indexOf(':') >= 0)) {
            throw new IllegalArgumentException("invalid CIDR " + s);
        }
        boolean v4 = addr.length == 4;
        int step = v4 ? 8 : 4;
        int boundary = ((bits + step - 1) / step) * step;
        byte[] network = masked(addr, bits);
        int count = 1 << (boundary - bits);
        List<String> zones = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            byte[] subnet = withSubnetIndex(network, bits, boundary, k);
            zones.add(v4 ? v4Zone(subnet, boundary / 8) : v6Zone(subnet, boundary / 4));
        }
        return List.copyOf(zones);
    }

    private static byte[] masked(byte[] addr, int bits) {
        byte[] net = addr.clone();
        for (int i = bits; i < net.length * 8; i++) {
            net[i / 8] &= (byte) ~(0x80 >>> (i % 8));
        }
        return net;
    }

    /** The k-th subnet of the split: k is written into the bits between the prefix and the boundary. */
    private static byte[] withSubnetIndex(byte[] network, int bits, int boundary, int k) {
        byte[] a = network.clone();
        for (int i = 0; i < boundary - bits; i++) {
            if ((k & (1 << i)) != 0) {
                int bit = boundary - 1 - i;
                a[bit / 8] |= (byte) (0x80 >>> (bit % 8));
            }
        }
        return a;
    }

    /** Go's {@code dtoi}: ASCII decimal only, leading zeros allowed; -1 when invalid or too long. */
    private static int parsePrefixLength(String text, int max) {
        if (text.isEmpty() || text.length() > 6) {
            return -1;
        }
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n <= max ? n : -1;
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static String v4Zone(byte[] a, int octets) {
        StringBuilder sb = new StringBuilder();
        for (int i = octets - 1; i >= 0; i--) {
            sb.append(a[i] & 0xff).append('.');
        }
        return sb.append(V4_SUFFIX).toString();
    }

    private static String v6Zone(byte[] a, int nibbles) {
        StringBuilder sb = new StringBuilder();
        for (int i = nibbles - 1; i >= 0; i--) {
            int b = a[i / 2] & 0xff;
            int nib = (i % 2 == 0) ? b >>> 4 : b & 0x0f;
            sb.append(Character.forDigit(nib, 16)).append('.');
        }
        return sb.append(V6_SUFFIX).toString();
    }

    /**
     * True for {@code in-addr.arpa.}, {@code ip6.arpa.} and the names below them (a lower-case,
     * fully qualified name); {@code foo-in-addr.arpa.} is not one.
     */
    public static boolean isReverse(String lowerName) {
        return lowerName.endsWith("." + V4_SUFFIX) || lowerName.endsWith("." + V6_SUFFIX)
                || lowerName.equals(V4_SUFFIX) || lowerName.equals(V6_SUFFIX);
    }

    /** The reverse name of an address: {@code 10.0.0.1} gives {@code 1.0.0.10.in-addr.arpa.}. */
    public static String reverseName(InetAddress address) {
        byte[] a = address.getAddress();
        return address instanceof Inet4Address ? v4Zone(a, 4) : v6Zone(a, 32);
    }

    /**
     * The address a full reverse name points at ({@code 1.0.0.10.in-addr.arpa.} gives
     * {@code 10.0.0.1}), or null when the name is not a complete, valid reverse name. The suffix
     * is matched case-insensitively, as DNS names are (resolvers may randomise the case).
     */
    public static InetAddress addressOf(String reverseName) {
        String n = reverseName.toLowerCase(Locale.ROOT);
        if (!n.endsWith(".")) {
            n = n + ".";
        }
        try {
            if (n.endsWith("." + V4_SUFFIX)) {
                String[] labels = n.substring(0, n.length() - V4_SUFFIX.length() - 1).split("\\.", -1);
                if (labels.length != 4) {
                    return null;
                }
                byte[] b = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int v = decimalOctet(labels[3 - i]);
                    if (v < 0) {
                        return null;
                    }
                    b[i] = (byte) v;
                }
                return InetAddress.getByAddress(b);
            }
            if (n.endsWith("." + V6_SUFFIX)) {
                String[] labels = n.substring(0, n.length() - V6_SUFFIX.length() - 1).split("\\.", -1);
                if (labels.length != 32) {
                    return null;
                }
                byte[] b = new byte[16];
                for (int i = 0; i < 32; i++) {
                    String l = labels[31 - i];
                    int nib = l.length() == 1 ? hexValue(l.charAt(0)) : -1;
                    if (nib < 0) {
                        return null;
                    }
                    b[i / 2] |= (byte) (i % 2 == 0 ? nib << 4 : nib);
                }
                return InetAddress.getByAddress(b);
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }

    /** 0-255 written in ASCII decimal (1-3 digits), else -1. */
    private static int decimalOctet(String l) {
        if (l.isEmpty() || l.length() > 3) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < l.length(); i++) {
            char c = l.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v <= 255 ? v : -1;
    }
}
