package kdns.plugin.standard.multisocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kdns.api.PluginException;
import kdns.testing.InProcessServer;
import kdns.testing.TestController;
import kdns.testing.upstream.FreePorts;
import org.junit.jupiter.api.Test;

class MultisocketPluginTest {

    private static Integer sockets(String corefileLine) throws Exception {
        TestController c = TestController.of(corefileLine);
        new MultisocketPlugin().setup(c);
        return c.listenerOptions().udpSockets();
    }

    @Test
    void aCountSetsTheSocketsAndNoCountOnePerCore() throws Exception {
        assertEquals(Runtime.getRuntime().availableProcessors(), sockets("multisocket"));
        assertEquals(3, sockets("multisocket 3"));
        assertEquals(1, sockets("multisocket 1"));
        assertEquals(1024, sockets("multisocket 1024"));
    }

    @Test
    void withoutThePluginTheBlockLeavesTheCountToTheServer() {
        assertNull(TestController.of("whoami").listenerOptions().udpSockets());
    }

    /**
     * The reader threads of a UDP address, one per socket, named udp-PORT-N after the port the
     * Corefile asks for (a fixed free one here: with port 0 every server's readers are udp-0-N).
     */
    private static long readers(String options) throws Exception {
        int port = FreePorts.tcpAndUdp();
        try (InProcessServer s = InProcessServer.start(".:" + port + " {\n bind 127.0.0.1\n" + options + " whoami\n}\n")) {
            String prefix = "udp-" + port + "-";
            return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
        }
    }

    @Test
    void anAddressListensWithTheCountedSocketsAndOneWithoutThePlugin() throws Exception {
        assertEquals(3, readers(" multisocket 3\n"));
        assertEquals(1, readers(""), "CoreDNS's default: one socket");
    }

    @Test
    void setupErrors() {
        for (String[] b : new String[][] {{"multisocket 1 2", "Wrong argument count"},
            {"multisocket 0", "num sockets can not be zero or negative: 0"},
            {"multisocket 1025", "num sockets exceeds maximum (1024): 1025"},
            {"multisocket many", "invalid num sockets"}}) {
            PluginException e = assertThrows(PluginException.class,
                    () -> new MultisocketPlugin().setup(TestController.of(b[0])), b[0]);
            assertTrue(e.getMessage().contains(b[1]), b[0] + ": " + e.getMessage());
        }
    }
}
