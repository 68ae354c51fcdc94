package kdns.host.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.Header;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;

/**
 * kdns's own rendering of the common replies, byte for byte what the server's writer got from
 * dnsjava before ({@link Message#toWire(int)} for a question in lower case, {@link CaseKeepingWire}
 * for one in mixed case), with less garbage: dnsjava makes a {@code Name} and a copy of its bytes
 * for every suffix it looks up in its compression table, a table entry for every suffix written,
 * and grows its buffer from 32 bytes; here the names' bytes are compared in the output itself and
 * the output is a buffer kept per thread, copied once into the reply. Young collections are the
 * servers' p99 at moderate rates, so garbage per query is latency.
 *
 * <p>Only the record types the data plugins answer with are rendered (A, AAAA, CNAME, NS, PTR,
 * MX, SOA, SRV, TXT, and the OPT record); a reply holding any other type gives {@code null} and
 * the caller renders it with dnsjava as before. So does a reply whose question does not fit.
 */
final class ReplyRenderer {

    private static final int HEADER_LENGTH = 12;
    private static final int MAX_POINTER = 0x3FFF;
    private static final int TC_BIT = 0x0200;
    /** The fixed part of an OPT record without options: root owner, type, class, TTL, RDLENGTH. */
    private static final int EMPTY_OPT_LENGTH = 11;
    private static final int INDEXED_UP_TO = 16;
    private static final int SEEN = 64;

    /** Platform threads (the UDP readers) keep their state; virtual threads get a fresh one. */
    private static final ThreadLocal<ReplyRenderer> PER_THREAD = ThreadLocal.withInitial(() -> new ReplyRenderer(4096));

    private byte[] buf;
    private int pos;
    /** Where each name written in full starts in {@link #buf}: the compression table. */
    private int[] tablePos = new int[32];
    /** The wire length of the name that starts there, a cheap filter before comparing bytes. */
    private int[] tableLen = new int[32];
    private int tableSize;
    /**
     * The wire form of names rendered before, by identity, in slots by the name's hash: owners
     * repeat within a reply, and the names plugins keep (a zone's SOA names, the index's targets)
     * repeat across replies, so each is copied out of its {@code Name} once per thread rather
     * than once per record. A {@code Name} never changes, so an entry never goes stale.
     */
    private final Name[] seenNames = new Name[SEEN];
    private final byte[][] seenWire = new byte[SEEN][];
    /** The query's question name and the query's bytes holding it right after the header, or null. */
    private Name asked;
    private byte[] askedWire;

    private ReplyRenderer(int capacity) {
        this.buf = new byte[capacity];
    }

    /**
     * The reply's wire form within {@code maxLength} bytes: with dnsjava's compression and
     * truncation (whole RRsets left out, TC set when answer or authority records are) when
     * {@code exactCase} is false, with {@link CaseKeepingWire}'s when it is true. Null when the
     * reply holds a record this renderer does not know, or does not fit at all.
     */
    static byte[] render(Message m, int maxLength, boolean exactCase) {
        return render(m, maxLength, exactCase, null, null);
    }

    /**
     * {@link #render(Message, int, boolean)} for a reply to a query received as {@code query}
     * (null when there are no bytes) whose question name is {@code asked}: that name, the
     * question's and usually the answers' owner, is copied from the query's bytes as the client
     * spelled it, which is what dnsjava writes too, instead of out of the {@code Name}.
     */
    static byte[] render(Message m, int maxLength, boolean exactCase, Name asked, byte[] query) {
        ReplyRenderer r = Thread.currentThread().isVirtual() ? new ReplyRenderer(512) : PER_THREAD.get();
        try {
            if (query != null && spelledOut(query, asked.length())) {
                r.asked = asked;
                r.askedWire = query;
            }
            return exactCase ? r.caseKeeping(m, maxLength) : r.likeDnsjava(m, maxLength);
        } finally {
            r.reset();
        }
    }

    /**
     * Whether {@code query} holds a name of {@code length} octets spelled out (no pointer) right
     * after the header: then those are the bytes the question's name was read from.
     */
    private static boolean spelledOut(byte[] query, int length) {
        int end = HEADER_LENGTH + length;
        if (end > query.length) {
            return false;
        }
        int at = HEADER_LENGTH;
        while (at < end) {
            int len = query[at] & 0xFF;
            if (len == 0) {
                return at == end - 1;
            }
            if (len > 63) {
                return false;
            }
            at += len + 1;
        }
        return false;
    }

    private void reset() {
        pos = 0;
        tableSize = 0;
        asked = null;
        askedWire = null;
    }

    /** What {@code Message.toWire(int)} gives without a TSIG key. */
    private byte[] likeDnsjava(Message m, int maxLength) {
        if (maxLength < HEADER_LENGTH) {
            return null;
        }
        OPTRecord opt = m.getOPT();
        byte[] optWire = optWire(opt);
        int limit = maxLength - optLength(opt, optWire);
        Header h = m.getHeader();
        int flags = writeHeader(h);
        int additionalCount = 0;
        for (int section = Section.QUESTION; section <= Section.ADDITIONAL; section++) {
            // The header counts what the sections hold (Message keeps them so); an empty section
            // is skipped without the list view and iterator getSection would cost.
            int n = h.getCount(section);
            if (n == 0) {
                continue;
            }
            List<Record> records = indexable(m.getSection(section));
            if (section == Section.QUESTION) {
                for (int i = 0; i < n; i++) {
                    writeQuestion(records.get(i), false);
                }
                if (pos > limit) {
                    return null; // dnsjava would cut the question itself: left to it
                }
                continue;
            }
            // dnsjava leaves out the RRset that does not fit and everything after it.
            int setStart = pos;
            int rendered = 0;
            int count = 0;
            int skipped = -1;
            Record last = null;
            for (int i = 0; i < n; i++) {
                Record rr = records.get(i);
                if (section == Section.ADDITIONAL && rr instanceof OPTRecord) {
                    continue;
                }
                if (last != null && !sameSet(rr, last)) {
                    setStart = pos;
                    rendered = count;
                }
                last = rr;
                if (!writeRecord(rr, false)) {
                    return null;
                }
                if (pos > limit) {
                    pos = setStart;
                    skipped = n - rendered;
                    break;
                }
                count++;
            }
            if (skipped < 0) {
                skipped = n - count;
            }
            if (skipped != 0 && section != Section.ADDITIONAL) {
                flags |= TC_BIT;
                put16At(4 + 2 * section, h.getCount(section) - skipped);
                for (int later = section + 1; later < Section.ADDITIONAL; later++) {
                    put16At(4 + 2 * later, 0);
                }
                break;
            }
            if (section == Section.ADDITIONAL) {
                additionalCount = h.getCount(section) - skipped;
            }
        }
        if (opt != null) {
            writeOpt(opt, optWire);
            additionalCount++;
        }
        put16At(2, flags);
        put16At(10, additionalCount);
        return Arrays.copyOf(buf, pos);
    }

    /** What {@link CaseKeepingWire#render} gives. */
    private byte[] caseKeeping(Message m, int maxLength) {
        writeHeader(m.getHeader());
        int[] counts = new int[4];
        Header h = m.getHeader();
        List<Record> questions = m.getSection(Section.QUESTION);
        for (int i = 0; i < h.getCount(Section.QUESTION); i++) {
            writeQuestion(questions.get(i), true);
            counts[Section.QUESTION]++;
        }
        OPTRecord opt = m.getOPT();
        byte[] optWire = optWire(opt);
        int reserve = optLength(opt, optWire);
        boolean truncated = false;
        sections:
        for (int section = Section.ANSWER; section <= Section.ADDITIONAL; section++) {
            int n = h.getCount(section);
            List<Record> records = n == 0 ? List.of() : indexable(m.getSection(section));
            for (int i = 0; i < n; i++) {
                Record rr = records.get(i);
                if (rr == opt) {
                    continue;
                }
                int before = pos;
                if (!writeRecord(rr, true)) {
                    return null;
                }
                if (pos + reserve > maxLength) {
                    pos = before;
                    truncated = true;
                    break sections;
                }
                counts[section]++;
            }
        }
        if (opt != null && pos + reserve <= maxLength) {
            writeOpt(opt, optWire);
            counts[Section.ADDITIONAL]++;
        }
        for (int s = 0; s < 4; s++) {
            put16At(4 + 2 * s, counts[s]);
        }
        if (truncated) {
            buf[2] |= 0x02; // TC
        }
        return Arrays.copyOf(buf, pos);
    }

    /**
     * The section for a loop by index: dnsjava's sections are linked lists, whose {@code get(i)}
     * walks; short ones (every common reply) are walked rather than given an iterator, long ones
     * copied.
     */
    private static List<Record> indexable(List<Record> section) {
        return section.size() <= INDEXED_UP_TO ? section : new ArrayList<>(section);
    }

    private static boolean sameSet(Record a, Record b) {
        return a.getRRsetType() == b.getRRsetType() && a.getDClass() == b.getDClass()
                && a.getName().equals(b.getName());
    }

    /**
     * Writes the header as the message holds it; returns its flags word, put together from its
     * parts: opcode, rcode, and bits 0 and 5 to 11, each of which dnsjava names a flag (so
     * {@code getFlag} reads it; {@code Header.toWire} would cost a DNSOutput and two arrays).
     */
    private int writeHeader(Header h) {
        int flags = (h.getOpcode() << 11) | h.getRcode();
        for (int bit = 0; bit <= 11; bit++) {
            if ((bit == 0 || bit >= 5) && h.getFlag(bit)) {
                flags |= 1 << (15 - bit);
            }
        }
        ensure(HEADER_LENGTH);
        put16(h.getID());
        put16(flags);
        for (int s = 0; s < 4; s++) {
            put16(h.getCount(s));
        }
        return flags;
    }

    private void writeQuestion(Record q, boolean exactCase) {
        writeName(q.getName(), true, exactCase);
        ensure(4);
        put16(q.getType());
        put16(q.getDClass());
    }

    /**
     * Writes one record; false, with nothing meaningful written, for a type this renderer leaves
     * to dnsjava. Names in record data are compressed as dnsjava does (CNAME, NS, PTR, MX, SOA;
     * never SRV's target), and not at all in case-keeping mode.
     */
    private boolean writeRecord(Record rr, boolean exactCase) {
        Class<?> type = rr.getClass();
        boolean known = type == ARecord.class || type == AAAARecord.class || type == TXTRecord.class
                || type == CNAMERecord.class || type == NSRecord.class || type == PTRRecord.class
                || type == MXRecord.class || type == SOARecord.class || type == SRVRecord.class;
        if (!known) {
            return false;
        }
        writeName(rr.getName(), true, exactCase);
        ensure(10);
        put16(rr.getType());
        put16(rr.getDClass());
        put32(rr.getTTL());
        int lengthAt = pos;
        pos += 2;
        boolean compress = !exactCase;
        if (type == TXTRecord.class) {
            // Each string with its length octet, as dnsjava writes them (the record's own list).
            List<byte[]> strings = ((TXTRecord) rr).getStringsAsByteArrays();
            for (int i = 0, n = strings.size(); i < n; i++) {
                byte[] b = strings.get(i);
                ensure(1 + b.length);
                buf[pos++] = (byte) b.length;
                System.arraycopy(b, 0, buf, pos, b.length);
                pos += b.length;
            }
        } else if (type == ARecord.class || type == AAAARecord.class) {
            // No names in these: the canonical form is the record data as it is.
            putBytes(rr.rdataToWireCanonical());
        } else if (type == CNAMERecord.class) {
            writeName(((CNAMERecord) rr).getTarget(), compress, false);
        } else if (type == NSRecord.class) {
            writeName(((NSRecord) rr).getTarget(), compress, false);
        } else if (type == PTRRecord.class) {
            writeName(((PTRRecord) rr).getTarget(), compress, false);
        } else if (type == MXRecord.class) {
            MXRecord mx = (MXRecord) rr;
            ensure(2);
            put16(mx.getPriority());
            writeName(mx.getTarget(), compress, false);
        } else if (type == SOARecord.class) {
            SOARecord soa = (SOARecord) rr;
            writeName(soa.getHost(), compress, false);
            writeName(soa.getAdmin(), compress, false);
            ensure(20);
            put32(soa.getSerial());
            put32(soa.getRefresh());
            put32(soa.getRetry());
            put32(soa.getExpire());
            put32(soa.getMinimum());
        } else {
            SRVRecord srv = (SRVRecord) rr;
            ensure(6);
            put16(srv.getPriority());
            put16(srv.getWeight());
            put16(srv.getPort());
            writeName(srv.getTarget(), false, false);
        }
        put16At(lengthAt, pos - lengthAt - 2);
        return true;
    }

    private static byte[] optWire(OPTRecord opt) {
        return opt == null || opt.getOptions().isEmpty() ? null : opt.toWire(Section.ADDITIONAL);
    }

    private static int optLength(OPTRecord opt, byte[] optWire) {
        return opt == null ? 0 : optWire == null ? EMPTY_OPT_LENGTH : optWire.length;
    }

    private void writeOpt(OPTRecord opt, byte[] optWire) {
        if (optWire != null) {
            putBytes(optWire);
            return;
        }
        ensure(EMPTY_OPT_LENGTH);
        buf[pos++] = 0; // the root
        put16(opt.getType());
        put16(opt.getDClass()); // the UDP payload size
        put32(opt.getTTL()); // extended rcode, version, flags
        put16(0);
    }

    /**
     * Writes a name, with a pointer to the longest suffix already written when {@code compress}
     * (dnsjava: case-insensitive match; case-keeping: exact), adding the suffixes written in full
     * to the table.
     */
    private void writeName(Name name, boolean compress, boolean exactCase) {
        byte[] w;
        int off;
        if (name == asked) {
            w = askedWire;
            off = HEADER_LENGTH;
        } else {
            w = wire(name);
            off = 0;
        }
        int end = off + name.length();
        ensure(end - off);
        while (w[off] != 0) {
            if (compress) {
                int at = lookup(w, off, end, exactCase);
                if (at >= 0) {
                    put16(0xC000 | at);
                    return;
                }
                if (pos <= MAX_POINTER) {
                    add(pos, end - off);
                }
            }
            int len = w[off] + 1;
            System.arraycopy(w, off, buf, pos, len);
            pos += len;
            off += len;
        }
        buf[pos++] = 0;
    }

    private int lookup(byte[] w, int off, int end, boolean exactCase) {
        int len = end - off;
        for (int i = 0; i < tableSize; i++) {
            if (tableLen[i] == len && sameName(tablePos[i], w, off, exactCase)) {
                return tablePos[i];
            }
        }
        return -1;
    }

    /** Whether the name written at {@code at} (pointers followed) is the one at {@code w[off]}. */
    private boolean sameName(int at, byte[] w, int off, boolean exactCase) {
        int a = at;
        int b = off;
        while (true) {
            while ((buf[a] & 0xC0) == 0xC0) {
                a = ((buf[a] & 0x3F) << 8) | (buf[a + 1] & 0xFF);
            }
            int len = buf[a];
            if (len != w[b]) {
                return false;
            }
            if (len == 0) {
                return true;
            }
            for (int k = 1; k <= len; k++) {
                byte x = buf[a + k];
                byte y = w[b + k];
                if (x != y && (exactCase || lower(x) != lower(y))) {
                    return false;
                }
            }
            a += len + 1;
            b += len + 1;
        }
    }

    /** ASCII lower case, as DNS names compare (and dnsjava's {@code Name.equals}). */
    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
    }

    private void add(int at, int len) {
        if (tableSize == tablePos.length) {
            tablePos = Arrays.copyOf(tablePos, tableSize * 2);
            tableLen = Arrays.copyOf(tableLen, tableSize * 2);
        }
        tablePos[tableSize] = at;
        tableLen[tableSize] = len;
        tableSize++;
    }

    /**
     * The uncompressed wire form of a name. A name in lower case (nearly all of them) costs one
     * array ({@code toWireCanonical}); dnsjava's {@code toWire()} makes a name per suffix.
     */
    private byte[] wire(Name name) {
        int slot = name.hashCode() & (SEEN - 1); // dnsjava keeps a name's hash once worked out
        if (seenNames[slot] == name) {
            return seenWire[slot];
        }
        byte[] w = name.canonicalize() == name ? name.toWireCanonical() : name.toWire();
        seenNames[slot] = name;
        seenWire[slot] = w;
        return w;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }

    private void putBytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    private void put16(int v) {
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void put32(long v) {
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void put16At(int at, int v) {
        buf[at] = (byte) (v >>> 8);
        buf[at + 1] = (byte) v;
    }
}
