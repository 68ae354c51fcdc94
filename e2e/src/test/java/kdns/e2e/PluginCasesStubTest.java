package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import kdns.testing.DnsClient;
import kdns.testing.cases.CaseFiles;
import kdns.testing.upstream.ScriptedUpstream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * PluginCasesTest's next-plugin stub and case checks on their own, without kdns: a query that
 * reaches the stub unchanged (as through a plugin that passes it on untouched) gets what the
 * cases expect, so a failing acceptance case points at kdns, not at the harness.
 */
class PluginCasesStubTest {

    private static final Map<String, JsonNode> CASES = new HashMap<>();

    @BeforeAll
    static void load() throws Exception {
        CaseFiles.read("plugins.json").get("cases").forEach(c -> CASES.put(c.get("id").asText(), c));
    }

    private static JsonNode c(String id) {
        JsonNode c = CASES.get(id);
        if (c == null) {
            throw new IllegalArgumentException("no case " + id);
        }
        return c;
    }

    /** The stub of a server holding {@code serverCases}, asked {@code query} directly. */
    private static Message viaStub(List<JsonNode> serverCases, Message query) throws Exception {
        try (ScriptedUpstream stub = ScriptedUpstream.start()) {
            stub.script(PluginCasesTest.stubScript(serverCases, new ObjectMapper().missingNode()));
            return DnsClient.udp(stub.address(), query);
        }
    }

    private static void passesUntouched(String id) throws Exception {
        JsonNode c = c(id);
        Message reply = viaStub(List.of(c), PluginCasesTest.query(c, 1));
        assertEquals(List.of(), PluginCasesTest.check(c, reply), id + ":\n" + reply);
    }

    @Test
    void echoOfAQueryWithoutEdns() throws Exception {
        passesUntouched("bufsize_no_edns_untouched");
    }

    @Test
    void upstreamRecordsAndReplies() throws Exception {
        passesUntouched("rewrite_name_exact_no_match_untouched");
        passesUntouched("minimal_keeps_nxdomain");
        passesUntouched("dns64_nxdomain_untouched");
    }

    @Test
    void markerForTheNextPlugin() throws Exception {
        passesUntouched("hosts_fallthrough_missing_next");
        passesUntouched("template_no_match_fallthrough");
    }

    @Test
    void echoShowsEdnsOptionsInOrderAndThe0x20Spelling() throws Exception {
        // What rewrite's edns0 rules would send on: an OPT (udp 4096) with the four local options.
        JsonNode c = c("rewrite_edns0_variables");
        Message query = Message.newQuery(Record.newRecord(Name.fromString("Vars.Example."), Type.TXT, DClass.IN));
        List<EDNSOption> options = new ArrayList<>();
        String[][] opts = {{"65505", "566172732e4578616d706c652e"}, {"65506", "0010"}, {"65507", "7f000001"},
            {"65508", "756470"}};
        for (String[] o : opts) {
            options.add(new GenericEDNSOption(Integer.parseInt(o[0]), HexFormat.of().parseHex(o[1])));
        }
        query.addRecord(new OPTRecord(4096, 0, 0, 0, options), Section.ADDITIONAL);
        Message reply = viaStub(List.of(c), query);
        assertEquals(List.of(), PluginCasesTest.check(c, reply), reply.toString());
    }

    @Test
    void theMarkerIsNotTheAnswerOfACaseThatMustAnswerItself() throws Exception {
        // Same server: www.example.org. AAAA passes on, so the stub knows the name; an A query that
        // acl should have refused and that reached the stub fails the REFUSED case.
        JsonNode refused = c("acl_block_type_net");
        Message reply = viaStub(List.of(refused, c("acl_block_other_type_allowed")), PluginCasesTest.query(refused, 1));
        assertFalse(PluginCasesTest.check(refused, reply).isEmpty(), reply.toString());
    }

    @Test
    void anythingElseIsServfail() throws Exception {
        Message reply = viaStub(List.of(c("bufsize_no_edns_untouched")),
                Message.newQuery(Record.newRecord(Name.fromString("other.example."), Type.A, DClass.IN)));
        assertEquals(Rcode.SERVFAIL, reply.getRcode());
    }
}
