package kdns.plugin.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import kdns.testing.DnsClient;
import kdns.testing.InProcessServer;
import kdns.testing.cases.CaseCheck;
import kdns.testing.cases.CaseFiles;
import kdns.testing.cases.CaseRunner;
import kdns.testing.etcd.EtcdServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Every suite and case of {@code cases/etcd.json} (a copy of the shared acceptance file) against
 * a real etcd and a real kdns server, configured as the file's {@code harness} key says:
 * {@code etcd ZONES { endpoint URL; path PATH; [fallthrough ZONES] }}, plus a stub next plugin
 * (standing in for the harness's {@code forward} to its stub) for suites with NEXT cases.
 * Suites alternate between data written before the server starts (initial range read) and data
 * written after it is ready (the watch). One container per suite, one test per case
 * ({@link CaseRunner}): a suite's server starts at its first case and stops after its last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdCasesTest {

    /**
     * Cases whose file expectation assumes CoreDNS's unit-test upstream, where the out-of-zone
     * lookup errors (conventions.upstream; the harness skips them). In a running server the lookup
     * goes through the chain and returns a message, so CoreDNS — and kdns — add the CNAME: these
     * are the real-server answers (no next plugin here, so the target itself has no records).
     */
    static final Map<String, List<String>> REAL_SERVER_ANSWERS = Map.of(
            "coredns-lookup|a.server1.dev.region1.skydns.test.|TXT",
            List.of("a.server1.dev.region1.skydns.test. 300 IN CNAME dev.server1."),
            "coredns-lookup|region1.skydns.test.|AAAA",
            List.of("region1.skydns.test. 300 IN CNAME dev.server1.",
                    "region1.skydns.test. 300 IN CNAME sub.server1.",
                    "region1.skydns.test. 300 IN CNAME sub.server2.",
                    "region1.skydns.test. 300 IN AAAA ::1"),
            "readme-srv|skydns.local.|A",
            List.of("skydns.local. 60 IN CNAME skydns-local.server."));

    private final CaseRunner<Suite, Case, InProcessServer> runner = new CaseRunner<>(Suite::title, Suite::cases,
            Case::title, this::startSuite, (server, c) -> runCase(server, c));
    private EtcdServer etcd;
    private JsonNode root;

    /** A suite of the file, its data written before the server starts or, with {@code viaWatch}, after. */
    private record Suite(JsonNode json, boolean viaWatch) {
        String name() {
            return json.get("name").asText();
        }

        String title() {
            return name() + (viaWatch ? " (watch)" : " (initial read)");
        }

        List<Case> cases() {
            List<Case> out = new ArrayList<>();
            json.get("cases").forEach(c -> out.add(new Case(this, c)));
            return out;
        }
    }

    /** One case of a suite. */
    private record Case(Suite suite, JsonNode json) {
        String title() {
            return json.get("qname").asText() + " " + json.get("qtype").asText();
        }
    }

    @BeforeAll
    void start() throws Exception {
        root = CaseFiles.read("etcd.json");
        etcd = EtcdServer.start();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            runner.close();
        } finally {
            if (etcd != null) {
                etcd.close();
            }
        }
    }

    @TestFactory
    Stream<DynamicNode> everySuiteAndCase() {
        List<Suite> suites = new ArrayList<>();
        int total = 0;
        for (JsonNode suite : root.get("suites")) {
            suites.add(new Suite(suite, suites.size() % 2 == 1));
            total += suite.get("cases").size();
        }
        assertEquals(root.get("case_count").asInt(), total, "case_count");
        return runner.tests(suites);
    }

    /** The suite's data in a fresh etcd and a kdns server that has loaded it. */
    private InProcessServer startSuite(Suite s) throws Exception {
        JsonNode suite = s.json();
        List<String> nextNames = new ArrayList<>();
        for (JsonNode c : suite.get("cases")) {
            if (c.get("rcode").asText().equals("NEXT")) {
                nextNames.add(c.get("qname").asText());
            }
        }
        StringBuilder zones = new StringBuilder();
        suite.get("zones").forEach(z -> zones.append(' ').append(z.asText()));
        StringBuilder corefile = new StringBuilder(".:0 {\n    etcd" + zones + " {\n        endpoint " + etcd.endpoint()
                + "\n        path " + suite.get("path").asText() + "\n");
        if (suite.has("fallthrough")) {
            StringBuilder ft = new StringBuilder();
            suite.get("fallthrough").forEach(z -> ft.append(' ').append(z.asText()));
            corefile.append("        fallthrough").append(ft).append('\n');
        }
        corefile.append("    }\n");
        if (!nextNames.isEmpty()) {
            corefile.append("    stubnext ").append(String.join(" ", nextNames)).append('\n');
        }
        corefile.append("}\n");

        etcd.deleteAll();
        if (!s.viaWatch()) {
            writeKv(suite);
        }
        InProcessServer server = InProcessServer.start(corefile.toString());
        try {
            if (s.viaWatch()) {
                waitLoaded(server, suite, false);
                writeKv(suite);
            }
            waitLoaded(server, suite, true);
            return server;
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    private static void runCase(InProcessServer server, Case k) throws Exception {
        JsonNode suite = k.suite().json();
        JsonNode c = k.json();
        String qname = c.get("qname").asText();
        String qtype = c.get("qtype").asText();
        Message reply = query(server, qname, Type.value(qtype));
        String rcode = c.get("rcode").asText();
        if (rcode.equals("NEXT")) {
            assertTrue(isMarker(reply), "want the next plugin's marker, got\n" + reply);
            return;
        }
        List<String> answer = CaseFiles.strings(c, "answer");
        List<String> override = REAL_SERVER_ANSWERS.get(k.suite().name() + "|" + qname + "|" + qtype);
        List<String> ns = CaseFiles.strings(c, "ns");
        if (override != null) {
            answer = override;
            ns = List.of();
        }
        answer = leaseTolerant(suite, reply, answer);
        List<String> diffs = new ArrayList<>(CaseCheck.differences(reply,
                new CaseCheck.Expected(rcode, answer, ns, CaseFiles.strings(c, "extra"))));
        if (c.has("ordered") && c.get("ordered").asBoolean()) {
            checkOrder(reply, answer, CaseFiles.strings(c, "extra"), diffs);
        }
        if (!reply.getHeader().getFlag(Flags.AA)
                && (reply.getRcode() != Rcode.SERVFAIL || !reply.getSection(Section.AUTHORITY).isEmpty())) {
            diffs.add("AA not set");
        }
        if (!diffs.isEmpty()) {
            fail("(" + c.path("note").asText() + "):\n  " + String.join("\n  ", diffs) + "\n" + reply);
        }
    }

    /**
     * TTLs that come from a lease may be lower than written by the seconds that passed since the
     * grant (harness "ttl"): for suites with leases, an expected record that the reply has with a
     * TTL at most 5 s lower is taken with the reply's TTL.
     */
    private static List<String> leaseTolerant(JsonNode suite, Message reply, List<String> want) {
        boolean leases = false;
        for (JsonNode kv : suite.get("kv")) {
            leases |= kv.has("lease_remaining_s");
        }
        if (!leases) {
            return want;
        }
        List<String> out = new ArrayList<>();
        for (String w : want) {
            Record wr = CaseCheck.parse(w);
            String adjusted = w;
            for (Record g : reply.getSection(Section.ANSWER)) {
                if (g.getName().equals(wr.getName()) && g.getType() == wr.getType()
                        && g.rdataToString().equals(wr.rdataToString())
                        && g.getTTL() <= wr.getTTL() && wr.getTTL() - g.getTTL() <= 5) {
                    adjusted = CaseCheck.canonical(g);
                }
            }
            out.add(adjusted);
        }
        return out;
    }

    private static void checkOrder(Message reply, List<String> answer, List<String> extra, List<String> diffs) {
        List<String> got = reply.getSection(Section.ANSWER).stream().map(CaseCheck::canonical).toList();
        List<String> want = answer.stream().map(s -> CaseCheck.canonical(CaseCheck.parse(s))).toList();
        if (!got.equals(want)) {
            diffs.add("answer order: got " + got + ", want " + want);
        }
        List<String> gotX = reply.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() != Type.OPT)
                .map(CaseCheck::canonical).toList();
        List<String> wantX = extra.stream().map(s -> CaseCheck.canonical(CaseCheck.parse(s))).toList();
        if (!gotX.equals(wantX)) {
            diffs.add("additional order: got " + gotX + ", want " + wantX);
        }
    }

    static boolean isMarker(Message reply) {
        for (Record r : reply.getSection(Section.ANSWER)) {
            String s = r.rdataToString();
            if (s.equals("192.0.2.53") || s.equals("2001:db8::53") || s.contains("kdns-acceptance-next")) {
                return reply.getRcode() == Rcode.NOERROR;
            }
        }
        return false;
    }

    static Message query(InProcessServer server, String qname, int type) throws Exception {
        Message reply = DnsClient.udp(server.address(), qname, type);
        if (reply.getHeader().getFlag(Flags.TC)) {
            reply = DnsClient.tcp(server.address(), qname, type);
        }
        return reply;
    }

    private void writeKv(JsonNode suite) throws Exception {
        for (JsonNode kv : suite.get("kv")) {
            long lease = 0;
            if (kv.has("lease_remaining_s")) {
                lease = etcd.grantLease(kv.get("lease_remaining_s").asLong());
            }
            etcd.put(kv.get("key").asText(), kv.get("value").asText(), lease);
        }
    }

    /**
     * Waits (bounded) until the server has loaded etcd: a TXT query for a leaf key with valid JSON
     * answers NOERROR once the key is in memory ({@code present}); before the first load the
     * would-be NXDOMAIN is SERVFAIL, after it NXDOMAIN (or the next plugin's answer).
     */
    private void waitLoaded(InProcessServer server, JsonNode suite, boolean present) throws Exception {
        List<String> keys = new ArrayList<>();
        suite.get("kv").forEach(kv -> {
            try {
                new ObjectMapper().readTree(kv.get("value").asText());
                keys.add(kv.get("key").asText());
            } catch (Exception e) {
                // not a probe
            }
        });
        List<String> all = new ArrayList<>();
        suite.get("kv").forEach(kv -> all.add(kv.get("key").asText()));
        // the last written leaf with valid JSON: the watch applies events in revision order, so
        // once it is served every key written before it is too
        String path = kdns.plugin.etcd.msg.Paths.normalizePrefix(suite.get("path").asText());
        List<String> zones = CaseFiles.strings(suite, "zones");
        List<String> leaves = keys.stream().filter(k -> all.stream().noneMatch(o -> o.startsWith(k + "/")))
                .filter(k -> kdns.api.zones.ZoneNames.longestMatch(zones,
                        kdns.plugin.etcd.msg.Paths.domain(k, path)) != null)
                .toList();
        String leaf = leaves.get(leaves.size() - 1);
        boolean lastWritten = leaf.equals(all.get(all.size() - 1));
        String probe = kdns.plugin.etcd.msg.Paths.domain(leaf, path);
        long deadline = System.nanoTime() + 15_000_000_000L;
        int last = -1;
        while (System.nanoTime() < deadline) {
            Message m = DnsClient.udp(server.address(), probe, Type.TXT);
            last = m.getRcode();
            if (present ? last == Rcode.NOERROR : last != Rcode.SERVFAIL || suite.has("fallthrough")) {
                if (present && !lastWritten) {
                    Thread.sleep(300); // a key written after the probe: give the watch a moment
                }
                if (!present && suite.has("fallthrough")) {
                    Thread.sleep(1000); // no observable difference through fallthrough: give the load time
                }
                return;
            }
            Thread.sleep(50);
        }
        fail("etcd data for " + probe + " not served within 15s (last rcode " + Rcode.string(last) + ")");
    }

    @org.junit.jupiter.api.Test
    void overridesNameRealCases() {
        for (String k : REAL_SERVER_ANSWERS.keySet()) {
            String[] p = k.split("\\|");
            boolean found = false;
            for (JsonNode suite : root.get("suites")) {
                if (suite.get("name").asText().equals(p[0])) {
                    for (JsonNode c : suite.get("cases")) {
                        found |= c.get("qname").asText().equals(p[1]) && c.get("qtype").asText().equals(p[2]);
                    }
                }
            }
            assertTrue(found, k);
        }
    }
}
