package kdns.api.zones;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReverseZonesTest {

    @Test
    void octetAlignedV4IsOneZone() {
        assertEquals(List.of("0.0.10.in-addr.arpa."), ReverseZones.fromCidr("10.0.0.0/24"));
        assertEquals(List.of("10.in-addr.arpa."), ReverseZones.fromCidr("10.0.0.0/8"));
        assertEquals(List.of("1.0.0.10.in-addr.arpa."), ReverseZones.fromCidr("10.0.0.1/32"));
    }

    @Test
    void slash15SplitsIntoTwoSlash16() {
        assertEquals(List.of("0.10.in-addr.arpa.", "1.10.in-addr.arpa."), ReverseZones.fromCidr("10.0.0.0/15"));
    }

    @Test
    void slash27GivesThirtyTwoSingleAddressZones() {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            expected.add(i + ".0.0.10.in-addr.arpa.");
        }
        assertEquals(expected, ReverseZones.fromCidr("10.0.0.0/27"));
    }

    @Test
    void classlessSlash25GivesOneHundredTwentyEightZones() {
        List<String> zones = ReverseZones.fromCidr("192.168.1.0/25");
        assertEquals(128, zones.size());
        assertEquals("0.1.168.192.in-addr.arpa.", zones.get(0));
        assertEquals("127.1.168.192.in-addr.arpa.", zones.get(127));
    }

    @Test
    void hostBitsAreMaskedAway() {
        assertEquals(List.of("0.168.192.in-addr.arpa.", "1.168.192.in-addr.arpa."),
                ReverseZones.fromCidr("192.168.1.1/23"));
        assertEquals(List.of("0.0.10.in-addr.arpa."), ReverseZones.fromCidr("10.0.0.77/24"));
    }

    @Test
    void slashZeroIsTheWholeTree() {
        assertEquals(List.of("in-addr.arpa."), ReverseZones.fromCidr("10.0.0.0/0"));
        assertEquals(List.of("ip6.arpa."), ReverseZones.fromCidr("2001:db8::/0"));
    }

    @Test
    void v6SplitsOnNibbles() {
        assertEquals(List.of("8.b.d.0.1.0.0.2.ip6.arpa.", "9.b.d.0.1.0.0.2.ip6.arpa."),
                ReverseZones.fromCidr("2001:db8::/31"));
        assertEquals(List.of("8.b.d.0.1.0.0.2.ip6.arpa."), ReverseZones.fromCidr("2001:DB8::/32"));
        assertEquals(List.of("0.8.b.d.0.1.0.0.2.ip6.arpa.", "1.8.b.d.0.1.0.0.2.ip6.arpa.",
                "2.8.b.d.0.1.0.0.2.ip6.arpa.", "3.8.b.d.0.1.0.0.2.ip6.arpa."),
                ReverseZones.fromCidr("2001:db8::/34"));
    }

    @Test
    void v6WithEmbeddedV4() {
        assertEquals(List.of("4.0.3.0.2.0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.ip6.arpa."),
                ReverseZones.fromCidr("1::1.2.3.4/128"));
    }

    @Test
    void leadingColonOrZeroColonIsInvalid() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReverseZones.fromCidr("::fFFF:B:F/115"));
        assertEquals("invalid CIDR ::fFFF:B:F/115", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReverseZones.fromCidr("0::1/64"));
        assertThrows(IllegalArgumentException.class, () -> ReverseZones.fromCidr("::ffff:10.0.0.0/104"));
    }

    @Test
    void invalidOnlyAfterTheCidrParsed() {
        // Go's ParseCIDR fails first, so these stay plain zone names.
        assertNull(ReverseZones.fromCidr("::1/129"));
        assertNull(ReverseZones.fromCidr(":x/8"));
    }

    @Test
    void notACidrIsNull() {
        assertNull(ReverseZones.fromCidr("example.org"));
        assertNull(ReverseZones.fromCidr("10.0.0.0"));
        assertNull(ReverseZones.fromCidr("10.0.0.0/33"));
        assertNull(ReverseZones.fromCidr("10.0.0.0/"));
        assertNull(ReverseZones.fromCidr("/8"));
        assertNull(ReverseZones.fromCidr("10.0.0/8"));
        assertNull(ReverseZones.fromCidr("10.0.0.0.0/8"));
        assertNull(ReverseZones.fromCidr("256.0.0.0/8"));
        assertNull(ReverseZones.fromCidr("010.0.0.0/8"), "Go refuses leading zeros in octets");
        assertNull(ReverseZones.fromCidr("10.0.0.0/\u0668"), "only ASCII digits in the prefix length");
        assertNull(ReverseZones.fromCidr("10.0.0.0/8/8"));
        assertNull(ReverseZones.fromCidr("fe80::1%eth0/64"), "zones are refused");
        assertNull(ReverseZones.fromCidr("2001:db8:::/32"));
        assertNull(ReverseZones.fromCidr("2001:db8::1::/32"));
        assertNull(ReverseZones.fromCidr("2001:db8:12345::/32"));
        assertNull(ReverseZones.fromCidr("1:2:3:4:5:6:7:8::/32"), ":: must stand for a zero group");
        assertNull(ReverseZones.fromCidr("1:2:3:4:5:6:7/32"));
    }

    @Test
    void prefixLengthMayHaveLeadingZeros() {
        assertEquals(List.of("0.0.10.in-addr.arpa."), ReverseZones.fromCidr("10.0.0.0/024"));
    }

    @Test
    void reverseNameAndBack() throws Exception {
        InetAddress v4 = InetAddress.getByName("10.0.0.1");
        assertEquals("1.0.0.10.in-addr.arpa.", ReverseZones.reverseName(v4));
        assertEquals(v4, ReverseZones.addressOf("1.0.0.10.in-addr.arpa."));
        assertEquals(v4, ReverseZones.addressOf("1.0.0.10.IN-ADDR.Arpa"));
        InetAddress v6 = InetAddress.getByName("2001:db8::1");
        String name = ReverseZones.reverseName(v6);
        assertEquals("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.", name);
        assertEquals(v6, ReverseZones.addressOf(name));
        assertEquals(v6, ReverseZones.addressOf(name.toUpperCase(java.util.Locale.ROOT)));
    }

    @Test
    void addressOfRefusesPartialOrMalformedNames() {
        assertNull(ReverseZones.addressOf("0.10.in-addr.arpa."));
        assertNull(ReverseZones.addressOf("1..0.10.in-addr.arpa."));
        assertNull(ReverseZones.addressOf("256.0.0.10.in-addr.arpa."));
        assertNull(ReverseZones.addressOf("\u0661.0.0.10.in-addr.arpa."));
        assertNull(ReverseZones.addressOf("example.org."));
        assertNull(ReverseZones.addressOf("in-addr.arpa."));
    }
}
