package kdns.plugin.kubernetes.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A compact endpoint gives back its address exactly as the slice wrote it. */
class EndpointTest {

    private static Endpoint at(String address) {
        return new Endpoint(address, "", "", "", "");
    }

    @Test
    void canonicalIpv4IsHeldAsAnIntAndFormattedBack() {
        for (String a : new String[] {"10.244.1.23", "0.0.0.0", "255.255.255.255", "1.2.3.4", "192.168.100.200"}) {
            Endpoint e = at(a);
            assertTrue(e.isCompactIpv4(), a);
            assertEquals(a, e.address());
            assertEquals(a.replace('.', '-'), e.dnsName(false));
        }
        assertEquals(0x0af40117, at("10.244.1.23").ipv4());
        assertEquals(0xffffffff, at("255.255.255.255").ipv4());
    }

    @Test
    void otherTextIsKeptAsWritten() {
        for (String a : new String[] {"010.1.0.1", "1.2.3", "1.2.3.4.", "256.1.1.1", "1..2.3", "fd00::1", "2001:DB8::1",
            "::ffff:1.2.3.4", "1.2.3.4444"}) {
            Endpoint e = at(a);
            assertFalse(e.isCompactIpv4(), a);
            assertEquals(a, e.address());
        }
        assertEquals("fd00--1", at("fd00::1").dnsName(false));
        assertEquals("fd00--0", at("fd00::").dnsName(false), "a trailing dash gets a 0");
    }

    @Test
    void namesComeBeforeTheAddress() {
        assertEquals("web-0", new Endpoint("10.0.0.1", "web-0", "pod-a", "", "").dnsName(true));
        assertEquals("web-0", new Endpoint("10.0.0.1", "web-0", "", "", "").dnsName(false));
        assertEquals("pod-a", new Endpoint("10.0.0.1", "", "pod-a", "", "").dnsName(true));
        assertEquals("10-0-0-1", new Endpoint("10.0.0.1", "", "pod-a", "", "").dnsName(false));
        assertEquals("", new Endpoint("10.0.0.1", "", "x".repeat(64), "", "").targetRefName(), "64+ characters dropped");
    }

    @Test
    void equalityFollowsEveryField() {
        assertEquals(new Endpoint("10.0.0.1", "h", "t", "n", "z"), new Endpoint("10.0.0.1", "h", "t", "n", "z"));
        assertEquals(new Endpoint("10.0.0.1", "h", "t", "n", "z").hashCode(),
                new Endpoint("10.0.0.1", "h", "t", "n", "z").hashCode());
        assertEquals(new Endpoint("10.0.0.1", null, null, null, null), at("10.0.0.1"));
        assertNotEquals(at("10.0.0.1"), at("10.0.0.2"));
        assertNotEquals(at("10.0.0.1"), at("010.0.0.1"));
        assertNotEquals(at("0.0.0.0"), at("fd00::1"), "an int of 0 is not any text address");
        assertNotEquals(at("10.0.0.1"), new Endpoint("10.0.0.1", "", "", "", "zone-a"));
        assertNotEquals(at("10.0.0.1"), new Endpoint("10.0.0.1", "h", "", "", ""));
    }
}
