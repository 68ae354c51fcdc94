package kdns.plugin.standard.tsig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kdns.api.PluginException;
import kdns.testing.DnsClient;
import kdns.testing.InProcessServer;
import kdns.testing.TestController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

class TsigPluginTest {

    private static final String SECRET = "NoTCJU+DMqFWywaPyxSijrDEA/eC3nK0xi3AMEZuPVk=";
    private static final TSIG KEY = new TSIG(TSIG.HMAC_SHA256, "example.zone.key.", SECRET);

    private static TsigPolicy parse(String corefile) throws PluginException {
        return TsigPlugin.parse(TestController.of(corefile, List.of("example.zone.")));
    }

    private static String message(Exception e) {
        String m = e.getMessage();
        int at = m.indexOf(" - Error during parsing: ");
        return at < 0 ? m : m.substring(at + " - Error during parsing: ".length());
    }

    @Test
    void options() throws Exception {
        TsigPolicy p = parse("tsig {\n secret Example.Zone.Key " + SECRET + "\n require AXFR IXFR\n}");
        assertEquals(List.of("example.zone."), p.zones());
        assertEquals(Set.of("example.zone.key."), p.secrets().keySet());
        assertTrue(p.required(Type.AXFR, Opcode.QUERY));
        assertTrue(!p.required(Type.A, Opcode.QUERY));
        TsigPolicy all = parse("tsig other.zone {\n secret k. " + SECRET + "\n require all\n}");
        assertEquals(List.of("other.zone."), all.zones());
        assertTrue(all.required(Type.A, Opcode.QUERY));
        TsigPolicy none = parse("tsig {\n secret k. " + SECRET + "\n require none\n}");
        assertTrue(!none.required(Type.A, Opcode.QUERY));
        TsigPolicy ops = parse("tsig {\n secret k. " + SECRET + "\n require_opcode QUERY\n}");
        assertTrue(ops.required(Type.MX, Opcode.QUERY));
        assertTrue(!ops.required(Type.MX, Opcode.UPDATE));
    }

    @Test
    void secretsFile(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("keys.conf"), """
                key "first." {
                    algorithm hmac-sha256;
                    secret "%s";
                };

                key "second" {
                    secret "%s";
                };
                """.formatted(SECRET, SECRET));
        TsigPolicy p = parse("tsig {\n secrets " + f + "\n}");
        assertEquals(Set.of("first.", "second."), p.secrets().keySet());
        assertEquals("unexpected token \"foo\"", assertThrows(IllegalArgumentException.class,
                () -> KeyFile.parse("foo bar\n")).getMessage());
        assertEquals("expected secret for key \"k.\"", assertThrows(IllegalArgumentException.class,
                () -> KeyFile.parse("key \"k.\" {\n};\n")).getMessage());
        assertEquals("key \"k.\" redefined", assertThrows(IllegalArgumentException.class,
                () -> KeyFile.parse("key k {\nsecret \"a\";\n};\nkey k. {\nsecret \"b\";\n};\n")).getMessage());
    }

    @Test
    void errorsSayWhatToFix(@TempDir Path dir) {
        assertEquals("key \"k.\" redefined", message(assertThrows(PluginException.class,
                () -> parse("tsig {\n secret k " + SECRET + "\n secret K. " + SECRET + "\n}"))));
        assertTrue(message(assertThrows(PluginException.class, () -> parse("tsig {\n secret k\n}")))
                .startsWith("Wrong argument count"));
        assertEquals("unknown query type 'BOGUS'", message(assertThrows(PluginException.class,
                () -> parse("tsig {\n require BOGUS\n}"))));
        assertEquals("unknown opcode 'BOGUS'", message(assertThrows(PluginException.class,
                () -> parse("tsig {\n require_opcode BOGUS\n}"))));
        assertEquals("unknown property 'foo'", message(assertThrows(PluginException.class,
                () -> parse("tsig {\n foo\n}"))));
        assertTrue(message(assertThrows(PluginException.class, () -> parse("tsig {\n require\n}")))
                .startsWith("Wrong argument count"));
        assertTrue(message(assertThrows(PluginException.class, () -> parse("tsig {\n secret k. not-base64!\n}")))
                .contains("not base64"));
        assertTrue(message(assertThrows(PluginException.class,
                () -> parse("tsig {\n secrets " + dir.resolve("missing.conf") + "\n}"))).contains("missing.conf"));
        assertTrue(message(assertThrows(PluginException.class, () -> parse("tsig\ntsig")))
                .contains("only be used once"));
    }

    // ---- through a real server ------------------------------------------------------------------

    private static String corefile(int port, String require) {
        return "example.zone:" + port + " {\n bind 127.0.0.1\n tsig {\n  secret example.zone.key. " + SECRET + "\n"
                + "  require " + require + "\n }\n hosts {\n  10.0.0.1 www.example.zone\n }\n}\n";
    }

    /** A signed query's bytes (dnsjava signs when rendering with a size limit). */
    private static byte[] signed(String name, int type, TSIG key) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        q.setTSIG(key);
        return q.toWire(65535);
    }

    /** Sends over UDP; returns the reply bytes. */
    private static byte[] udp(InProcessServer s, byte[] q) throws Exception {
        return DnsClient.udpRaw(s.address(), q, Duration.ofSeconds(3));
    }

    @Test
    void aSignedQueryGetsASignedAnswer() throws Exception {
        try (InProcessServer s = InProcessServer.start(corefile(0, "all"))) {
            byte[] wire = signed("www.example.zone.", Type.A, KEY);
            TSIGRecord queryTsig = new Message(wire).getTSIG();
            byte[] replyWire = DnsClient.udpRaw(s.address(), wire, Duration.ofSeconds(3));
            Message reply = new Message(replyWire);
            assertEquals(Rcode.NOERROR, reply.getRcode());
            assertEquals("10.0.0.1", reply.getSection(Section.ANSWER).get(0).rdataToString());
            assertNotNull(reply.getTSIG(), "the reply is signed");
            assertEquals(Rcode.NOERROR, KEY.verify(reply, replyWire, queryTsig), "and verifies with the key");

            Message unsigned = DnsClient.udp(s.address(), "www.example.zone.", Type.A);
            assertEquals(Rcode.REFUSED, unsigned.getRcode(), "require all: unsigned is refused");
        }
    }

    @Test
    void failuresAreNotAuthWithTheTsigError() throws Exception {
        try (InProcessServer s = InProcessServer.start(corefile(0, "none"))) {
            TSIG unknown = new TSIG(TSIG.HMAC_SHA256, "other.key.", SECRET);
            Message badKey = new Message(udp(s, signed("www.example.zone.", Type.A, unknown)));
            assertEquals(Rcode.NOTAUTH, badKey.getRcode());
            assertEquals(Rcode.BADKEY, badKey.getTSIG().getError());

            TSIG wrongSecret = new TSIG(TSIG.HMAC_SHA256, "example.zone.key.", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
            Message badSig = new Message(udp(s, signed("www.example.zone.", Type.A, wrongSecret)));
            assertEquals(Rcode.NOTAUTH, badSig.getRcode());
            assertEquals(Rcode.BADSIG, badSig.getTSIG().getError());

            TSIG skewed = new TSIG(TSIG.HMAC_SHA256, Name.fromString("example.zone.key."),
                    new javax.crypto.spec.SecretKeySpec(java.util.Base64.getDecoder().decode(SECRET), "HmacSHA256"),
                    java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofHours(2)));
            Message badTime = new Message(udp(s, signed("www.example.zone.", Type.A, skewed)));
            assertEquals(Rcode.NOTAUTH, badTime.getRcode());
            assertEquals(Rcode.BADTIME, badTime.getTSIG().getError());

            Message unsigned = DnsClient.udp(s.address(), "www.example.zone.", Type.A);
            assertEquals(Rcode.NOERROR, unsigned.getRcode(), "require none: unsigned passes");
            assertNull(unsigned.getTSIG());
        }
    }

    @Test
    void aSignedZoneTransferIsSignedMessageByMessage(@TempDir Path dir) throws Exception {
        StringBuilder zone = new StringBuilder("$ORIGIN example.zone.\n$TTL 300\n"
                + "@ SOA ns admin 1 3600 600 86400 300\n@ NS ns\nns A 10.0.0.53\n");
        for (int i = 0; i < 3000; i++) {
            zone.append("h").append(i).append(" A 10.1.").append(i / 250).append('.').append(i % 250).append('\n');
        }
        Files.writeString(dir.resolve("db.example.zone"), zone);
        // Port 0: the server picks a free UDP port and binds TCP on it, trying again when TCP's is taken.
        String corefile = "example.zone:0 {\n bind 127.0.0.1\n tsig {\n  secret example.zone.key. " + SECRET
                + "\n  require AXFR IXFR\n }\n file " + dir.resolve("db.example.zone") + "\n transfer {\n  to *\n }\n}\n";
        try (InProcessServer s = InProcessServer.start(corefile);
             Socket tcp = new Socket(s.address().getAddress(), s.address().getPort())) {
            tcp.setSoTimeout(5000);
            byte[] wire = signed("example.zone.", Type.AXFR, KEY);
            TSIGRecord queryTsig = new Message(wire).getTSIG();
            OutputStream out = tcp.getOutputStream();
            out.write(new byte[] {(byte) (wire.length >>> 8), (byte) wire.length});
            out.write(wire);
            out.flush();
            DataInputStream in = new DataInputStream(tcp.getInputStream());
            TSIG.StreamVerifier verifier = new TSIG.StreamVerifier(KEY, queryTsig);
            List<Message> messages = new ArrayList<>();
            int soa = 0;
            while (soa < 2) {
                byte[] m = new byte[in.readUnsignedShort()];
                in.readFully(m);
                Message msg = new Message(m);
                assertEquals(Rcode.NOERROR, verifier.verify(msg, m), "message " + messages.size() + " verifies");
                messages.add(msg);
                for (Record r : msg.getSection(Section.ANSWER)) {
                    if (r.getType() == Type.SOA) {
                        soa++;
                    }
                }
            }
            assertTrue(messages.size() > 1, "a transfer of several messages: " + messages.size());
            assertNotNull(messages.get(0).getTSIG());
            assertNotNull(messages.get(messages.size() - 1).getTSIG(), "the last one is signed");
        }
    }

    @Test
    void unusedMapIsEmpty() {
        assertEquals(Map.of(), KeyFile.parse("\n\n"));
    }
}
