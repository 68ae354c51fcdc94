package kdns.host.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.junit.jupiter.api.Test;

/**
 * {@link ReplyRenderer} gives the bytes the server's writer got from dnsjava before: the replies
 * of every acceptance case (cases/*.json, their expected sections) and a generated set (long
 * names, many records, pointers past 16 KiB, 0x20 spellings, upper case in data), each with and
 * without an OPT record and at every size limit that cuts something, in both modes
 * ({@code Message.toWire(int)} and {@link CaseKeepingWire}).
 */
class ReplyRendererTest {

    private static final List<String> CASE_FILES = List.of(
            "kubernetes.json", "etcd.json", "multicluster.json", "corners.json", "plugins.json", "corefile.json");
    private static final Set<Class<?>> RENDERED = Set.of(ARecord.class, AAAARecord.class, TXTRecord.class,
            CNAMERecord.class, NSRecord.class, PTRRecord.class, MXRecord.class, SOARecord.class, SRVRecord.class);
    /** Above this size a reply is compared at a stride of limits rather than at every one. */
    private static final int EXHAUSTIVE_UP_TO = 1500;

    @Test
    void acceptanceCaseRepliesRenderAsDnsjavaDoes() throws IOException {
        List<Message> replies = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String file : CASE_FILES) {
            try (InputStream in = getClass().getResourceAsStream("/cases/" + file)) {
                assertNotNull(in, "cases/" + file + " is not on the test class path");
                collect(json.readTree(in), replies);
            }
        }
        // The case files hold over 500 questions with their expectations; a walk that finds few is broken.
        assertTrue(replies.size() > 500, "only " + replies.size() + " replies found in the case files");
        int rendered = 0;
        for (Message reply : replies) {
            rendered += compareAllWays(reply);
        }
        assertTrue(rendered > replies.size(), "the renderer declined nearly every case: " + rendered);
    }

    @Test
    void generatedRepliesRenderAsDnsjavaDoes() throws Exception {
        for (Message reply : generated()) {
            compareAllWays(reply);
        }
    }

    @Test
    void unknownTypesAreLeftToDnsjava() throws Exception {
        Name owner = Name.fromString("example.com.");
        Message m = reply("example.com.", Type.DS);
        m.addRecord(new DSRecord(owner, DClass.IN, 60, 1, 8, 2, new byte[32]), Section.ANSWER);
        assertNull(ReplyRenderer.render(m, 512, false));
        assertNull(ReplyRenderer.render(m, 512, true));
    }

    /** A pointer in a reply longer than 16 KiB can only reach the first 16 KiB: names after it go in full. */
    @Test
    void namesPastThePointerRangeAreWrittenInFull() throws Exception {
        Message m = reply("big.example.com.", Type.SRV);
        for (int i = 0; i < 400; i++) {
            m.addRecord(new SRVRecord(Name.fromString("big.example.com."), DClass.IN, 30, 0, 0, 80,
                    Name.fromString("target-" + i + "-with-a-long-label-to-fill-the-reply.example.com.")), Section.ANSWER);
        }
        for (int i = 0; i < 400; i++) {
            m.addRecord(new ARecord(Name.fromString("target-" + i + "-with-a-long-label-to-fill-the-reply.example.com."),
                    DClass.IN, 30, InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i})), Section.ADDITIONAL);
        }
        byte[] own = ReplyRenderer.render(m, 65535, false);
        assertNotNull(own);
        assertTrue(own.length > 0x4000, "the reply must pass the pointer range: " + own.length);
        assertArrayEquals(m.toWire(65535), own);
        assertArrayEquals(CaseKeepingWire.render(m, 65535), ReplyRenderer.render(m, 65535, true));
    }

    /**
     * Query bytes that do not spell the question's name out after the header (a pointer there, a
     * name of another length, bytes that end early) are not used: the name comes from the
     * {@code Name} and the reply is dnsjava's.
     */
    @Test
    void queryBytesThatDoNotSpellTheNameAreNotUsed() throws Exception {
        Message m = reply("www.example.com.", Type.A);
        Name owner = m.getQuestion().getName();
        m.addRecord(new ARecord(owner, DClass.IN, 30, InetAddress.getByAddress(new byte[] {10, 0, 0, 1})), Section.ANSWER);
        byte[] expected = m.toWire(512);
        byte[] spelled = Message.newQuery(m.getQuestion()).toWire();
        byte[] pointer = spelled.clone();
        pointer[12] = (byte) 0xC0;
        pointer[13] = 12;
        byte[] shorter = Message.newQuery(Record.newRecord(Name.fromString("example.com."), Type.A, DClass.IN)).toWire();
        byte[] cut = java.util.Arrays.copyOf(spelled, 20);
        for (byte[] query : List.of(pointer, shorter, cut)) {
            assertArrayEquals(expected, ReplyRenderer.render(m, 512, false, owner, query));
        }
        assertArrayEquals(expected, ReplyRenderer.render(m, 512, false, owner, spelled));
    }

    /**
     * Renders {@code reply} without OPT, with an empty one and with one holding an option, at every
     * limit that matters, both ways in both modes; returns how many renderings the renderer took.
     */
    private static int compareAllWays(Message reply) throws IOException {
        int taken = 0;
        boolean known = allKnown(reply);
        for (int optVariant = 0; optVariant < 3; optVariant++) {
            Message m = withOpt(reply, optVariant);
            int full = m.toWire(65535).length;
            for (int limit : limits(full)) {
                byte[] dnsjava = m.toWire(limit);
                byte[] own = ReplyRenderer.render(m, limit, false);
                String what = m.getQuestion() + " opt " + optVariant + " limit " + limit + " (full " + full + ")";
                if (own != null) {
                    assertArrayEquals(dnsjava, own, "dnsjava mode: " + what + "\n" + m);
                    taken++;
                } else if (known && limit >= full) {
                    throw new AssertionError("declined a reply it knows: " + what + "\n" + m);
                }
                byte[] keeping = CaseKeepingWire.render(m, limit);
                byte[] ownKeeping = ReplyRenderer.render(m, limit, true);
                if (ownKeeping != null) {
                    assertArrayEquals(keeping, ownKeeping, "case-keeping mode: " + what + "\n" + m);
                    taken++;
                } else if (known) {
                    throw new AssertionError("declined a reply it knows (case-keeping): " + what + "\n" + m);
                }
                // As the server's writer renders it: the question's name copied from the query's bytes.
                Record q = m.getQuestion();
                if (q != null) {
                    byte[] query = Message.newQuery(q).toWire();
                    assertArrayEquals(own, ReplyRenderer.render(m, limit, false, q.getName(), query),
                            "dnsjava mode with the query's bytes: " + what + "\n" + m);
                    assertArrayEquals(ownKeeping, ReplyRenderer.render(m, limit, true, q.getName(), query),
                            "case-keeping mode with the query's bytes: " + what + "\n" + m);
                }
            }
        }
        return taken;
    }

    private static boolean allKnown(Message m) {
        for (int s = Section.ANSWER; s <= Section.ADDITIONAL; s++) {
            for (Record rr : m.getSection(s)) {
                if (!RENDERED.contains(rr.getClass()) && !(rr instanceof OPTRecord)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The usual client limits, and every limit that cuts something (or a stride of them when large). */
    private static List<Integer> limits(int full) {
        List<Integer> out = new ArrayList<>(List.of(512, 1232, 4096, 65535));
        int step = full <= EXHAUSTIVE_UP_TO ? 1 : 7;
        for (int limit = 12; limit <= full + 1; limit += step) {
            out.add(limit);
        }
        out.add(full - 1);
        out.add(full);
        return out;
    }

    private static Message withOpt(Message reply, int variant) {
        Message m = reply.clone();
        if (variant == 1) {
            m.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        } else if (variant == 2) {
            m.addRecord(new OPTRecord(4096, 1, 0, 0,
                    List.of(new GenericEDNSOption(EDNSOption.Code.NSID, "kdns-test".getBytes()))), Section.ADDITIONAL);
        }
        return m;
    }

    /** Every object of the case files with a question and its expected sections, as a reply. */
    private static void collect(JsonNode node, List<Message> out) {
        if (node.isObject()) {
            Message m = asReply(node);
            if (m != null) {
                out.add(m);
            }
            node.forEach(child -> collect(child, out));
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, out));
        }
    }

    private static Message asReply(JsonNode c) {
        JsonNode qname = c.get("qname");
        JsonNode qtype = c.get("qtype");
        if (qname == null || qtype == null || !qname.isTextual() || !qtype.isTextual()) {
            return null;
        }
        int type = Type.value(qtype.asText());
        Name name;
        try {
            name = Name.fromString(qname.asText(), Name.root);
        } catch (IOException e) {
            return null;
        }
        if (type < 0) {
            return null;
        }
        Message m = new Message(0x1234);
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.AA);
        m.getHeader().setFlag(Flags.RD);
        JsonNode rcode = c.get("rcode");
        if (rcode != null && rcode.isTextual() && Rcode.value(rcode.asText()) >= 0 && Rcode.value(rcode.asText()) < 16) {
            m.getHeader().setRcode(Rcode.value(rcode.asText()));
        }
        m.addRecord(Record.newRecord(name, type, DClass.IN), Section.QUESTION);
        addAll(m, c.get("answer"), Section.ANSWER);
        addAll(m, c.get("ns"), Section.AUTHORITY);
        addAll(m, c.get("extra"), Section.ADDITIONAL);
        return m;
    }

    /** The records of a case's section ("owner ttl class type data"); lines that are not records are skipped. */
    private static void addAll(Message m, JsonNode lines, int section) {
        if (lines == null || !lines.isArray()) {
            return;
        }
        for (JsonNode line : lines) {
            String[] f = line.asText().trim().split("\\s+", 5);
            if (f.length < 5) {
                continue;
            }
            try {
                Record rr = Record.fromString(Name.fromString(f[0], Name.root), Type.value(f[3]), DClass.value(f[2]),
                        Long.parseLong(f[1]), f[4], Name.root);
                m.addRecord(rr, section);
            } catch (IOException | RuntimeException e) {
                // not a record line (a pattern or a comment in the expectation): not part of the reply
            }
        }
    }

    private static Message reply(String qname, int qtype) throws IOException {
        Message m = new Message(0xbeef);
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.AA);
        m.addRecord(Record.newRecord(Name.fromString(qname), qtype, DClass.IN), Section.QUESTION);
        return m;
    }

    private static List<Message> generated() throws Exception {
        List<Message> out = new ArrayList<>();
        InetAddress v4 = InetAddress.getByName("10.1.2.3");
        InetAddress v6 = InetAddress.getByName("fd00::1");
        String label63 = "a".repeat(63);
        String longName = label63 + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61) + ".";

        // One RRset growing past every limit: truncation at RRset boundaries.
        for (int n : new int[] {1, 2, 7, 31, 32, 33, 100}) {
            Message m = reply("many.svc.cluster.local.", Type.A);
            for (int i = 0; i < n; i++) {
                m.addRecord(new ARecord(Name.fromString("many.svc.cluster.local."), DClass.IN, 5,
                        InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i})), Section.ANSWER);
            }
            out.add(m);
        }
        // Many RRsets, each its own name: the table grows past its first size.
        Message distinct = reply("svc.ns.svc.cluster.local.", Type.SRV);
        for (int i = 0; i < 60; i++) {
            Name target = Name.fromString("pod-" + i + ".svc.ns.svc.cluster.local.");
            distinct.addRecord(new SRVRecord(Name.fromString("svc.ns.svc.cluster.local."), DClass.IN, 5, 0, 100 / 60, 8080 + i,
                    target), Section.ANSWER);
            distinct.addRecord(new ARecord(target, DClass.IN, 5, v4), Section.ADDITIONAL);
            distinct.addRecord(new AAAARecord(target, DClass.IN, 5, v6), Section.ADDITIONAL);
        }
        out.add(distinct);
        // The longest names: 255 bytes.
        Message longest = reply(longName, Type.CNAME);
        longest.addRecord(new CNAMERecord(Name.fromString(longName), DClass.IN, 60, Name.fromString("x." + label63 + ".")),
                Section.ANSWER);
        longest.addRecord(new ARecord(Name.fromString("x." + label63 + "."), DClass.IN, 60, v4), Section.ANSWER);
        out.add(longest);
        // A CNAME chain with the SOA of a negative answer.
        Message chain = reply("www.example.org.", Type.AAAA);
        chain.addRecord(new CNAMERecord(Name.fromString("www.example.org."), DClass.IN, 300, Name.fromString("edge.example.org.")),
                Section.ANSWER);
        chain.addRecord(new CNAMERecord(Name.fromString("edge.example.org."), DClass.IN, 300, Name.fromString("cdn.example.net.")),
                Section.ANSWER);
        chain.addRecord(new SOARecord(Name.fromString("example.net."), DClass.IN, 300, Name.fromString("ns1.example.net."),
                Name.fromString("hostmaster.example.net."), 2026120601, 7200, 3600, 1209600, 300), Section.AUTHORITY);
        out.add(chain);
        // NXDOMAIN with the SOA alone, as the kubernetes plugin answers.
        Message nx = reply("missing.ns.svc.cluster.local.", Type.A);
        nx.getHeader().setRcode(Rcode.NXDOMAIN);
        nx.addRecord(new SOARecord(Name.fromString("cluster.local."), DClass.IN, 5, Name.fromString("ns.dns.cluster.local."),
                Name.fromString("hostmaster.cluster.local."), 1765000000, 7200, 1800, 86400, 5), Section.AUTHORITY);
        out.add(nx);
        // A delegation: NS with glue, PTR, MX, TXT with several strings (one of 255 bytes).
        Message misc = reply("4.3.2.10.in-addr.arpa.", Type.PTR);
        misc.addRecord(new PTRRecord(Name.fromString("4.3.2.10.in-addr.arpa."), DClass.IN, 5,
                Name.fromString("svc.ns.svc.cluster.local.")), Section.ANSWER);
        misc.addRecord(new MXRecord(Name.fromString("cluster.local."), DClass.IN, 5, 10, Name.fromString("mail.cluster.local.")),
                Section.ANSWER);
        misc.addRecord(new TXTRecord(Name.fromString("txt.cluster.local."), DClass.IN, 5, List.of("v=1", "x".repeat(255), "")),
                Section.ANSWER);
        misc.addRecord(new NSRecord(Name.fromString("cluster.local."), DClass.IN, 5, Name.fromString("ns1.cluster.local.")),
                Section.AUTHORITY);
        misc.addRecord(new NSRecord(Name.fromString("cluster.local."), DClass.IN, 5, Name.fromString("ns2.other.test.")),
                Section.AUTHORITY);
        misc.addRecord(new ARecord(Name.fromString("ns1.cluster.local."), DClass.IN, 5, v4), Section.ADDITIONAL);
        misc.addRecord(new AAAARecord(Name.fromString("ns2.other.test."), DClass.IN, 5, v6), Section.ADDITIONAL);
        out.add(misc);
        // 0x20: the question in mixed case, the data in lower case, some data in upper case.
        Message mixed = reply("WhoAmI.Example.ORG.", Type.A);
        mixed.addRecord(new ARecord(Name.fromString("WhoAmI.Example.ORG."), DClass.IN, 0, v4), Section.ANSWER);
        mixed.addRecord(new ARecord(Name.fromString("whoami.example.org."), DClass.IN, 0, v4), Section.ANSWER);
        mixed.addRecord(new CNAMERecord(Name.fromString("alias.EXAMPLE.org."), DClass.IN, 0, Name.fromString("Target.Example.Org.")),
                Section.ANSWER);
        mixed.addRecord(new SRVRecord(Name.fromString("_udp.example.org."), DClass.IN, 0, 1, 2, 53,
                Name.fromString("WhoAmI.example.ORG.")), Section.ADDITIONAL);
        out.add(mixed);
        // Labels holding bytes that are not letters: escaped dots, a byte above 127.
        Message odd = reply("a\\.b.ex\\200mple.test.", Type.TXT);
        odd.addRecord(new TXTRecord(Name.fromString("a\\.b.ex\\200mple.test."), DClass.IN, 1, "odd"), Section.ANSWER);
        odd.addRecord(new PTRRecord(Name.fromString("A\\.B.EX\\200MPLE.test."), DClass.IN, 1, Name.fromString("a\\.b.ex\\200mple.test.")),
                Section.ANSWER);
        out.add(odd);
        // Root-owned records and an empty reply.
        Message root = reply(".", Type.NS);
        root.addRecord(new NSRecord(Name.root, DClass.IN, 518400, Name.fromString("a.root-servers.net.")), Section.ANSWER);
        root.addRecord(new SOARecord(Name.root, DClass.IN, 86400, Name.fromString("a.root-servers.net."), Name.root, 1, 2, 3, 4, 5),
                Section.AUTHORITY);
        out.add(root);
        out.add(reply("empty.test.", Type.A));
        // Every header bit set, as a parsed reply may carry them (opcode 15, rcode 15, the Z bit).
        byte[] allBits = reply("flags.test.", Type.A).toWire();
        allBits[2] = (byte) 0xFF;
        allBits[3] = (byte) 0xFF;
        out.add(new Message(allBits));
        return out;
    }
}
