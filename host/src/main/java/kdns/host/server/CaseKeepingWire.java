package kdns.host.server;

import java.util.HashMap;
import java.util.Map;
import org.xbill.DNS.Compression;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The wire form of a reply to a question spelled in mixed case (0x20), with names compressed only
 * against names spelled the same. dnsjava's own compression ignores case, so a lower-case owner
 * would become a pointer to the client's spelling of the question; CoreDNS's encoder keeps it, and
 * so does this one. Owner names are compressed; record data is written uncompressed (allowed by
 * RFC 3597 for every type). Records that do not fit in {@code maxLength} are left out with TC set,
 * room kept for the OPT record, as {@link Message#toWire(int)} does.
 */
final class CaseKeepingWire {

    private CaseKeepingWire() {
    }

    static byte[] render(Message m, int maxLength) {
        DNSOutput out = new DNSOutput(Math.min(maxLength, 4096));
        out.writeByteArray(m.getHeader().toWire());
        Compression c = new ExactCompression();
        int[] counts = new int[4];
        for (Record q : m.getSection(Section.QUESTION)) {
            q.getName().toWire(out, c);
            out.writeU16(q.getType());
            out.writeU16(q.getDClass());
            counts[Section.QUESTION]++;
        }
        OPTRecord opt = m.getOPT();
        byte[] optWire = opt == null ? null : opt.toWire(Section.ADDITIONAL);
        int reserve = optWire == null ? 0 : optWire.length;
        boolean truncated = false;
        sections:
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
            for (Record rr : m.getSection(section)) {
                if (rr == opt) {
                    continue;
                }
                int before = out.current();
                rr.getName().toWire(out, c);
                byte[] full = rr.toWire(section);
                int ownerLength = rr.getName().length();
                out.writeByteArray(full, ownerLength, full.length - ownerLength);
                if (out.current() + reserve > maxLength) {
                    out.jump(before);
                    truncated = true;
                    break sections;
                }
                counts[section]++;
            }
        }
        if (optWire != null && out.current() + optWire.length <= maxLength) {
            out.writeByteArray(optWire);
            counts[Section.ADDITIONAL]++;
        }
        byte[] wire = out.toByteArray();
        for (int s = 0; s < 4; s++) {
            wire[4 + 2 * s] = (byte) (counts[s] >>> 8);
            wire[5 + 2 * s] = (byte) counts[s];
        }
        if (truncated) {
            wire[2] |= 0x02; // TC
        }
        return wire;
    }

    /** Compression that reuses a name only when it is spelled exactly the same. */
    private static final class ExactCompression extends Compression {
        private static final int MAX_POINTER = 0x3FFF;
        private final Map<String, Integer> positions = new HashMap<>();

        @Override
        public void add(int pos, Name name) {
            if (pos <= MAX_POINTER) {
                positions.putIfAbsent(name.toString(), pos);
            }
        }

        @Override
        public int get(Name name) {
            return positions.getOrDefault(name.toString(), -1);
        }
    }
}
