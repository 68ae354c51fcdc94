package kdns.plugin.standard.timeouts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import kdns.api.PluginException;
import kdns.host.setup.BlockConfig;
import kdns.testing.TestController;
import org.junit.jupiter.api.Test;

class TimeoutsPluginTest {

    private static BlockConfig.TcpSettings set(String corefile) throws Exception {
        TestController c = TestController.of(corefile);
        new TimeoutsPlugin().setup(c);
        return c.tcpSettingsSet();
    }

    @Test
    void optionsReachTheServersSettings() throws Exception {
        BlockConfig.TcpSettings t = set("timeouts {\n read 10s\n write 20\n idle 1m\n maxtcpqueries 100\n}");
        assertEquals(Duration.ofSeconds(10), t.read());
        assertEquals(Duration.ofMinutes(1), t.idle());
        assertEquals(100, t.maxQueries());
        BlockConfig.TcpSettings idleOnly = set("timeouts {\n idle 30\n}");
        assertNull(idleOnly.read(), "the server's default");
        assertEquals(Duration.ofSeconds(30), idleOnly.idle(), "a plain number is seconds");
        assertEquals(0, idleOnly.maxQueries(), "the server's default (no limit)");
        assertEquals(-1, set("timeouts {\n maxtcpqueries -1\n}").maxQueries());
    }

    /** The TCP server closes a connection after maxtcpqueries queries, answering them first. */
    @Test
    void maxTcpQueriesClosesTheConnection() throws Exception {
        try (kdns.testing.InProcessServer server = kdns.testing.InProcessServer.start(
                ".:0 {\n bind 127.0.0.1\n timeouts {\n  maxtcpqueries 2\n }\n whoami\n}");
             java.net.Socket s = new java.net.Socket()) {
            s.connect(server.address(), 5000);
            s.setSoTimeout(10_000);
            // All three queries in one write: written one by one, the third could reach a connection
            // the server had already closed after the second, and the write failed with a broken pipe.
            java.io.ByteArrayOutputStream queries = new java.io.ByteArrayOutputStream();
            java.io.DataOutputStream framed = new java.io.DataOutputStream(queries);
            for (int i = 0; i < 3; i++) {
                byte[] q = org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(
                        org.xbill.DNS.Name.fromString("q" + i + ".example."), org.xbill.DNS.Type.A, 1)).toWire();
                framed.writeShort(q.length);
                framed.write(q);
            }
            s.getOutputStream().write(queries.toByteArray());
            s.getOutputStream().flush();
            java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            int replies = 0;
            try {
                while (true) {
                    int len = in.readUnsignedShort();
                    in.readFully(new byte[len]);
                    replies++;
                }
            } catch (java.io.EOFException | java.net.SocketException closed) {
                // the server closed the connection
            }
            assertEquals(2, replies);
        }
    }

    @Test
    void setupErrors() {
        for (String[] b : new String[][] {{"timeouts x", "Wrong argument count"},
            {"timeouts", "timeouts block with no timeouts specified"},
            {"timeouts {\n read\n}", "Wrong argument count"},
            {"timeouts {\n read 500ms\n}", "needs to be between 1 second and 24 hours"},
            {"timeouts {\n idle 25h\n}", "needs to be between 1 second and 24 hours"},
            {"timeouts {\n read soon\n}", "invalid duration"},
            {"timeouts {\n maxtcpqueries 0\n}", "needs to be -1 (unlimited) or a positive integer"},
            {"timeouts {\n maxtcpqueries many\n}", "invalid value for maxtcpqueries 'many'"},
            {"timeouts {\n linger 5s\n}", "unknown option: 'linger'"}}) {
            PluginException e = assertThrows(PluginException.class, () -> new TimeoutsPlugin().setup(TestController.of(b[0])),
                    b[0]);
            assertTrue(e.getMessage().contains(b[1]), b[0] + ": " + e.getMessage());
        }
    }
}
