package kdns.plugin.standard.bufsize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import kdns.api.Handler;
import kdns.api.PluginException;
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
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class BufsizePluginTest {

    private static int size(String text) throws Exception {
        return BufsizePlugin.parse(TestController.of(text));
    }

    private static String error(String text) {
        return assertThrows(PluginException.class, () -> new BufsizePlugin().setup(TestController.of(text)))
                .getMessage();
    }

    @Test
    void sizes() throws Exception {
        assertEquals(1232, size("bufsize"));
        assertEquals(1220, size("bufsize \"1220\""));
        assertEquals(512, size("bufsize 512"));
        assertEquals(4096, size("bufsize 4096"));
    }

    @Test
    void badArguments() {
        String prefix = "plugin/bufsize: Corefile:1 - Error during parsing: Wrong argument count or unexpected line ending after ";
        assertEquals(prefix + "'5000'", error("bufsize 5000"));
        assertEquals(prefix + "'511'", error("bufsize 511"));
        assertEquals(prefix + "'512 512'", error("bufsize \"512 512\""));
        assertEquals(prefix + "'abc123'", error("bufsize abc123"));
        assertEquals(prefix + "'1300'", error("bufsize 1200 1300"));
    }

    /** Runs the handler and returns the request the next handler saw. */
    private static Request through(int size, Request request) throws Exception {
        TestController c = TestController.of("bufsize " + size);
        new BufsizePlugin().setup(c);
        AtomicReference<Request> seen = new AtomicReference<>();
        Handler next = new Handler() {
            @Override
            public String name() {
                return "next";
            }

            @Override
            public int serve(Request r, ResponseWriter w) {
                seen.set(r);
                return Rcodes.SERVFAIL;
            }
        };
        assertEquals(Rcodes.SERVFAIL, c.handler(next).serve(request, new RecordingWriter()));
        return seen.get();
    }

    private static Request withOpt(int payload, int flags, Transport t) {
        Message m = TestRequests.message("example.org", Type.A, org.xbill.DNS.DClass.IN);
        m.addRecord(new OPTRecord(payload, 0, 0, flags), Section.ADDITIONAL);
        return TestRequests.from(m, t, RecordingWriter.DEFAULT_REMOTE);
    }

    @Test
    void aLargerSizeIsLowered() throws Exception {
        Request r = through(1232, withOpt(4096, ExtendedFlags.DO, Transport.UDP));
        assertEquals(1232, r.opt().getPayloadSize());
        assertEquals(1232, r.size());
        assertTrue(r.dnssecOk(), "flags are kept");
        assertEquals(1, r.message().getSection(Section.ADDITIONAL).size());
        // What forward would send upstream.
        assertEquals(1232, new Message(r.message().toWire()).getOPT().getPayloadSize());
    }

    @Test
    void smallerSizesAndQueriesWithoutOptAreLeftAlone() throws Exception {
        assertEquals(1000, through(1232, withOpt(1000, 0, Transport.UDP)).opt().getPayloadSize());
        assertEquals(1232, through(1232, withOpt(1232, 0, Transport.UDP)).opt().getPayloadSize());
        Request plain = through(1232, TestRequests.query("example.org", Type.A));
        assertNull(plain.opt());
        assertEquals(512, plain.size());
        // Over TCP the OPT is lowered too (CoreDNS does not look at the transport).
        Request tcp = through(1232, withOpt(4096, 0, Transport.TCP));
        assertEquals(1232, tcp.opt().getPayloadSize());
        assertEquals(65535, tcp.size());
    }

    @Test
    void repliesAreTruncatedAtTheLowerSize() throws Exception {
        // Port 0: both blocks are one server on a free port (a UDP port picked in advance can have its TCP twin taken).
        int port = 0;
        StringBuilder hosts = new StringBuilder();
        for (int i = 1; i <= 60; i++) {
            hosts.append("        10.0.0.").append(i).append(" big.example.org\n");
        }
        String block = " {\n    bind 127.0.0.1\n    hosts {\n" + hosts + "    }\n}\n";
        String corefile = "example.org:" + port + " {\n    bufsize 512\n    bind 127.0.0.1\n    hosts {\n" + hosts
                + "    }\n}\n" + "example.net:" + port + block.replace("big.example.org", "big.example.net");
        try (InProcessServer s = InProcessServer.start(corefile)) {
            Message q = TestRequests.message("big.example.org", Type.A, org.xbill.DNS.DClass.IN);
            q.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
            byte[] wire = DnsClient.udpRaw(s.address(), q.toWire(), java.time.Duration.ofSeconds(3));
            Message r = new Message(wire);
            assertTrue(r.getHeader().getFlag(Flags.TC), "truncated at 512");
            assertTrue(wire.length <= 512, "reply of " + wire.length + " bytes");
            assertEquals(512, r.getOPT().getPayloadSize(), "the reply advertises the lowered size");

            // Without bufsize the same answer fits the client's 4096 bytes.
            Message q2 = TestRequests.message("big.example.net", Type.A, org.xbill.DNS.DClass.IN);
            q2.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
            Message r2 = DnsClient.udp(s.address(), q2);
            assertFalse(r2.getHeader().getFlag(Flags.TC));
            assertEquals(60, r2.getSection(Section.ANSWER).size());
            assertEquals(4096, r2.getOPT().getPayloadSize());
        }
    }
}
