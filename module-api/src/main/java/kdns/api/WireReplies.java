package kdns.api;

import java.util.Arrays;
import kdns.api.zones.SyntheticSoa;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Type;

/**
 * The two most common authoritative replies of the data-set plugins (kubernetes, etcd) written
 * straight in wire form: A or AAAA records of the query's own name, and a negative reply (NXDOMAIN,
 * NODATA) with the zone's SOA. They are the bytes the server renders from the messages the plugins
 * build otherwise (header with QR and AA, the question as the client sent it, names compressed as
 * the server's renderer and dnsjava compress them, the bare OPT record when the query had one),
 * without the message, its lists and the record objects a reply costs per query. The server's
 * writer ({@link ResponseWriter#writeWire}) completes the header and the OPT record as it does for
 * any wire reply, and declines a reply larger than the query may get. Each method gives null for a
 * query it does not write; the plugin then builds the message.
 */
public final class WireReplies {

    private static final int HEADER = 12;
    /** QR and AA, the reply's own flags; the writer puts in the query's opcode, RD and CD. */
    private static final int FLAGS = 0x8000 | 0x0400;
    private static final int OPT_LENGTH = 11;
    /** Room for the longest negative reply: a 255-octet question, the SOA with two names of up to 255, the OPT. */
    private static final int SCRATCH = 1024;

    /** Platform threads (the UDP readers) keep a buffer for negative replies; virtual threads get a fresh one. */
    private static final ThreadLocal<byte[]> PER_THREAD = ThreadLocal.withInitial(() -> new byte[SCRATCH]);

    /** The lower-case wire forms of a zone's SOA names: the zone, {@code ns.dns.<zone>}, {@code hostmaster.<zone>}. */
    public record SoaWire(byte[] zone, byte[] ns, byte[] mbox) {
        /** The canonical (lower-case) wire forms of the three names. */
        public static SoaWire of(Name zone, Name ns, Name mbox) {
            return new SoaWire(zone.toWireCanonical(), ns.toWireCanonical(), mbox.toWireCanonical());
        }
    }

    private WireReplies() {
    }

    /**
     * The reply to {@code request} holding {@code count} records of type {@code qtype} (A or AAAA)
     * owned by the query's name, in order: {@code ttls[i]} and {@code addresses[i]} (4 octets for
     * A, 16 for AAAA), when the query is one {@link #received} gives.
     */
    public static WireMessage address(Request request, int qtype, long[] ttls, byte[][] addresses, int count) {
        byte[] query = received(request);
        int questionEnd = query == null ? -1 : questionEnd(query);
        int size = qtype == Type.A ? 4 : qtype == Type.AAAA ? 16 : -1;
        if (questionEnd < 0 || size < 0 || count < 1 || count > 0xFFFF) {
            return null;
        }
        for (int i = 0; i < count; i++) {
            if (addresses[i].length != size) {
                return null;
            }
        }
        boolean opt = request.opt() != null;
        int length = questionEnd + count * (12 + size) + (opt ? OPT_LENGTH : 0);
        byte[] wire = new byte[length];
        int at = header(wire, query, questionEnd, 0, count, 0, opt);
        for (int i = 0; i < count; i++) {
            put16(wire, at, 0xC000 | HEADER); // the owner: a pointer to the question's name
            put16(wire, at + 2, qtype);
            put16(wire, at + 4, 1); // IN
            put32(wire, at + 6, ttls[i]);
            put16(wire, at + 10, size);
            System.arraycopy(addresses[i], 0, wire, at + 12, size);
            at += 12 + size;
        }
        if (opt) {
            bareOpt(wire, at);
        }
        return WireMessage.locate(wire, length);
    }

    /**
     * The negative reply ({@code rcode}: NXDOMAIN, SERVFAIL, or NOERROR for NODATA) to
     * {@code request} with the SOA of its zone (names {@code soa}, owner TTL {@code ttl}), when the
     * query is one {@link #received} gives.
     */
    public static WireMessage negative(Request request, int rcode, SoaWire soa, long ttl, long serial, long minimum) {
        byte[] query = received(request);
        int questionEnd = query == null ? -1 : questionEnd(query);
        if (questionEnd < 0 || !endsWithZone(query, questionEnd - 4, soa.zone())) {
            return null;
        }
        boolean opt = request.opt() != null;
        byte[] out = Thread.currentThread().isVirtual() ? new byte[SCRATCH] : PER_THREAD.get();
        int at = header(out, query, questionEnd, rcode, 0, 1, opt);
        at = writeName(out, at, soa.zone(), at, at); // a pointer into the question: the zone is its suffix
        put16(out, at, Type.SOA);
        put16(out, at + 2, 1); // IN
        put32(out, at + 4, ttl);
        int lengthAt = at + 8;
        at += 10;
        int nsStart = at;
        at = writeName(out, at, soa.ns(), nsStart, at);
        at = writeName(out, at, soa.mbox(), nsStart, at);
        put32(out, at, serial & 0xFFFFFFFFL);
        put32(out, at + 4, SyntheticSoa.REFRESH);
        put32(out, at + 8, SyntheticSoa.RETRY);
        put32(out, at + 12, SyntheticSoa.EXPIRE);
        put32(out, at + 16, minimum);
        at += 20;
        put16(out, lengthAt, at - lengthAt - 2);
        if (opt) {
            bareOpt(out, at);
            at += OPT_LENGTH;
        }
        byte[] wire = Arrays.copyOf(out, at);
        return WireMessage.locate(wire, at);
    }

    /**
     * The query's bytes when the reply can be written from them: a query received as bytes whose
     * question the client spelled in lower case, with no OPT record or one without options (the
     * writer mirrors the client's OPT into the reply's, options apart). Null otherwise.
     */
    private static byte[] received(Request request) {
        if (request.mixedCase()) {
            return null;
        }
        OPTRecord opt = request.opt();
        return opt != null && !opt.getOptions().isEmpty() ? null : request.wire();
    }

    /** The end of the question right after the header, or -1 when its name is not spelled out there. */
    private static int questionEnd(byte[] query) {
        int pos = HEADER;
        while (pos < query.length) {
            int label = query[pos] & 0xff;
            if (label == 0) {
                return pos + 5 <= query.length ? pos + 5 : -1;
            }
            if (label > 63) {
                return -1;
            }
            pos += 1 + label;
        }
        return -1;
    }

    /** Whether the name at {@link #HEADER} (ending at {@code nameEnd}) ends with the labels of {@code zone}. */
    private static boolean endsWithZone(byte[] query, int nameEnd, byte[] zone) {
        int zoneAt = nameEnd - zone.length;
        int pos = HEADER;
        while (pos < zoneAt) {
            pos += 1 + (query[pos] & 0xff);
        }
        return pos == zoneAt && Arrays.equals(query, zoneAt, nameEnd, zone, 0, zone.length);
    }

    /** Writes the header and the question copied from the query; returns where the records start. */
    private static int header(byte[] out, byte[] query, int questionEnd, int rcode, int answers, int authority,
                              boolean opt) {
        put16(out, 0, 0); // the ID is the writer's to put in
        put16(out, 2, FLAGS | rcode);
        put16(out, 4, 1);
        put16(out, 6, answers);
        put16(out, 8, authority);
        put16(out, 10, opt ? 1 : 0);
        System.arraycopy(query, HEADER, out, HEADER, questionEnd - HEADER);
        return questionEnd;
    }

    /** The OPT record without options: root owner, type OPT; size, rcode, version and DO are the writer's. */
    private static void bareOpt(byte[] out, int at) {
        Arrays.fill(out, at, at + OPT_LENGTH, (byte) 0);
        put16(out, at + 1, Type.OPT);
    }

    /**
     * Writes {@code name} (lower-case wire form) at {@code at}, compressed as the server's renderer
     * compresses: the longest suffix already written becomes a pointer, looked for first among the
     * question's name and its suffixes, then among the labels written in full in
     * {@code [from, to)} (the SOA's names). Returns the end.
     */
    private static int writeName(byte[] out, int at, byte[] name, int from, int to) {
        int off = 0;
        while (name[off] != 0) {
            int found = find(out, name, off, from, to);
            if (found >= 0) {
                put16(out, at, 0xC000 | found);
                return at + 2;
            }
            int len = name[off] + 1;
            System.arraycopy(name, off, out, at, len);
            at += len;
            off += len;
        }
        out[at] = 0;
        return at + 1;
    }

    /** Where a name equal to {@code name[off..]} was written, in the renderer's table order; -1 when nowhere. */
    private static int find(byte[] out, byte[] name, int off, int from, int to) {
        for (int at = HEADER; out[at] != 0; at += out[at] + 1) {
            if (same(out, at, name, off)) {
                return at;
            }
        }
        for (int at = from; at < to && out[at] != 0 && (out[at] & 0xC0) == 0; at += out[at] + 1) {
            if (same(out, at, name, off)) {
                return at;
            }
        }
        return -1;
    }

    /** Whether the name at {@code out[at]} (pointers followed) is {@code name[off..]}. */
    private static boolean same(byte[] out, int at, byte[] name, int off) {
        while (true) {
            while ((out[at] & 0xC0) == 0xC0) {
                at = ((out[at] & 0x3F) << 8) | (out[at + 1] & 0xFF);
            }
            int len = out[at];
            if (len != name[off]) {
                return false;
            }
            if (len == 0) {
                return true;
            }
            if (!Arrays.equals(out, at + 1, at + 1 + len, name, off + 1, off + 1 + len)) {
                return false;
            }
            at += len + 1;
            off += len + 1;
        }
    }

    private static void put16(byte[] b, int off, int value) {
        b[off] = (byte) (value >>> 8);
        b[off + 1] = (byte) value;
    }

    private static void put32(byte[] b, int off, long value) {
        put16(b, off, (int) (value >>> 16));
        put16(b, off + 2, (int) value);
    }
}
