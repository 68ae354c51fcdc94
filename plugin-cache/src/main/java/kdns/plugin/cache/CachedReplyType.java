package kdns.plugin.cache;

import java.time.Instant;
import kdns.api.ResponseType;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
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

    /** Classifies {@code m} as CoreDNS's response.Typify does; {@code now} judges RRSIG validity. */
    static CachedReplyType typify(Message m, Instant now) {
        return switch (ResponseType.typify(m, now.getEpochSecond())) {
            case NOERROR -> NO_ERROR;
            case NXDOMAIN -> NAME_ERROR;
            case SERVERERROR -> SERVER_ERROR;
            case NODATA -> NO_DATA;
            case DELEGATION -> DELEGATION;
            case META -> META;
            case UPDATE -> UPDATE;
            case OTHERERROR -> OTHER_ERROR;
        };
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
