package kdns.plugin.standard.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.SocketException;
import java.util.List;
import kdns.api.PluginException;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import org.junit.jupiter.api.Test;

class BindPluginTest {

    /** eth0 with an IPv4, a global IPv6 and a link-local IPv6 address; lo as usual; down0 fails. */
    private static final Interfaces FAKE = name -> {
        try {
            return switch (name) {
                case "lo" -> List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"));
                case "eth0" -> List.of(InetAddress.getByName("192.0.2.10"), InetAddress.getByName("2001:db8::10"),
                        InetAddress.getByName("fe80::1"));
                case "down0" -> throw new SocketException("no such device");
                default -> null;
            };
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    };

    private static List<String> bind(String text) throws PluginException {
        TestController c = TestController.of(text);
        new BindPlugin(FAKE).setup(c);
        return c.listenHosts();
    }

    private static String error(String text) {
        return assertThrows(PluginException.class, () -> bind(text)).getMessage();
    }

    @Test
    void addresses() throws Exception {
        assertEquals(List.of("1.2.3.4"), bind("bind 1.2.3.4"));
        assertEquals(List.of("1.2.3.4", "::5"), bind("bind 1.2.3.4 ::5"));
        assertEquals(List.of("::1", "1.2.3.4", "::5", "127.9.9.0"), bind("bind ::1 1.2.3.4 ::5 127.9.9.0"));
    }

    @Test
    void interfaces() throws Exception {
        assertEquals(List.of("1.2.3.4", "127.0.0.1", "::1"), bind("bind 1.2.3.4 lo"));
        assertEquals(List.of("192.0.2.10", "2001:db8::10", "fe80::1%eth0"), bind("bind eth0"));
    }

    @Test
    void except() throws Exception {
        assertEquals(List.of("::1"), bind("bind lo {\n    except 127.0.0.1\n}"));
        assertEquals(List.of("fe80::1%eth0"), bind("bind eth0 lo {\n    except 192.0.2.10 2001:db8::10 lo\n}"));
        assertEquals(List.of("127.0.0.1"), bind("bind lo {\n    except ::0001\n}"), "compared in canonical form");
        // except applies to its own directive only
        assertEquals(List.of("::1", "127.0.0.1"), bind("bind lo {\n    except 127.0.0.1\n}\nbind 127.0.0.1"));
    }

    @Test
    void severalDirectivesAddUpWithoutDuplicates() throws Exception {
        assertEquals(List.of("127.0.0.1", "::1"), bind("bind 127.0.0.1\nbind ::1"));
        assertEquals(List.of("127.0.0.1", "::1"), bind("bind 127.0.0.1 lo\nbind ::1"));
    }

    @Test
    void canonicalText() throws Exception {
        assertEquals(List.of("::1", "2001:db8::1", "1.2.3.4"),
                bind("bind 0:0:0:0:0:0:0:1 2001:DB8:0:0::1 ::ffff:1.2.3.4"));
    }

    @Test
    void errors() {
        assertEquals("Corefile:1 - Error during parsing: at least one address or interface name is expected",
                error("bind"));
        assertEquals("Corefile:1 - Error during parsing: not a valid IP address or interface name: \"1.2.3.invalid\"",
                error("bind 1.2.3.invalid"));
        assertEquals("Corefile:1 - Error during parsing: not a valid IP address or interface name: \"noone\"",
                error("bind ::1 1.2.3.4 ::5 127.9.9.0 noone"));
        assertTrue(error("bind 01.2.3.4").contains("\"01.2.3.4\""), "leading zeros are not an IPv4 address");
        assertTrue(error("bind fe80::1%eth0").contains("\"fe80::1%eth0\""), "zones only come from interfaces");
        assertTrue(error("bind localhost").contains("\"localhost\""), "host names are not resolved");
        assertEquals("Corefile:2 - Error during parsing: at least one address or interface must be given to except "
                + "subdirective", error("bind lo {\n    except\n}"));
        assertEquals("Corefile:2 - Error during parsing: not a valid IP address or interface name: \"nope\"",
                error("bind lo {\n    except nope\n}"));
        assertEquals("Corefile:2 - Error during parsing: unknown property 'exclude'",
                error("bind lo {\n    exclude ::1\n}"));
        assertTrue(error("bind down0").contains("failed to get the IP addresses of the interface: \"down0\""));
    }

    @Test
    void realLoopbackInterface() throws Exception {
        TestController c = TestController.of("bind lo");
        new BindPlugin().setup(c);
        assertTrue(c.listenHosts().contains("127.0.0.1"), c.listenHosts().toString());
    }

    @Test
    void addsNoHandler() throws Exception {
        TestController c = TestController.of("bind 127.0.0.1");
        new BindPlugin().setup(c);
        assertThrows(IllegalStateException.class, () -> c.handler(TestHandlers.answering(0)));
    }

    @Test
    void pluginIdentity() {
        assertEquals("bind", new BindPlugin().name());
        assertFalse(new BindPlugin().description().isBlank());
    }
}
