package kdns.plugin.standard.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kdns.api.Handler;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transport;
import kdns.testing.DnsClient;
import kdns.testing.InProcessServer;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** rewrite's edns0 rules: what the next plugin sees and what the server's writer echoes (CoreDNS's edns0 tests). */
class RewriteEdns0Test {

    /** The next plugin: answers a TXT record telling what it received, as the e2e cases' echo plugin does. */
    static final class Echo implements Handler {
        final List<Request> seen = new ArrayList<>();

        @Override
        public String name() {
            return "echo";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) {
            seen.add(request);
            Message m = new Message(request.id());
            m.addRecord(request.message().getQuestion(), Section.QUESTION);
            m.addRecord(new TXTRecord(request.qname(), DClass.IN, 5, describe(request)), Section.ANSWER);
            writer.write(m);
            return Rcodes.NOERROR;
        }
    }

    /** The strings of the echo TXT record: question, RD, the OPT record's size, DO and options. */
    static List<String> describe(Request r) {
        List<String> s = new ArrayList<>();
        s.add("qname=" + r.qname());
        s.add("qtype=" + Type.string(r.qtype()));
        s.add("qclass=" + DClass.string(r.qclass()));
        s.add("rd=" + (r.message().getHeader().getFlag(org.xbill.DNS.Flags.RD) ? 1 : 0));
        OPTRecord opt = r.opt();
        if (opt != null) {
            s.add("udp=" + opt.getPayloadSize());
            s.add("do=" + ((opt.getFlags() & ExtendedFlags.DO) != 0 ? 1 : 0));
            for (EDNSOption o : opt.getOptions()) {
                s.add("opt" + o.getCode() + "=" + hex(QueryOpt.data(o)));
            }
        }
        return s;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static String hex(String s) {
        return hex(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The client's writer as the server's stands behind it: when the reply is written it notes the
     * OPT record the query's message holds (what the server mirrors) and the options it would echo
     * into a reply without OPT of its own.
     */
    static final class ServerSide extends RecordingWriter {
        final Request client;
        final java.util.BitSet declared;
        OPTRecord optAtWrite;

        ServerSide(Request client, java.util.BitSet declared) {
            super(client.remoteAddress(), client.localAddress());
            this.client = client;
            this.declared = declared;
        }

        /** The server's choice (ReplyWriter): the standard codes and those the block declared. */
        private boolean echoes(int code) {
            return code == EDNSOption.Code.NSID || code == EDNSOption.Code.EDNS_EXPIRE
                    || code == EDNSOption.Code.COOKIE || code == EDNSOption.Code.TCP_KEEPALIVE
                    || code == EDNSOption.Code.PADDING || (declared != null && declared.get(code));
        }

        @Override
        public synchronized void write(Message reply) {
            optAtWrite = client.opt();
            super.write(reply);
        }

        /** The options the reply carries on the wire: the reply's own OPT's, else the query's echoable ones. */
        Map<Integer, String> replyOptions() {
            Map<Integer, String> out = new LinkedHashMap<>();
            OPTRecord own = msg().getOPT();
            if (own != null) {
                own.getOptions().forEach(o -> out.put(o.getCode(), hex(QueryOpt.data(o))));
            } else if (optAtWrite != null) {
                optAtWrite.getOptions().stream().filter(o -> echoes(o.getCode()))
                        .forEach(o -> out.put(o.getCode(), hex(QueryOpt.data(o))));
            }
            return out;
        }
    }

    /** The option codes the last {@link #handler} declared for its block. */
    private java.util.BitSet declared;

    private Handler handler(String corefile, Handler next) throws Exception {
        TestController c = TestController.of(corefile);
        new RewritePlugin().setup(c);
        declared = c.echoedOptions();
        return c.handler(next);
    }

    private ServerSide serve(Handler h, Request q) throws Exception {
        ServerSide w = new ServerSide(q, declared);
        assertEquals(Rcodes.NOERROR, h.serve(q, w));
        assertTrue(w.written());
        return w;
    }

    private static List<String> txt(Message m) {
        return ((TXTRecord) m.getSection(Section.ANSWER).get(0)).getStrings();
    }

    private static Request withOptions(String name, InetSocketAddress client, EDNSOption... options) {
        Message m = TestRequests.message(name, Type.A, DClass.IN);
        m.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO, options), Section.ADDITIONAL);
        return TestRequests.from(m, Transport.UDP, client);
    }

    private static GenericEDNSOption local(int code, String data) {
        return new GenericEDNSOption(code, data.getBytes(StandardCharsets.UTF_8));
    }

    /** The e2e case rewrite_edns0_local_set. */
    @Test
    void localSetAddsAnOptToAQueryWithoutAndTheReplyCarriesTheOption() throws Exception {
        Echo echo = new Echo();
        Handler h = handler("rewrite edns0 local set 0xffee hello-world", echo);
        Request q = TestRequests.query("edns.example.", Type.A);
        ServerSide w = serve(h, q);
        assertEquals(List.of("qname=edns.example.", "qtype=A", "qclass=IN", "rd=1", "udp=4096", "do=0",
                "opt65518=" + hex("hello-world")), txt(w.msg()));
        assertEquals("68656c6c6f2d776f726c64", hex("hello-world"));
        assertNotNull(w.optAtWrite, "the server's writer mirrors an OPT record");
        assertEquals(4096, w.optAtWrite.getPayloadSize());
        assertEquals(Map.of(65518, "68656c6c6f2d776f726c64"), w.replyOptions());
        assertEquals(4096, q.size(), "the reply may use the added OPT's size, as in CoreDNS");
    }

    /** The e2e case rewrite_edns0_local_revert. */
    @Test
    void revertKeepsTheOptionOutOfTheReply() throws Exception {
        Echo echo = new Echo();
        Handler h = handler("rewrite edns0 local set 0xffee abcd revert", echo);
        Request q = TestRequests.query("revert.example.", Type.A);
        ServerSide w = serve(h, q);
        assertEquals(List.of("qname=revert.example.", "qtype=A", "qclass=IN", "rd=1", "udp=4096", "do=0",
                "opt65518=61626364"), txt(w.msg()));
        assertNotNull(w.optAtWrite, "the OPT record stays, without the option");
        assertEquals(List.of(), w.optAtWrite.getOptions());
        assertEquals(Map.of(), w.replyOptions());
        assertEquals(1, q.opt().getOptions(0xffee).size(), "the query has it again after the write, as in CoreDNS");
    }

    /** The e2e case rewrite_edns0_variables. */
    @Test
    void variables() throws Exception {
        Echo echo = new Echo();
        Handler h = handler("rewrite continue edns0 local set 0xffe1 {qname}\n"
                + "rewrite continue edns0 local set 0xffe2 {qtype}\n"
                + "rewrite continue edns0 local set 0xffe3 {client_ip}\n"
                + "rewrite edns0 local set 0xffe4 {protocol}", echo);
        Request q = TestRequests.from(TestRequests.message("Vars.Example.", Type.TXT, DClass.IN), Transport.UDP,
                new InetSocketAddress("127.0.0.1", 40000));
        ServerSide w = serve(h, q);
        assertEquals(List.of("qname=Vars.Example.", "qtype=TXT", "qclass=IN", "rd=1", "udp=4096", "do=0",
                "opt65505=566172732e4578616d706c652e", "opt65506=0010", "opt65507=7f000001", "opt65508=756470"),
                txt(w.msg()));
        assertEquals("Vars.Example.", w.msg().getSection(Section.ANSWER).get(0).getName().toString());
    }

    @Test
    void portAndServerVariablesAndTheNameAfterARewrite() throws Exception {
        Echo echo = new Echo();
        Handler h = handler("rewrite continue edns0 local set 0xffe1 {client_port}\n"
                + "rewrite continue edns0 local set 0xffe2 {server_ip}\n"
                + "rewrite continue edns0 local set 0xffe3 {server_port}\n"
                + "rewrite continue name exact a.example. b.example.\n"
                + "rewrite edns0 local set 0xffe4 {qname}", echo);
        Request q = TestRequests.from(TestRequests.message("A.Example.", Type.A, DClass.IN), Transport.TCP,
                new InetSocketAddress("10.0.0.9", 0x1234));
        serve(h, q);
        List<String> seen = describe(echo.seen.get(0));
        assertEquals(List.of("opt65505=1234", "opt65506=7f000001", "opt65507=0035", "opt65508=" + hex("b.example.")),
                seen.subList(6, seen.size()), "{qname} is the rewritten name once a rule renamed it");

        Request v6 = TestRequests.from(TestRequests.message("x.example.", Type.A, DClass.IN), Transport.UDP,
                new InetSocketAddress("2001:db8::1", 53));
        serve(handler("rewrite continue edns0 local set 0xffe1 {client_ip}\nrewrite edns0 local set 0xffe2 {server_ip}",
                echo), v6);
        List<String> s = describe(echo.seen.get(1));
        assertEquals(List.of("opt65505=20010db8000000000000000000000001", "opt65506=00000000000000000000ffff7f000001"),
                s.subList(6, s.size()), "16 bytes for an IPv6 client, the server's IPv4 address mapped");
    }

    @Test
    void metadataVariables() throws Exception {
        Echo echo = new Echo();
        Handler h = handler("rewrite continue edns0 local set 0xffe1 {test/label}\n"
                + "rewrite continue edns0 local set 0xffe2 {test/empty}\n"
                + "rewrite edns0 local set 0xffe3 {test/missing}", echo);
        Request q = TestRequests.query("meta.example.", Type.A);
        q.setMetadata("test/label", () -> "my-value");
        q.setMetadata("test/empty", () -> "");
        ServerSide w = serve(h, q);
        List<String> seen = describe(echo.seen.get(0));
        assertEquals(List.of("udp=4096", "do=0", "opt65505=" + hex("my-value")), seen.subList(4, seen.size()),
                "an empty or missing label leaves the rule out");
        assertEquals(Map.of(65505, hex("my-value")), w.replyOptions());
    }

    /** CoreDNS's TestRewriteEDNS0Local: one rule on a query without OPT. */
    @Test
    void actionsOnAQueryWithoutOpt() throws Exception {
        String[][] cases = {
            {"local set 0xffee 0xabcdef", "opt65518=abcdef"},
            {"local append 0xffee abcdefghijklmnop", "opt65518=" + hex("abcdefghijklmnop")},
            {"local replace 0xffee abcdefghijklmnop", ""},
            {"nsid set", "opt3="},
            {"nsid append", "opt3="},
            {"nsid replace", ""},
            {"local unset 0xffee", ""},
            {"subnet set 24 56", "opt8=000118000af000"},
        };
        for (String[] c : cases) {
            Echo echo = new Echo();
            serve(handler("rewrite edns0 " + c[0], echo), TestRequests.query("example.com.", Type.A));
            List<String> seen = describe(echo.seen.get(0));
            assertEquals("udp=4096", seen.get(4), c[0] + ": an OPT record is added even when the rule does not apply");
            assertEquals(c[1].isEmpty() ? List.of() : List.of(c[1]), seen.subList(6, seen.size()), c[0]);
        }
    }

    /** CoreDNS's TestEdns0MultiRule: two stop rules, without and with revert. */
    @Test
    void multipleRules() throws Exception {
        String foobar = hex("foobar");
        Object[][] cases = {
            {"local replace 0xffee abcdef", "local set 0xffee fedcba", null, Map.of(65518, hex("fedcba"))},
            {"local replace 0xffee abcdef", "local set 0xffee fedcba", local(0xffee, "foobar"),
                Map.of(65518, hex("abcdef"))},
            {"local replace 0xffee abcdef revert", "local set 0xffee fedcba revert", null, Map.of()},
            {"local replace 0xffee abcdef revert", "local set 0xffee fedcba revert", local(0xffee, "foobar"),
                Map.of(65518, foobar)},
            {"local replace 0xffee {qname}", "local set 0xffee {qtype}", null, Map.of(65518, "0001")},
            {"local replace 0xffee {qname}", "local set 0xffee {qtype}", local(0xffee, "foobar"),
                Map.of(65518, hex("example.com."))},
            {"local replace 0xffee {qname} revert", "local set 0xffee {qtype} revert", local(0xffee, "foobar"),
                Map.of(65518, foobar)},
            {"nsid replace", "nsid set", null, Map.of(3, "")},
            {"nsid replace revert", "nsid set revert", null, Map.of()},
            {"nsid replace revert", "nsid set revert", new NSIDOption("x".getBytes(StandardCharsets.UTF_8)),
                Map.of(3, hex("x"))},
        };
        for (Object[] c : cases) {
            Handler h = handler("rewrite edns0 " + c[0] + "\nrewrite edns0 " + c[1], new Echo());
            Request q = c[2] == null ? TestRequests.query("example.com.", Type.A)
                    : withOptions("example.com.", RecordingWriter.DEFAULT_REMOTE, (EDNSOption) c[2]);
            assertEquals(c[3], serve(h, q).replyOptions(), c[0] + " / " + c[1] + " / " + c[2]);
        }
    }

    @Test
    void subnet() throws Exception {
        Echo echo = new Echo();
        Handler set = handler("rewrite edns0 subnet set 24 56", echo);
        serve(set, TestRequests.from(TestRequests.message("example.com.", Type.A, DClass.IN), Transport.UDP,
                new InetSocketAddress("10.240.0.1", 53)));
        ClientSubnetOption v4 = (ClientSubnetOption) echo.seen.get(0).opt().getOptions().get(0);
        assertEquals(1, v4.getFamily());
        assertEquals(24, v4.getSourcePrefixLength());
        assertEquals(0, v4.getScopePrefixLength());
        assertEquals("10.240.0.0", v4.getAddress().getHostAddress());

        serve(set, TestRequests.from(TestRequests.message("example.com.", Type.A, DClass.IN), Transport.UDP,
                new InetSocketAddress("2001:db8:1234:5678::1", 53)));
        ClientSubnetOption v6 = (ClientSubnetOption) echo.seen.get(1).opt().getOptions().get(0);
        assertEquals(2, v6.getFamily());
        assertEquals(56, v6.getSourcePrefixLength());
        assertEquals("2001:db8:1234:5600:0:0:0:0", v6.getAddress().getHostAddress());

        // A client subnet option the client sent: set replaces it, append leaves it (and does not apply).
        ClientSubnetOption sent = new ClientSubnetOption(32, java.net.InetAddress.getByName("192.0.2.7"));
        serve(set, withOptions("example.com.", new InetSocketAddress("10.1.2.3", 53), sent));
        assertEquals("10.1.2.0", ((ClientSubnetOption) echo.seen.get(2).opt().getOptions().get(0)).getAddress()
                .getHostAddress());
        Handler append = handler("rewrite edns0 subnet append 24 56\nrewrite edns0 local set 0xffee applied", echo);
        serve(append, withOptions("example.com.", new InetSocketAddress("10.1.2.3", 53), sent));
        List<EDNSOption> seen = echo.seen.get(3).opt().getOptions();
        assertEquals(2, seen.size(), "the subnet rule did not apply, so the next (stop) rule ran: " + seen);
        assertEquals(sent, seen.get(0));

        Handler unset = handler("rewrite edns0 subnet unset", echo);
        serve(unset, withOptions("example.com.", RecordingWriter.DEFAULT_REMOTE, sent, local(0xffee, "x"), sent));
        assertEquals(List.of(local(0xffee, "x")), echo.seen.get(4).opt().getOptions(), "every subnet option goes");
        assertEquals(1232, echo.seen.get(4).opt().getPayloadSize(), "the client's OPT record is kept otherwise");
        assertTrue(echo.seen.get(4).dnssecOk());
    }

    @Test
    void appendAddsLocalAndNsidOptionsEvenNextToAMatchingOneAsCoreDns() throws Exception {
        Echo echo = new Echo();
        serve(handler("rewrite edns0 local append 0xffee new", echo),
                withOptions("example.com.", RecordingWriter.DEFAULT_REMOTE, local(0xffee, "old")));
        assertEquals(List.of(local(0xffee, "old"), local(0xffee, "new")), echo.seen.get(0).opt().getOptions());
        serve(handler("rewrite edns0 local append 0xffee {qname}\nrewrite edns0 local set 0xfeee second", echo),
                withOptions("example.com.", RecordingWriter.DEFAULT_REMOTE, local(0xffee, "old")));
        assertEquals(List.of(local(0xffee, "old"), local(0xfeee, "second")), echo.seen.get(1).opt().getOptions(),
                "a variable rule leaves a matching option alone and does not apply");
        serve(handler("rewrite edns0 nsid append", echo),
                withOptions("example.com.", RecordingWriter.DEFAULT_REMOTE, new NSIDOption(new byte[0])));
        assertEquals(2, echo.seen.get(2).opt().getOptions(EDNSOption.Code.NSID).size());
    }

    @Test
    void aRevertedReplaceGivesTheReplyItsOwnOptionBack() throws Exception {
        // The next plugin writes an OPT record of its own carrying the option (as an upstream echoing it).
        Handler own = new Handler() {
            @Override
            public String name() {
                return "own";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                Message m = new Message(request.id());
                m.addRecord(request.message().getQuestion(), Section.QUESTION);
                m.addRecord(new TXTRecord(request.qname(), DClass.IN, 5, "x"), Section.ANSWER);
                m.addRecord(request.opt(), Section.ADDITIONAL);
                writer.write(m);
                return Rcodes.NOERROR;
            }
        };
        Handler h = handler("rewrite edns0 local replace 0xffee new revert", own);
        ServerSide w = serve(h, withOptions("example.com.", RecordingWriter.DEFAULT_REMOTE, local(0xffee, "old"),
                local(0xfeed, "other")));
        assertEquals(List.of(local(0xffee, "old"), local(0xfeed, "other")), w.msg().getOPT().getOptions(),
                "the reply's own OPT record gets the old value back");
        assertEquals(List.of(local(0xffee, "old"), local(0xfeed, "other")), w.optAtWrite.getOptions());
    }

    @Test
    void aQueryThatMatchesNoRuleIsPassedOnAsItIs() throws Exception {
        Echo echo = new Echo();
        Handler h = handler("rewrite continue name exact other.example. x.example.", echo);
        Request q = TestRequests.query("example.com.", Type.A);
        serve(h, q);
        assertTrue(echo.seen.get(0) == q, "the same request");
        assertNull(q.opt());
    }

    /** Through a real server: the reply's OPT record carries the option without revert, and not with it. */
    @Test
    void endToEnd() throws Exception {
        int port;
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String corefile = "edns.example:" + port + " {\n    bind 127.0.0.1\n    rewrite edns0 local set 0xffee hello-world\n"
                + "    whoami\n}\n" + "revert.example:" + port + " {\n    bind 127.0.0.1\n"
                + "    rewrite edns0 local set 0xffee abcd revert\n    whoami\n}\n";
        try (InProcessServer s = InProcessServer.start(corefile)) {
            Message set = DnsClient.udp(s.address(), "edns.example.", Type.A);
            OPTRecord opt = set.getOPT();
            assertNotNull(opt, "the client sent none; the reply has the query's");
            assertEquals(4096, opt.getPayloadSize());
            assertEquals(List.of(local(0xffee, "hello-world")), opt.getOptions());

            Message revert = DnsClient.udp(s.address(), "revert.example.", Type.A);
            assertNotNull(revert.getOPT());
            assertEquals(List.of(), revert.getOPT().getOptions(), "reverted");
            assertEquals(Rcodes.NOERROR, revert.getRcode());
            Record srv = revert.getSection(Section.ADDITIONAL).stream().filter(r -> r.getType() == Type.SRV)
                    .findFirst().orElseThrow();
            assertNotNull(srv, "whoami answered");
        }
    }
}
