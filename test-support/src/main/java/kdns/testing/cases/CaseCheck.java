package kdns.testing.cases;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Compares a reply with an acceptance case's expectation: the rcode, then each section as an
 * unordered multiset of records in presentation form, with owner names compared case-sensitively
 * (0x20), TTLs exactly and SOA serials ignored; a CNAME must precede the records of its target.
 * Returns the differences as text (empty when the reply matches), so a failure says what is wrong.
 */
public final class CaseCheck {

    private CaseCheck() {
    }

    /** The expected part of a case. Sections hold zone-file lines: {@code name ttl class type rdata}. */
    public record Expected(String rcode, List<String> answer, List<String> ns, List<String> extra) {
        public Expected {
            answer = List.copyOf(answer);
            ns = List.copyOf(ns);
            extra = List.copyOf(extra);
        }
    }

    /** The differences between {@code reply} and {@code expected}; empty when they agree. */
    public static List<String> differences(Message reply, Expected expected) {
        List<String> diffs = new ArrayList<>();
        String rcode = Rcode.string(reply.getRcode());
        if (!rcode.equals(expected.rcode())) {
            diffs.add("rcode: got " + rcode + ", want " + expected.rcode());
        }
        compare("answer", reply.getSection(Section.ANSWER), expected.answer(), diffs);
        compare("authority", reply.getSection(Section.AUTHORITY), expected.ns(), diffs);
        List<Record> extra = new ArrayList<>();
        for (Record r : reply.getSection(Section.ADDITIONAL)) {
            if (r.getType() != Type.OPT) {
                extra.add(r);
            }
        }
        compare("additional", extra, expected.extra(), diffs);
        checkCnameOrder(reply.getSection(Section.ANSWER), diffs);
        return diffs;
    }

    /** Parses one zone-file line into a record (absolute names). */
    public static Record parse(String line) {
        try (Master m = new Master(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)), Name.root)) {
            Record r = m.nextRecord();
            if (r == null) {
                throw new IllegalArgumentException("no record in '" + line + "'");
            }
            return r;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot parse record '" + line + "': " + e.getMessage(), e);
        }
    }

    /** A record's text for comparison: case-preserving owner, exact TTL, SOA serial zeroed. */
    public static String canonical(Record r) {
        if (r instanceof SOARecord soa) {
            r = new SOARecord(soa.getName(), soa.getDClass(), soa.getTTL(), soa.getHost(), soa.getAdmin(), 0,
                    soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum());
        }
        return r.getName().toString() + " " + r.getTTL() + " " + org.xbill.DNS.DClass.string(r.getDClass()) + " "
                + Type.string(r.getType()) + " " + r.rdataToString();
    }

    private static void compare(String section, List<Record> got, List<String> want, List<String> diffs) {
        List<String> g = new ArrayList<>(got.stream().map(CaseCheck::canonical).toList());
        List<String> w = new ArrayList<>(want.stream().map(s -> canonical(parse(s))).toList());
        List<String> missing = new ArrayList<>();
        for (String x : w) {
            if (!g.remove(x)) {
                missing.add(x);
            }
        }
        for (String x : missing) {
            diffs.add(section + ": missing " + x);
        }
        for (String x : g) {
            diffs.add(section + ": unexpected " + x);
        }
    }

    private static void checkCnameOrder(List<Record> answer, List<String> diffs) {
        for (int i = 0; i < answer.size(); i++) {
            if (answer.get(i).getType() != Type.CNAME) {
                continue;
            }
            Name target = ((org.xbill.DNS.CNAMERecord) answer.get(i)).getTarget();
            for (int j = 0; j < i; j++) {
                if (answer.get(j).getName().equals(target)) {
                    diffs.add("answer: " + canonical(answer.get(j)) + " comes before the CNAME that points to it");
                }
            }
        }
    }
}
