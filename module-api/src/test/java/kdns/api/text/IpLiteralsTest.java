package kdns.api.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpLiteralsTest {

    @Test
    void canonicalForms() {
        assertEquals("1.2.3.4", IpLiterals.canonical("1.2.3.4"));
        assertEquals("0.0.0.0", IpLiterals.canonical("0.0.0.0"));
        assertEquals("::", IpLiterals.canonical("::"));
        assertEquals("::1", IpLiterals.canonical("::1"));
        assertEquals("::1", IpLiterals.canonical("0:0:0:0:0:0:0:1"));
        assertEquals("2001:db8::1", IpLiterals.canonical("2001:DB8:0:0:0:0:0:1"));
        assertEquals("2001:db8:0:1:1:1:1:1", IpLiterals.canonical("2001:db8:0:1:1:1:1:1"), "one zero group stays");
        assertEquals("2001:db8::1:0:0:1", IpLiterals.canonical("2001:db8:0:0:1:0:0:1"), "first longest run");
        assertEquals("1::", IpLiterals.canonical("1::"));
        assertEquals("1.2.3.4", IpLiterals.canonical("::ffff:1.2.3.4"));
        assertEquals("::102:304", IpLiterals.canonical("::1.2.3.4"));
        assertEquals("64:ff9b::102:304", IpLiterals.canonical("64:ff9b::1.2.3.4"));
        assertEquals("fe80::1:2", IpLiterals.canonical("fe80:0:0:0:0:0:1:2"));
    }

    @Test
    void rejects() {
        for (String s : new String[] {"", "1.2.3", "1.2.3.4.5", "1.2.3.256", "01.2.3.4", "1..2.3", "1.2.3.4 ",
                "a.b.c.d", ":::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", "12345::", ":1", "1:", "g::1",
                "1:2:3:4:5:6:7::8", "::1.2.3", "1.2.3.4::", "fe80::1%eth0", "[::1]", "localhost"}) {
            assertNull(IpLiterals.parse(s), s);
        }
    }

    @Test
    void formatsInetAddresses() throws Exception {
        assertEquals("::1", IpLiterals.format(InetAddress.getByName("::1")));
        assertEquals("10.0.0.1", IpLiterals.format(InetAddress.getByName("10.0.0.1")));
    }
}
