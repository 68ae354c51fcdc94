package kdns.api.grpc;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * CoreDNS's gRPC service ({@code pb/dns.proto}) without generated code:
 *
 * <pre>
 * package coredns.dns;
 * message DnsPacket { bytes msg = 1; }
 * service DnsService { rpc Query (DnsPacket) returns (DnsPacket); }
 * </pre>
 *
 * <p>A {@code DnsPacket} on the wire is the protobuf encoding of one {@code bytes} field: the tag
 * byte {@code 0x0a} (field 1, wire type 2), the length as a varint, the DNS message. Proto3 leaves
 * an empty field out, so an empty message encodes to no bytes. Decoding follows protobuf's rules:
 * the last field 1 wins, other fields (and field 1 with another wire type) are skipped as unknown
 * fields, and a truncated or malformed encoding is an error.
 */
public final class DnsPacket {

    /** The service's full name. */
    public static final String SERVICE = "coredns.dns.DnsService";

    /** The service's one method: a DNS message in, a DNS message out. */
    public static final String QUERY = "Query";

    private static final int TAG_MSG = (1 << 3) | 2; // field 1, length-delimited

    private DnsPacket() {
    }

    /** The protobuf encoding of {@code DnsPacket{msg}}. */
    public static byte[] encode(byte[] msg) {
        if (msg.length == 0) {
            return new byte[0];
        }
        int varint = varintSize(msg.length);
        byte[] out = new byte[1 + varint + msg.length];
        out[0] = TAG_MSG;
        int at = 1;
        long v = msg.length;
        while (v >= 0x80) {
            out[at++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        out[at++] = (byte) v;
        System.arraycopy(msg, 0, out, at, msg.length);
        return out;
    }

    /**
     * The {@code msg} field of an encoded {@code DnsPacket} (empty when absent).
     *
     * @throws MalformedPacketException when the bytes are not a protobuf message
     */
    public static byte[] decode(byte[] proto) throws MalformedPacketException {
        Reader r = new Reader(proto);
        byte[] msg = new byte[0];
        while (r.more()) {
            long tag = r.varint();
            int field = field(tag);
            int wireType = (int) (tag & 7);
            if (field == 1 && wireType == 2) {
                msg = r.bytes();
            } else {
                r.skip(field, wireType);
            }
        }
        return msg;
    }

    private static int field(long tag) throws MalformedPacketException {
        long field = tag >>> 3;
        if (field < 1 || field > (1 << 29) - 1) {
            throw new MalformedPacketException("invalid field number");
        }
        return (int) field;
    }

    private static int varintSize(long v) {
        int n = 1;
        while (v >= 0x80) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    /** A protobuf encoding that cannot be read. */
    public static final class MalformedPacketException extends Exception {
        MalformedPacketException(String message) {
            super(message);
        }
    }

    private static final class Reader {
        private final byte[] b;
        private int at;

        Reader(byte[] b) {
            this.b = b;
        }

        boolean more() {
            return at < b.length;
        }

        long varint() throws MalformedPacketException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (at >= b.length) {
                    throw new MalformedPacketException("unexpected EOF");
                }
                int x = b[at++] & 0xff;
                v |= (long) (x & 0x7f) << shift;
                if (x < 0x80) {
                    return v;
                }
            }
            throw new MalformedPacketException("variable length integer overflow");
        }

        byte[] bytes() throws MalformedPacketException {
            long len = varint();
            if (len < 0 || len > b.length - at) {
                throw new MalformedPacketException("unexpected EOF");
            }
            byte[] out = Arrays.copyOfRange(b, at, at + (int) len);
            at += (int) len;
            return out;
        }

        void fixed(int n) throws MalformedPacketException {
            if (b.length - at < n) {
                throw new MalformedPacketException("unexpected EOF");
            }
            at += n;
        }

        /** Skips an unknown field's value; a group is skipped up to its matching end (iteratively). */
        void skip(int field, int wireType) throws MalformedPacketException {
            ArrayDeque<Integer> groups = new ArrayDeque<>();
            while (true) {
                switch (wireType) {
                    case 0 -> varint();
                    case 1 -> fixed(8);
                    case 2 -> bytes();
                    case 5 -> fixed(4);
                    case 3 -> groups.push(field);
                    case 4 -> {
                        if (groups.isEmpty() || groups.pop() != field) {
                            throw new MalformedPacketException("mismatching end group marker");
                        }
                    }
                    default -> throw new MalformedPacketException("invalid wire type " + wireType);
                }
                if (groups.isEmpty()) {
                    return;
                }
                long tag = varint();
                field = field(tag);
                wireType = (int) (tag & 7);
            }
        }
    }
}
