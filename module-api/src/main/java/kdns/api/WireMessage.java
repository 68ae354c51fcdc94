package kdns.api;

import org.xbill.DNS.Type;

/**
 * A DNS message in wire form with its parts located, not parsed: the header, the one question and
 * the EDNS0 OPT record, found by one walk over the record boundaries. It lets a reply that is
 * relayed as it came (forward's UDP replies, {@link ResponseWriter#writeWire}) be checked and
 * completed without building a {@link org.xbill.DNS.Message} and rendering it again.
 *
 * <p>{@link #locate} takes only the plain case and returns null for anything else (not exactly
 * one question, a compressed question name, two OPT records, an OPT not owned by the root, bytes
 * after the last record, a record running past the end, an A or AAAA record of the wrong length);
 * the caller then parses the message as before. The bytes are not copied: the view reads the
 * array it was given.
 */
public final class WireMessage {

    private static final int HEADER = 12;

    private final byte[] wire;
    private final int length;
    private final int questionEnd;
    private final int opt;
    private final boolean signed;

    private WireMessage(byte[] wire, int length, int questionEnd, int opt, boolean signed) {
        this.wire = wire;
        this.length = length;
        this.questionEnd = questionEnd;
        this.opt = opt;
        this.signed = signed;
    }

    /** Locates the parts of {@code wire[0, length)}; null when it is not the plain case above. */
    public static WireMessage locate(byte[] wire, int length) {
        if (length < HEADER || length > wire.length || u16(wire, 4) != 1) {
            return null;
        }
        int pos = HEADER;
        // The question's name is the only one compared byte by byte, so it must be spelled out.
        while (pos < length && wire[pos] != 0) {
            int label = wire[pos] & 0xff;
            if (label > 63) {
                return null;
            }
            pos += 1 + label;
        }
        pos += 1 + 4;
        if (pos > length || pos - HEADER - 4 > 255) {
            return null;
        }
        int questionEnd = pos;
        int records = u16(wire, 6) + u16(wire, 8);
        int additional = u16(wire, 10);
        int opt = -1;
        boolean signed = false;
        for (int i = 0; i < records + additional; i++) {
            int owner = pos;
            pos = skipName(wire, length, pos);
            if (pos < 0 || pos + 10 > length) {
                return null;
            }
            int type = u16(wire, pos);
            int rdlength = u16(wire, pos + 8);
            int end = pos + 10 + rdlength;
            if (end > length
                    || (type == Type.A && rdlength != 4) || (type == Type.AAAA && rdlength != 16)) {
                return null;
            }
            if (i >= records) {
                if (type == Type.OPT) {
                    if (opt >= 0 || pos != owner + 1 || wire[owner] != 0) {
                        return null;
                    }
                    opt = owner;
                } else if (type == Type.TSIG || type == Type.SIG) {
                    signed = true;
                }
            }
            pos = end;
        }
        if (pos != length) {
            return null;
        }
        return new WireMessage(wire, length, questionEnd, opt, signed);
    }

    /** The end of the name at {@code pos}, or -1 when it runs past the end or points forward. */
    private static int skipName(byte[] wire, int length, int pos) {
        int start = pos;
        while (pos < length) {
            int label = wire[pos] & 0xff;
            if (label == 0) {
                return pos + 1;
            }
            if ((label & 0xc0) == 0xc0) {
                if (pos + 1 >= length) {
                    return -1;
                }
                int target = ((label & 0x3f) << 8) | (wire[pos + 1] & 0xff);
                return target >= HEADER && target < start ? pos + 2 : -1;
            }
            if (label > 63) {
                return -1;
            }
            pos += 1 + label;
        }
        return -1;
    }

    /** The bytes this view reads. */
    public byte[] wire() {
        return wire;
    }

    /** How many of {@link #wire()}'s bytes are the message. */
    public int length() {
        return length;
    }

    /** The header's 16 flag bits (QR, opcode, AA, TC, RD, RA, Z, AD, CD and the low rcode). */
    public int flags() {
        return u16(wire, 2);
    }

    /** The QR bit: the message is a response. */
    public boolean response() {
        return (wire[2] & 0x80) != 0;
    }

    /** The TC bit. */
    public boolean truncated() {
        return (wire[2] & 0x02) != 0;
    }

    /** The rcode, with the OPT record's extended bits as {@link org.xbill.DNS.Message#getRcode}. */
    public int rcode() {
        int rcode = wire[3] & 0x0f;
        return opt < 0 ? rcode : rcode + ((wire[opt + 5] & 0xff) << 4);
    }

    /** The record count of a section ({@link org.xbill.DNS.Section} numbers). */
    public int count(int section) {
        return u16(wire, 4 + 2 * section);
    }

    /** The question's type. */
    public int questionType() {
        return u16(wire, questionEnd - 4);
    }

    /** The question's class. */
    public int questionClass() {
        return u16(wire, questionEnd - 2);
    }

    /** Where the question's name starts (always 12) and ends: the bytes a name's wire form is compared with. */
    public int questionNameEnd() {
        return questionEnd - 4;
    }

    /**
     * True when the question's name is {@code name} (an uncompressed wire-form name, as
     * {@link org.xbill.DNS.Name#toWire()} gives), byte for byte or, with {@code ignoreCase},
     * ignoring ASCII case as DNS names compare.
     */
    public boolean questionNameIs(byte[] name, boolean ignoreCase) {
        int n = questionNameEnd() - HEADER;
        if (name.length != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int a = wire[HEADER + i];
            int b = name[i];
            if (a != b && (!ignoreCase || lower(a) != lower(b))) {
                return false;
            }
        }
        return true;
    }

    /** The offset of the OPT record's owner name (its first byte), or -1 when there is none. */
    public int optOffset() {
        return opt;
    }

    /** True when the additional section holds a TSIG or SIG(0) record. */
    public boolean signed() {
        return signed;
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }
}
