package kdns.plugin.standard.golang;

import kdns.api.text.IpLiterals;

/**
 * An IP network as Go's {@code net.ParseCIDR} reads it ({@code 10.0.0.0/8}, {@code 2001:db8::/32}).
 *
 * @param network the address bytes, host bits cleared
 * @param bits    the prefix length
 */
public record Subnet(byte[] network, int bits) {

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException with Go's message ({@code invalid CIDR address: x})
     */
    public static Subnet parse(String text) {
        int slash = text.indexOf('/');
        byte[] ip = slash < 0 ? null : IpLiterals.parse(text.substring(0, slash));
        String len = slash < 0 ? "" : text.substring(slash + 1);
        if (ip == null || len.isEmpty() || len.length() > 3 || !len.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            throw new IllegalArgumentException("invalid CIDR address: " + text);
        }
        int bits = Integer.parseInt(len);
        if (bits > ip.length * 8) {
            throw new IllegalArgumentException("invalid CIDR address: " + text);
        }
        byte[] net = ip.clone();
        for (int i = 0; i < net.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            net[i] &= (byte) (0xff << (8 - keep));
        }
        return new Subnet(net, bits);
    }

    /** True when {@code ip} (4 or 16 octets) is in this network; IPv4 and IPv6 never match each other. */
    public boolean contains(byte[] ip) {
        if (ip.length != network.length) {
            return false;
        }
        for (int i = 0; i < ip.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            int mask = (0xff << (8 - keep)) & 0xff;
            if ((ip[i] & mask) != (network[i] & 0xff)) {
                return false;
            }
        }
        return true;
    }
}
