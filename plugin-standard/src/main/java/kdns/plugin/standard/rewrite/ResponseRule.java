package kdns.plugin.standard.rewrite;

import java.io.IOException;
import java.util.function.Function;
import kdns.api.Request;
import kdns.api.lookup.UpstreamLookup;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NAPTRRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * What a matching rule does to the reply: a record in, the record to write out (dnsjava's records
 * are immutable, so a changed record is a new one). Message-level rules (rcode) act on the header;
 * a rule may also change the reply's sections (cname, edns0 revert). A rule that needs a lookup
 * through the server first says so with {@link #lookup}.
 */
interface ResponseRule {

    /** The record as the reply should carry it; {@code reply}'s header and sections may be changed too. */
    Record apply(Reply reply, Record rr);

    /** True for rules on the message itself, also applied to a reply without records. */
    default boolean messageLevel() {
        return false;
    }

    /**
     * True for the edns0 revert rules, which are also applied to a copy of the query's OPT record
     * while the reply is written, so the server's writer does not echo what the rules put in.
     */
    default boolean revertsQueryOpt() {
        return false;
    }

    /**
     * The lookup this rule needs for {@code rr} before it can go on, or null to be {@link #apply applied}
     * as it is. The reverter runs the lookup and hands its reply to {@link Lookup#then}.
     */
    default Lookup lookup(Reply reply, Record rr) {
        return null;
    }

    /**
     * A lookup through the server and what to do with its reply.
     *
     * @param request the query to serve through the server
     * @param then    the record as the reply should carry it, given the lookup's reply (null when
     *                nothing was written)
     */
    record Lookup(UpstreamLookup upstream, Request request,
                  Function<Message, Record> then) {
    }

    /** Owner names through {@code names}. */
    static ResponseRule owner(StringRewriter names) {
        return (reply, rr) -> {
            String owner = rr.getName().toString();
            String changed = names.rewrite(owner);
            Name n = changed.equals(owner) ? null : name(changed);
            return n == null ? rr : rr.withName(n);
        };
    }

    /** The name a record points to (CNAME, DNAME, NS, PTR, SRV, MX, NAPTR replacement, SOA mname) through {@code names}. */
    static ResponseRule value(StringRewriter names) {
        return (reply, rr) -> {
            Name target = target(rr);
            if (target == null) {
                return rr;
            }
            String text = target.toString();
            String changed = names.rewrite(text);
            Name n = changed.equals(text) ? null : name(changed);
            return n == null ? rr : withTarget(rr, n);
        };
    }

    /** TTLs clamped into [min, max] (not the OPT record's, whose TTL field holds EDNS flags). */
    static ResponseRule ttl(long min, long max) {
        return (reply, rr) -> {
            long ttl = rr.getTTL() < min ? min : Math.min(rr.getTTL(), max);
            if (ttl == rr.getTTL() || rr.getType() == Type.OPT) {
                return rr;
            }
            try {
                return Record.fromString(rr.getName(), rr.getType(), rr.getDClass(), ttl, rr.rdataToString(), Name.root);
            } catch (IOException | RuntimeException e) {
                return rr;
            }
        };
    }

    /** Rcode {@code from} becomes {@code to}. */
    static ResponseRule rcode(int from, int to) {
        return new ResponseRule() {
            @Override
            public Record apply(Reply reply, Record rr) {
                Message m = reply.message();
                if (m.getRcode() == from) {
                    m.getHeader().setRcode(to);
                }
                return rr;
            }

            @Override
            public boolean messageLevel() {
                return true;
            }
        };
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text);
        } catch (TextParseException e) {
            return null; // not a name: the record keeps its value
        }
    }

    private static Name target(Record rr) {
        return switch (rr) {
            case SRVRecord r -> r.getTarget();
            case MXRecord r -> r.getTarget();
            case CNAMERecord r -> r.getTarget();
            case NSRecord r -> r.getTarget();
            case DNAMERecord r -> r.getTarget();
            case NAPTRRecord r -> r.getReplacement();
            case SOARecord r -> r.getHost();
            case PTRRecord r -> r.getTarget();
            default -> null;
        };
    }

    private static Record withTarget(Record rr, Name t) {
        Name o = rr.getName();
        int c = rr.getDClass();
        long ttl = rr.getTTL();
        return switch (rr) {
            case SRVRecord r -> new SRVRecord(o, c, ttl, r.getPriority(), r.getWeight(), r.getPort(), t);
            case MXRecord r -> new MXRecord(o, c, ttl, r.getPriority(), t);
            case CNAMERecord r -> new CNAMERecord(o, c, ttl, t);
            case NSRecord r -> new NSRecord(o, c, ttl, t);
            case DNAMERecord r -> new DNAMERecord(o, c, ttl, t);
            case NAPTRRecord r -> new NAPTRRecord(o, c, ttl, r.getOrder(), r.getPreference(), r.getFlags(),
                    r.getService(), r.getRegexp(), t);
            case SOARecord r -> new SOARecord(o, c, ttl, t, r.getAdmin(), r.getSerial(), r.getRefresh(), r.getRetry(),
                    r.getExpire(), r.getMinimum());
            case PTRRecord r -> new PTRRecord(o, c, ttl, t);
            default -> rr;
        };
    }
}
