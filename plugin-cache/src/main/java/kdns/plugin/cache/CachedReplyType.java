package kdns.plugin.cache;

import java.time.Instant;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** How a reply is classified for caching (CoreDNS's {@code response.Typify}) and its TTL. */
enum CachedReplyType {
    /** A positive reply. */
    NO_ERROR,
    /** NXDOMAIN with an SOA in the authority section. */
    NAME_ERROR,
    /** SERVFAIL or NOTIMP: cached for the {@code servfail} duration. */
    SERVER_ERROR,
    /** NOERROR, no answer, an SOA in the authority section. */
    NO_DATA,
    /** NOERROR, no answer, NS records in the authority section. */
    DELEGATION,
    /** NOTIFY, or a zone transfer. */
    META,
    /** A dynamic update. */
    UPDATE,
    /** Anything else (REFUSED, FORMERR, NXDOMAIN without SOA, expired signatures): never cached. */
    OTHER_ERROR;

    /** True for the types the cache may store (before the TC and TTL checks). */
    boolean cacheable() {
        return this != OTHER_ERROR && this != META && this != UPDATE;
    }

    /** True for the types stored in the denial cache. */
    boolean denial() {
        return this == NAME_ERROR || this == NO_DATA || this == SERVER_ERROR;
    }

    /** Classifies {@code m}; {@code now} judges RRSIG validity when the reply has the DO bit. */
    static CachedReplyType typify(Message m, Instant now) {
        if (m == null) {
            return OTHER_ERROR;
        }
        int opcode = m.getHeader().getOpcode();
        if (opcode == Opcode.UPDATE) {
            return UPDATE;
        }
        if (opcode == Opcode.NOTIFY) {
            return META;
        }
        Record q = m.getQuestion();
        if (q != null && (q.getType() == Type.AXFR || q.getType() == Type.IXFR)) {
            return META;
        }
        OPTRecord opt = m.getOPT();
        if (opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0 && expiredSignatures(m, now)) {
            return OTHER_ERROR;
        }
        int rcode = m.getHeader().getRcode();
        if (!m.getSection(Section.ANSWER).isEmpty() && rcode == Rcode.NOERROR) {
            return NO_ERROR;
        }
        boolean soa = false;
        int ns = 0;
        for (Record r : m.getSection(Section.AUTHORITY)) {
            if (r.getType() == Type.SOA) {
                soa = true;
            } else if (r.getType() == Type.NS) {
                ns++;
            }
        }
        if (soa && rcode == Rcode.NOERROR) {
            return NO_DATA;
        }
        if (soa && rcode == Rcode.NXDOMAIN) {
            return NAME_ERROR;
        }
        if (rcode == Rcode.SERVFAIL || rcode == Rcode.NOTIMP) {
            return SERVER_ERROR;
        }
        if (ns > 0 && rcode == Rcode.NOERROR) {
            return DELEGATION;
        }
        if (rcode == Rcode.NOERROR) {
            return NO_ERROR;
        }
        return OTHER_ERROR;
    }

    private static boolean expiredSignatures(Message m, Instant now) {
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
            for (Record r : m.getSection(section)) {
                if (r instanceof RRSIGRecord sig
                        && (now.isBefore(sig.getTimeSigned()) || now.isAfter(sig.getExpire()))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The lowest TTL of the reply in seconds, at most 3600 (CoreDNS's {@code dnsutil.MinimalTTL});
     * 5 for replies that are not NOERROR, NXDOMAIN or NODATA and for replies without records. For
     * denial replies an SOA counts with the smaller of its TTL and its MINIMUM field (RFC 2308
     * section 5), so the SOA minimum bounds negative caching.
     */
    static long minimalTtl(Message m, CachedReplyType type) {
        if (type != NO_ERROR && type != NAME_ERROR && type != NO_DATA) {
            return CacheConfig.MIN_TTL;
        }
        Record[] answer = m.getSectionArray(Section.ANSWER);
        Record[] authority = m.getSectionArray(Section.AUTHORITY);
        Record[] additional = m.getSectionArray(Section.ADDITIONAL);
        if (answer.length + authority.length == 0
                && (additional.length == 0 || (additional.length == 1 && additional[0].getType() == Type.OPT))) {
            return CacheConfig.MIN_TTL;
        }
        long min = CacheConfig.MAX_TTL;
        for (Record r : answer) {
            min = Math.min(min, r.getTTL());
        }
        boolean denial = type == NAME_ERROR || type == NO_DATA;
        for (Record r : authority) {
            min = Math.min(min, r.getTTL());
            if (denial && r instanceof SOARecord soa) {
                min = Math.min(min, soa.getMinimum());
            }
        }
        for (Record r : additional) {
            if (r.getType() != Type.OPT) {
                min = Math.min(min, r.getTTL());
            }
        }
        return min;
    }

    /** True when the reply was truncated (TC): such replies are never stored. */
    static boolean truncated(Message m) {
        return m.getHeader().getFlag(Flags.TC);
    }
}
