package kdns.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FlagsTest {

    @Test
    void goStyleFlags() throws Exception {
        Flags f = Flags.parse(new String[] {"-conf", "x/Corefile", "-dns.port=1053", "--quiet", "-validate",
                "-pidfile", "/tmp/p"});
        assertEquals("x/Corefile", f.conf());
        assertEquals(1053, f.dnsPort());
        assertTrue(f.quiet());
        assertTrue(f.validate());
        assertEquals("/tmp/p", f.pidfile());
        assertEquals(5300, Flags.parse(new String[] {"-p", "5300"}).dnsPort());
        assertEquals(53, Flags.parse(new String[] {}).dnsPort());
    }

    @Test
    void errors() {
        Flags.UsageException e = assertThrows(Flags.UsageException.class, () -> Flags.parse(new String[] {"-x"}));
        assertEquals("flag provided but not defined: -x", e.getMessage());
        assertEquals(2, e.exitCode);
        e = assertThrows(Flags.UsageException.class, () -> Flags.parse(new String[] {"-plugins", "a", "b"}));
        assertEquals("extra command line arguments: [a, b]", e.getMessage());
        assertEquals(1, e.exitCode);
        e = assertThrows(Flags.UsageException.class, () -> Flags.parse(new String[] {"-dns.port", "99999"}));
        assertTrue(e.getMessage().contains("port number"));
        e = assertThrows(Flags.UsageException.class, () -> Flags.parse(new String[] {"-conf"}));
        assertEquals("flag needs an argument: -conf", e.getMessage());
    }
}
