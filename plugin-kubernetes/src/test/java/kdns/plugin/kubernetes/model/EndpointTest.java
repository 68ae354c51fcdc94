package kdns.plugin.kubernetes.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
    void everyFieldIsKeptWhetherTheEndpointIsPlainOrNamed() {
        Endpoint plain = new Endpoint("10.0.0.1", "", "", "node-1", "zone-a");
        assertEquals(List.of("10.0.0.1", "", "", "node-1", "zone-a"),
                List.of(plain.address(), plain.hostname(), plain.targetRefName(), plain.nodeName(), plain.zone()));
        Endpoint named = new Endpoint("fd00::1", "web-0", "pod-a", "node-1", "zone-a");
        assertEquals(List.of("fd00::1", "web-0", "pod-a", "node-1", "zone-a"),
                List.of(named.address(), named.hostname(), named.targetRefName(), named.nodeName(), named.zone()));
        Endpoint target = new Endpoint("10.0.0.2", "", "pod-b", "", "");
        assertEquals("Endpoint[address=10.0.0.2, hostname=, targetRefName=pod-b, nodeName=, zone=]", target.toString());
        assertTrue(target.isCompactIpv4());
        assertEquals("pod-b", target.dnsName(true));
        assertEquals("10-0-0-2", target.dnsName(false));
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
        assertNotEquals(at("10.0.0.1"), new Endpoint("10.0.0.1", "", "t", "", ""));
        assertNotEquals(at("10.0.0.1"), new Endpoint("10.0.0.1", "", "", "node-1", ""));
        assertNotEquals(new Endpoint("10.0.0.1", "", "t", "n", ""), new Endpoint("10.0.0.1", "", "t", "m", ""));
    }
}
