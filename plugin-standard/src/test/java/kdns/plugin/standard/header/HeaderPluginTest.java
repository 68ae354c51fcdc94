package kdns.plugin.standard.header;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.testing.InProcessServer;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

class HeaderPluginTest {

    @Test
    void responseRulesBecomeTheBlocksReplyFlagsLaterRulesWinning() throws Exception {
        TestController c = TestController.of("header {\n response set ra aa\n response clear rd\n response set rd\n"
                + " response clear aa\n}");
        new HeaderPlugin().setup(c);
        assertArrayEquals(new int[] {(1 << Flags.RA) | (1 << Flags.RD), 1 << Flags.AA}, c.replyFlagsSet());
    }

    @Test
    void queryRulesChangeWhatTheChainSees() throws Exception {
        TestController c = TestController.of("header {\n query clear rd\n query set aa\n}");
        new HeaderPlugin().setup(c);
        AtomicReference<Message> seen = new AtomicReference<>();
        Handler next = new Handler() {
            @Override
            public String name() {
                return "next";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                seen.set(request.message());
                return Rcodes.SERVFAIL;
            }
        };
        Request r = TestRequests.query("example.org.", Type.A);
        c.handler(next).serve(r, new RecordingWriter());
        assertFalse(seen.get().getHeader().getFlag(Flags.RD));
        assertTrue(seen.get().getHeader().getFlag(Flags.AA));
        assertTrue(r.message().getHeader().getFlag(Flags.RD), "the client's query is untouched");
    }

    @Test
    void theServerAppliesTheResponseRules() throws Exception {
        try (InProcessServer s = InProcessServer.start(".:0 {\n bind 127.0.0.1\n header {\n  response set ra aa\n"
                + "  response clear rd\n }\n whoami\n}")) {
            Message m = kdns.testing.DnsClient.udp(s.address(), "example.org.", Type.A);
            assertTrue(m.getHeader().getFlag(Flags.RA));
            assertTrue(m.getHeader().getFlag(Flags.AA));
            assertFalse(m.getHeader().getFlag(Flags.RD), "cleared although the query asked for recursion");
            assertFalse(m.getSection(org.xbill.DNS.Section.ADDITIONAL).isEmpty(), "whoami answered");
        }
    }

    @Test
    void setupErrors() {
        for (String[] b : new String[][] {{"header", "Wrong argument count"},
            {"header {\n both set aa\n}", "invalid selector=both should be query or response"},
            {"header {\n query\n}", "no flag action provided"},
            {"header {\n query set\n}", "at least one should be provided"},
            {"header {\n query flip aa\n}", "unknown flag action=flip, should be set or clear"},
            {"header {\n response set cd\n}", "unknown/unsupported flag=cd"}}) {
            PluginException e = assertThrows(PluginException.class, () -> new HeaderPlugin().setup(TestController.of(b[0])),
                    b[0]);
            assertTrue(e.getMessage().contains(b[1]), b[0] + ": " + e.getMessage());
        }
    }
}
