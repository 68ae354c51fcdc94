package kdns.e2e;

import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/** Hand-made malformed DNS packets. */
final class TestPackets {

    private TestPackets() {
    }

    static byte[] query(String name, int type) {
        return Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, 1)).toWire();
    }

    static byte[] withQdcount(byte[] p, int n) {
        byte[] b = p.clone();
        b[4] = (byte) (n >>> 8);
        b[5] = (byte) n;
        return b;
    }

    static byte[] withOpcode(byte[] p, int opcode) {
        byte[] b = p.clone();
        b[2] = (byte) ((b[2] & 0x87) | (opcode << 3));
        return b;
    }

    static byte[] response(byte[] p) {
        byte[] b = p.clone();
        b[2] |= (byte) 0x80;
        return b;
    }

    private static byte[] header(int qdcount) {
        return new byte[] {0x12, 0x34, 0x01, 0x00, 0, (byte) qdcount, 0, 0, 0, 0, 0, 0};
    }

    /** A label length that runs past the end of the packet. */
    static byte[] badLabelLength() {
        byte[] h = header(1);
        byte[] q = {60, 'a', 'b', 'c', 0, 0, 1, 0, 1};
        return concat(h, q);
    }

    /** A compression pointer that points at itself. */
    static byte[] compressionLoop() {
        byte[] h = header(1);
        byte[] q = {(byte) 0xC0, 12, 0, 1, 0, 1};
        return concat(h, q);
    }

    /** A compression pointer past the end. */
    static byte[] pointerForward() {
        byte[] h = header(1);
        byte[] q = {(byte) 0xC0, (byte) 0xFF, 0, 1, 0, 1};
        return concat(h, q);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
