package kdns.api;

import java.io.IOException;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A query's dnsjava {@link Message}, shared by every copy of a {@link Request} that says the same
 * message: either given (built by a plugin, or parsed by the server) or, for a query the server
 * received in the plain form, parsed only when something asks for it. Most queries are one
 * question and at most one OPT record without options, and routing, most plugins and the server's
 * writer read only the header, the question and the OPT fields; those are read here straight from
 * the bytes ({@link #read}), which saves the parse (the message, its header, four section lists,
 * the input buffer, the OPT record's own name and option list) for every query nobody asks the
 * message of.
 *
 * <p>For such a query the question record itself is made only when asked for ({@link #question}):
 * routing, the kubernetes plugin's usual answers and the writer of a wire reply need only the
 * question's type and class (read from the bytes) and its lower-case text ({@link Request#name}),
 * and dnsjava's name parse grows the name's array once per label (a fifth of what such a query
 * allocated, about 300 bytes, and a tenth of its Java time at saturation).
 *
 * <p>The message parsed later is dnsjava's parse of the same bytes, with the question and OPT
 * record objects this holder handed out put in place of dnsjava's equal ones, so identity checks
 * (the writer's "is this the query's question", {@link Request#replaceOpt}'s "is this the
 * current OPT") give the same answers before and after.
 */
final class QueryMessage {

    private static final int HEADER = 12;
    /** The longest name in wire form dnsjava accepts (RFC 1035 2.3.4), terminating zero included. */
    private static final int MAX_NAME = 255;
    /** An OPT record without options: root owner, type, class, TTL, RDLENGTH 0. */
    private static final int BARE_OPT = 1 + 2 + 2 + 4 + 2;

    private final byte[] wire;
    /** Set once: given, or made from the bytes when first asked for (one object, for identity checks). */
    private volatile Record question;
    private final int qtype;
    private final int qclass;
    private final OPTRecord opt;
    private final int id;
    private final int flags;
    private volatile Message message;

    /** A holder of a message already built. */
    QueryMessage(Message message) {
        this.message = message;
        this.wire = null;
        this.question = message.getQuestion();
        this.qtype = question == null ? 0 : question.getType();
        this.qclass = question == null ? 0 : question.getDClass();
        this.opt = null;
        this.id = 0;
        this.flags = 0;
    }

    private QueryMessage(byte[] wire, int qtype, int qclass, OPTRecord opt) {
        this.wire = wire;
        this.qtype = qtype;
        this.qclass = qclass;
        this.opt = opt;
        this.id = u16(wire, 0);
        this.flags = u16(wire, 2);
    }

    /**
     * The holder of the query in {@code wire} (exactly the message, nothing after it) when it is
     * the plain form: a query (QR clear) with one question whose name is spelled out (no
     * compression pointer, labels of at most 63 octets, at most 255 octets in all), no answer or
     * authority records and in the additional section nothing or a single OPT record owned by the
     * root with no options, ending exactly at the end of the bytes. dnsjava parses every such
     * message without error and to the same question, header and OPT fields. Null for anything
     * else: the caller parses the message with dnsjava as before, so its errors (FORMERR) and
     * results are unchanged.
     */
    static QueryMessage read(byte[] wire) {
        int length = wire.length;
        if (length < HEADER + 1 + 4 || (wire[2] & 0x80) != 0
                || u16(wire, 4) != 1 || u16(wire, 6) != 0 || u16(wire, 8) != 0) {
            return null;
        }
        int additional = u16(wire, 10);
        if (additional > 1) {
            return null;
        }
        int pos = HEADER;
        while (true) {
            if (pos >= length) {
                return null;
            }
            int label = wire[pos] & 0xff;
            if (label == 0) {
                break;
            }
            if (label > 63) {
                return null; // a pointer or a reserved label type
            }
            pos += 1 + label;
        }
        pos++;
        if (pos - HEADER > MAX_NAME || pos + 4 + additional * BARE_OPT != length) {
            return null;
        }
        int qtype = u16(wire, pos);
        int qclass = u16(wire, pos + 2);
        OPTRecord opt = null;
        if (additional == 1) {
            int o = pos + 4;
            if (wire[o] != 0 || u16(wire, o + 1) != Type.OPT || u16(wire, o + 9) != 0) {
                return null;
            }
            // The TTL holds the extended rcode (8 bits), the version (8) and the flags (16).
            opt = new OPTRecord(u16(wire, o + 3), wire[o + 5] & 0xff, wire[o + 6] & 0xff, u16(wire, o + 7));
        }
        // The name screened above (labels of at most 63 octets, no pointer, at most 255 octets)
        // is one dnsjava's Name parses without error: it is parsed when the question is asked for.
        return new QueryMessage(wire, qtype, qclass, opt);
    }

    /** The message, parsed now when it was not yet. */
    Message message() {
        Message m = message;
        if (m == null) {
            synchronized (this) {
                m = message;
                if (m == null) {
                    m = parse();
                    message = m;
                }
            }
        }
        return m;
    }

    /** The message when it is built, null while only the bytes were read. */
    Message built() {
        return message;
    }

    private Message parse() {
        Message m;
        try {
            m = new Message(wire);
        } catch (IOException e) {
            throw new IllegalStateException("a query read as plain did not parse", e);
        }
        // The same records, equal to dnsjava's; ours were handed out already, so they stay the ones.
        m.removeAllRecords(Section.QUESTION);
        m.addRecord(question(), Section.QUESTION);
        if (opt != null) {
            m.removeAllRecords(Section.ADDITIONAL);
            m.addRecord(opt, Section.ADDITIONAL);
        }
        return m;
    }

    /** The question: the message's, or the one read from the bytes (made now when it was not yet). */
    Record question() {
        Record q = question;
        if (q == null && wire != null) {
            synchronized (this) {
                q = question;
                if (q == null) {
                    q = Record.newRecord(readName(), qtype, qclass);
                    question = q;
                }
            }
        }
        return q;
    }

    /** Whether there is a question: always for a query read from bytes. */
    boolean hasQuestion() {
        return wire != null || question != null;
    }

    /** Whether this holds the query read from exactly {@code bytes} (so its name is theirs, as screened). */
    boolean readFrom(byte[] bytes) {
        return wire != null && wire == bytes;
    }

    /** The question type, without making the question record. */
    int qtype() {
        return qtype;
    }

    /** The question class, without making the question record. */
    int qclass() {
        return qclass;
    }

    private Name readName() {
        try {
            DNSInput in = new DNSInput(wire);
            in.jump(HEADER);
            return new Name(in);
        } catch (IOException e) {
            throw new IllegalStateException("a name read as plain did not parse", e); // screened by read
        }
    }

    /** The query's ID. */
    int id() {
        Message m = message;
        return m != null ? m.getHeader().getID() : id;
    }

    /** The opcode. */
    int opcode() {
        Message m = message;
        return m != null ? m.getHeader().getOpcode() : (flags >>> 11) & 0xf;
    }

    /** A header flag ({@link Flags} number). */
    boolean flag(int flag) {
        Message m = message;
        if (m != null) {
            return m.getHeader().getFlag(flag);
        }
        if (flag < 0 || flag > 15 || !Flags.isFlag(flag)) {
            throw new IllegalArgumentException("invalid flag bit " + flag); // as dnsjava's Header says
        }
        return (flags & (1 << (15 - flag))) != 0;
    }

    /** The OPT record, or null. */
    OPTRecord opt() {
        Message m = message;
        return m != null ? m.getOPT() : opt;
    }

    /** The query's size in octets: as received, or as rendered for a message a plugin built. */
    int size() {
        Message m = message;
        if (m == null) {
            return wire.length;
        }
        int n = m.numBytes();
        return n > 0 ? n : m.toWire().length;
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }
}
