package kdns.plugin.cache;

/**
 * Where the TTL fields of a rendered reply are: the cache renders an item's reply once and
 * writes each later second's TTL into these four-byte fields of a copy.
 */
final class TtlOffsets {

    private static final int HEADER = 12;

    private TtlOffsets() {
    }

    /**
     * The offsets of the TTL fields of the first {@code records} records of {@code wire} (after
     * its one question), or null when the message does not have one question and that many
     * well-formed records.
     */
    static int[] of(byte[] wire, int records) {
        if (wire.length < HEADER || u16(wire, 4) != 1
                || u16(wire, 6) + u16(wire, 8) + u16(wire, 10) < records) {
            return null;
        }
        int pos = skipName(wire, HEADER);
        if (pos < 0 || pos + 4 > wire.length) {
            return null;
        }
        pos += 4;
        int[] offsets = new int[records];
        for (int i = 0; i < records; i++) {
            pos = skipName(wire, pos);
            if (pos < 0 || pos + 10 > wire.length) {
                return null;
            }
            offsets[i] = pos + 4;
            pos += 10 + u16(wire, pos + 8);
            if (pos > wire.length) {
                return null;
            }
        }
        return offsets;
    }

    /** The end of the (possibly compressed) name at {@code pos}, or -1 past the end. */
    private static int skipName(byte[] wire, int pos) {
        while (pos < wire.length) {
            int label = wire[pos] & 0xff;
            if (label == 0) {
                return pos + 1;
            }
            if ((label & 0xc0) == 0xc0) {
                return pos + 2 <= wire.length ? pos + 2 : -1;
            }
            if (label > 63) {
                return -1;
            }
            pos += 1 + label;
        }
        return -1;
    }

    private static int u16(byte[] wire, int at) {
        return ((wire[at] & 0xff) << 8) | (wire[at + 1] & 0xff);
    }
}
