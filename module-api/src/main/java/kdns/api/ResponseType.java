package kdns.api;

import java.util.List;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What kind of reply a message is, as CoreDNS's {@code response.Typify} decides it: the log
 * plugin's {@code {rtype}} classes and the cache's choice of what to store and for how long.
 */
public enum ResponseType {
    /** A positive reply. */
    NOERROR,
    /** NXDOMAIN without answers, with or without an SOA (CoreDNS 1.14.5, #8199). */
    NXDOMAIN,
    /** SERVFAIL or NOTIMP. */
    SERVERERROR,
    /** The name exists, the type does not: NOERROR with an SOA in the authority section. */
    NODATA,
    /** NOERROR with NS records in the authority section. */
    DELEGATION,
    /** NOTIFY, AXFR or IXFR. */
    META,
    /** A dynamic update. */
    UPDATE,
    /** Anything else, including no reply at all and expired signatures. */
    OTHERERROR;

    private static final int[] SIGNED_SECTIONS = {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL};

    /** Classifies {@code m} (null when nothing was written); {@code nowSeconds} checks RRSIG validity. */
    public static ResponseType typify(Message m, long nowSeconds) {
        if (m == null) {
            return OTHERERROR;
        }
        Header h = m.getHeader();
        int opcode = h.getOpcode();
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
        if (opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0 && hasExpiredSignature(m, nowSeconds)) {
            return OTHERERROR;
        }
        int rcode = m.getRcode();
        List<Record> answer = m.getSection(Section.ANSWER);
        if (!answer.isEmpty() && rcode == Rcode.NOERROR) {
            return NOERROR;
        }
        if (!answer.isEmpty() && rcode == Rcode.NXDOMAIN) {
            return OTHERERROR;
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
            return NODATA;
        }
        if (rcode == Rcode.NXDOMAIN) {
            return NXDOMAIN;
        }
        if (rcode == Rcode.SERVFAIL || rcode == Rcode.NOTIMP) {
            return SERVERERROR;
        }
        if (ns > 0 && rcode == Rcode.NOERROR) {
            return DELEGATION;
        }
        if (rcode == Rcode.NOERROR) {
            return NOERROR;
        }
        return OTHERERROR;
    }

    private static boolean hasExpiredSignature(Message m, long now) {
        for (int section : SIGNED_SECTIONS) {
            for (Record r : m.getSection(section)) {
                if (r instanceof RRSIGRecord sig
                        && (now < sig.getTimeSigned().getEpochSecond() || now > sig.getExpire().getEpochSecond())) {
                    return true;
                }
            }
        }
        return false;
    }
}
