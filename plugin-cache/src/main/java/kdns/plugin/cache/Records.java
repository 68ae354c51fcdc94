package kdns.plugin.cache;

import java.io.IOException;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Records with another TTL. dnsjava's records are immutable and its copy-with-TTL is not public,
 * so a record is re-read from its own wire form with the four TTL bytes replaced.
 */
final class Records {

    private Records() {
    }

    /** {@code r} with TTL {@code ttl}; {@code r} itself when it already has it. */
    static Record withTtl(Record r, long ttl) {
        if (r.getTTL() == ttl) {
            return r;
        }
        byte[] wire = r.toWire(Section.ANSWER);
        int at = r.getName().length() + 4; // name, type, class, then the TTL
        wire[at] = (byte) (ttl >>> 24);
        wire[at + 1] = (byte) (ttl >>> 16);
        wire[at + 2] = (byte) (ttl >>> 8);
        wire[at + 3] = (byte) ttl;
        try {
            return Record.fromWire(wire, Section.ANSWER);
        } catch (IOException e) {
            return r; // cannot happen for a record dnsjava wrote itself; keep the original TTL then
        }
    }

    /** A copy of {@code rrs} without OPT records, every TTL set to {@code ttl}. */
    static Record[] withTtl(Record[] rrs, long ttl) {
        Record[] out = new Record[rrs.length];
        for (int i = 0; i < rrs.length; i++) {
            out[i] = withTtl(rrs[i], ttl);
        }
        return out;
    }

    /** {@code rrs} without OPT records (hop-by-hop, never cached). */
    static Record[] withoutOpt(Record[] rrs) {
        int n = 0;
        for (Record r : rrs) {
            if (r.getType() != Type.OPT) {
                n++;
            }
        }
        if (n == rrs.length) {
            return rrs;
        }
        Record[] out = new Record[n];
        int j = 0;
        for (Record r : rrs) {
            if (r.getType() != Type.OPT) {
                out[j++] = r;
            }
        }
        return out;
    }

    /** Sets the TTL of every record of the reply's answer, authority and additional sections but OPT. */
    static void setTtls(Message m, long ttl) {
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
            Record[] rrs = m.getSectionArray(section);
            boolean change = false;
            for (Record r : rrs) {
                if (r.getType() != Type.OPT && r.getTTL() != ttl) {
                    change = true;
                    break;
                }
            }
            if (!change) {
                continue;
            }
            m.removeAllRecords(section);
            for (Record r : rrs) {
                m.addRecord(r.getType() == Type.OPT ? r : withTtl(r, ttl), section);
            }
        }
    }
}
