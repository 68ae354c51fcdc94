package kdns.testing.cases;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
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
 * {@link Options} relaxes the name and class comparison as plugins.json's comparison rules say;
 * {@link #flagDifferences}, {@link #aaDifferences} and {@link #ednsDifferences} check the header
 * bits and the reply's OPT record.
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

    /**
     * How records are compared. {@code exactNames}: owner names and names in rdata compare exactly
     * (a 0x20 case, where the query name has upper-case letters); otherwise case-insensitively, TXT
     * strings still exactly. {@code compareClass}: the class of every record is compared (cases
     * that ask another class than IN); otherwise it is ignored.
     */
    public record Options(boolean exactNames, boolean compareClass) {
        /** Names exactly, classes compared: what {@link #differences(Message, Expected)} does. */
        public static final Options STRICT = new Options(true, true);

        /** The rules of plugins.json for a query name and whether the case has a {@code qclass}. */
        public static Options forQuery(String qname, boolean hasQclass) {
            return new Options(!qname.equals(qname.toLowerCase(Locale.ROOT)), hasQclass);
        }
    }

    /** The differences between {@code reply} and {@code expected}; empty when they agree. */
    public static List<String> differences(Message reply, Expected expected) {
        return differences(reply, expected, Options.STRICT);
    }

    /** The differences between {@code reply} and {@code expected} under {@code options}. */
    public static List<String> differences(Message reply, Expected expected, Options options) {
        List<String> diffs = new ArrayList<>();
        String rcode = Rcode.string(reply.getRcode());
        if (!rcode.equals(expected.rcode())) {
            diffs.add("rcode: got " + rcode + ", want " + expected.rcode());
        }
        compare("answer", reply.getSection(Section.ANSWER), expected.answer(), options, diffs);
        compare("authority", reply.getSection(Section.AUTHORITY), expected.ns(), options, diffs);
        List<Record> extra = new ArrayList<>();
        for (Record r : reply.getSection(Section.ADDITIONAL)) {
            if (r.getType() != Type.OPT) {
                extra.add(r);
            }
        }
        compare("additional", extra, expected.extra(), options, diffs);
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
        return canonical(r, Options.STRICT);
    }

    /**
     * A record's text for comparison under {@code options}: without exact names the owner and the
     * rdata are lower-cased (TXT/SPF strings are kept); without class comparison the class is left out.
     */
    public static String canonical(Record r, Options options) {
        String text = canonical0(r);
        if (options.exactNames() && options.compareClass()) {
            return text;
        }
        String owner = r.getName().toString();
        String rest = text.substring(owner.length() + 1);
        String ttl = rest.substring(0, rest.indexOf(' '));
        rest = rest.substring(ttl.length() + 1);
        String cls = rest.substring(0, rest.indexOf(' '));
        String typeAndData = rest.substring(cls.length() + 1);
        if (!options.exactNames()) {
            owner = owner.toLowerCase(Locale.ROOT);
            if (r.getType() != Type.TXT && r.getType() != Type.SPF) {
                typeAndData = typeAndData.toLowerCase(Locale.ROOT);
            }
        }
        return owner + " " + ttl + " " + (options.compareClass() ? cls + " " : "") + typeAndData;
    }

    private static String canonical0(Record r) {
        if (r instanceof SOARecord soa) {
            r = new SOARecord(soa.getName(), soa.getDClass(), soa.getTTL(), soa.getHost(), soa.getAdmin(), 0,
                    soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum());
        }
        return r.getName().toString() + " " + r.getTTL() + " " + DClass.string(r.getDClass()) + " "
                + Type.string(r.getType()) + " " + r.rdataToString();
    }

    private static void compare(String section, List<Record> got, List<String> want, Options options,
            List<String> diffs) {
        List<String> g = new ArrayList<>(got.stream().map(r -> canonical(r, options)).toList());
        List<String> w = new ArrayList<>(want.stream().map(s -> canonical(parse(s), options)).toList());
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
            Name target = ((CNAMERecord) answer.get(i)).getTarget();
            for (int j = 0; j < i; j++) {
                if (answer.get(j).getName().equals(target)) {
                    diffs.add("answer: " + canonical(answer.get(j)) + " comes before the CNAME that points to it");
                }
            }
        }
    }

    /** The header bits in {@code flags} (aa, ra, rd, tc, ad, cd) that are not exactly as wanted. */
    public static List<String> flagDifferences(Message reply, Map<String, Boolean> flags) {
        List<String> diffs = new ArrayList<>();
        flags.forEach((name, want) -> {
            int bit = Flags.value(name.toUpperCase(Locale.ROOT));
            if (bit < 0) {
                throw new IllegalArgumentException("unknown header flag '" + name + "'");
            }
            boolean got = reply.getHeader().getFlag(bit);
            if (got != want) {
                diffs.add("flag " + name + ": got " + (got ? "set" : "clear") + ", want " + (want ? "set" : "clear"));
            }
        });
        return diffs;
    }

    /**
     * The default AA rule: AA must be set on NOERROR and NXDOMAIN replies and on SERVFAIL replies
     * that carry an SOA in the authority section.
     */
    public static List<String> aaDifferences(Message reply) {
        int rcode = reply.getRcode();
        boolean soa = reply.getSection(Section.AUTHORITY).stream().anyMatch(r -> r.getType() == Type.SOA);
        boolean must = rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN || (rcode == Rcode.SERVFAIL && soa);
        if (must && !reply.getHeader().getFlag(Flags.AA)) {
            return List.of("flag aa: clear on a " + Rcode.string(rcode) + " reply, want set");
        }
        return List.of();
    }

    /**
     * Asserts what the kubernetes and multicluster harnesses assert of a reply: no
     * {@link #differences(Message, Expected)} and, as the answer of the zone's authority, AA set
     * on a NOERROR or NXDOMAIN reply and on any reply with an authority section. The failure
     * names {@code label} and shows the reply.
     */
    public static void assertAuthoritativeReply(String label, Message reply, Expected want) {
        List<String> diffs = differences(reply, want);
        if (!diffs.isEmpty()) {
            throw new AssertionError(label + ": " + diffs + "\n" + reply);
        }
        int rcode = reply.getRcode();
        if ((rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN || !reply.getSection(Section.AUTHORITY).isEmpty())
                && !reply.getHeader().getFlag(Flags.AA)) {
            throw new AssertionError(label + ": AA must be set\n" + reply);
        }
    }

    /**
     * What a case's {@code reply_edns} says of the reply's OPT record: {@code present} (null: not
     * checked), {@code udp} (the advertised size; null: not checked) and {@code options}, option
     * code to lower-case hex of the option data, or to null when the option must be absent.
     */
    public record EdnsExpectation(Boolean present, Integer udp, Map<Integer, String> options) {
    }

    /** The differences between the reply's OPT record and {@code want}. */
    public static List<String> ednsDifferences(Message reply, EdnsExpectation want) {
        List<String> diffs = new ArrayList<>();
        OPTRecord opt = reply.getOPT();
        if (want.present() != null && want.present() != (opt != null)) {
            diffs.add("edns: OPT record " + (opt != null ? "present" : "absent") + ", want "
                    + (want.present() ? "present" : "absent"));
        }
        if (want.udp() != null) {
            if (opt == null) {
                diffs.add("edns: no OPT record, want udp " + want.udp());
            } else if (opt.getPayloadSize() != want.udp()) {
                diffs.add("edns: udp " + opt.getPayloadSize() + ", want " + want.udp());
            }
        }
        if (want.options() != null) {
            want.options().forEach((code, hex) -> {
                List<String> got = new ArrayList<>();
                if (opt != null) {
                    for (EDNSOption o : opt.getOptions(code)) {
                        got.add(optionData(o));
                    }
                }
                if (hex == null && !got.isEmpty()) {
                    diffs.add("edns: option " + code + " present (" + String.join(", ", got) + "), want absent");
                } else if (hex != null && !got.contains(hex.toLowerCase(Locale.ROOT))) {
                    diffs.add("edns: option " + code + (got.isEmpty() ? " absent" : " is " + String.join(", ", got))
                            + ", want " + hex.toLowerCase(Locale.ROOT));
                }
            });
        }
        return diffs;
    }

    /** An EDNS option's data (without code and length) as lower-case hex. */
    public static String optionData(EDNSOption o) {
        byte[] wire = o.toWire();
        return HexFormat.of().formatHex(wire, 4, wire.length);
    }
}
