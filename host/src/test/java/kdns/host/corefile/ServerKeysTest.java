package kdns.host.corefile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerKeysTest {

    private static ServerBlock block(String... keys) {
        List<Token> tokens = new ArrayList<>();
        for (String k : keys) {
            tokens.add(new Token("Corefile", 1, k));
        }
        return new ServerBlock(List.of(keys), tokens, List.of());
    }

    private static List<String> keys(int dnsPort, String... keys) throws CorefileException {
        return ServerKeys.inspect(block(keys), dnsPort).stream().map(ServerKey::toString).toList();
    }

    private static List<String> keys(String... keys) throws CorefileException {
        return keys(53, keys);
    }

    private static String error(String key) {
        return assertThrows(CorefileException.class, () -> keys(key)).getMessage();
    }

    @Test
    void defaultPortsPerScheme() throws Exception {
        assertEquals(List.of("dns://.:53", "dns://example.org.:53", "tls://.:853", "quic://.:853",
                "grpc://.:443", "https://.:443", "https3://.:443"),
                keys(".", "dns://example.org", "tls://.", "quic://.", "grpc://.", "https://.", "https3://."));
    }

    @Test
    void dnsPortFlagOnlyAffectsDnsKeysWithoutPort() throws Exception {
        assertEquals(List.of("dns://.:1053", "dns://a.:53", "tls://.:853"), keys(1053, ".", "a:53", "tls://."));
    }

    @Test
    void explicitPortIsTheTextAfterTheLastColonWhenNumeric() throws Exception {
        assertEquals(List.of("dns://example.org.:1053", "tls://example.org.:5353", "dns://.:0"),
                keys("example.org:1053", "tls://example.org:5353", ".:0"));
        assertEquals(List.of("dns://example.org.:53"), keys("example.org:0053"));
        assertEquals(List.of("dns://example.org.:53"), keys("example.org:+53"), "Go's Atoi accepts a sign");
        assertEquals(List.of("dns://a:b.:53"), keys("a:b"), "not numeric: part of the zone");
    }

    @Test
    void zoneIsLowerCasedAndFullyQualified() throws Exception {
        assertEquals(List.of("dns://example.org.:53", "dns://example.net.:53"), keys("EXAMPLE.ORG", "example.net."));
    }

    @Test
    void commaInsideAKeyIsPartOfTheZone() throws Exception {
        assertEquals(List.of("dns://example.org,example.net.:53"), keys("example.org,example.net"));
    }

    @Test
    void cidrExpandsInPlace() throws Exception {
        assertEquals(List.of("dns://0.10.in-addr.arpa.:5053", "dns://1.10.in-addr.arpa.:5053"), keys("10.0.0.0/15:5053"));
        assertEquals(List.of("dns://0.168.192.in-addr.arpa.:53", "dns://1.168.192.in-addr.arpa.:53", "dns://example.org.:53"),
                keys("192.168.1.1/23", "example.org"));
        assertEquals(128, keys("192.168.1.0/25").size());
        assertEquals(List.of("dns://8.b.d.0.1.0.0.2.ip6.arpa.:53", "dns://9.b.d.0.1.0.0.2.ip6.arpa.:53"),
                keys("2001:db8::/31"));
    }

    @Test
    void notACidrStaysAZone() throws Exception {
        assertEquals(List.of("dns://10.0.0.0/33.:53"), keys("10.0.0.0/33"));
    }

    @Test
    void colonWithoutPort() {
        assertEquals("error inspecting server blocks: expecting data after last colon: \"example.org:\"",
                error("example.org:"));
        assertEquals("error inspecting server blocks: expecting data after last colon: \"example.org:\"",
                error("tls://example.org:"));
    }

    @Test
    void invalidZones() {
        assertEquals("error inspecting server blocks: zone is not a valid domain name: ", error(":53"));
        assertEquals("error inspecting server blocks: zone is not a valid domain name: ..", error(".."));
        assertEquals("error inspecting server blocks: zone is not a valid domain name: a..b", error("a..b"));
        String label64 = "a".repeat(64);
        assertEquals("error inspecting server blocks: zone is not a valid domain name: " + label64 + ".org",
                error(label64 + ".org"));
    }

    @Test
    void zoneLengthLimits() throws Exception {
        String label = "a".repeat(63);
        String name253 = label + "." + label + "." + label + "." + "a".repeat(61);
        assertEquals(1, keys(name253).size());
        String tooLong = "a".repeat(256);
        assertEquals("error inspecting server blocks: specified zone is too long: 256 > 255", error(tooLong));
    }

    @Test
    void invalidCidr() {
        assertEquals("error inspecting server blocks: invalid CIDR ::fFFF:B:F/115", error("::fFFF:B:F/115"));
    }

    @Test
    void unknownSchemeIsRefusedWithAHint() {
        String msg = error("udp://example.org");
        assertTrue(msg.startsWith("error inspecting server blocks: unknown scheme \"udp://\" in key \"udp://example.org\" (Corefile:1)"), msg);
        assertTrue(msg.contains("use dns://, tls://, quic://, grpc://, https:// or https3://"), msg);
        assertTrue(error("DNS://example.org").contains("unknown scheme"));
        assertTrue(error("unix:///run/dns.sock").contains("unknown scheme"));
    }

    @Test
    void portOutOfRange() {
        String msg = error("example.org:65536");
        assertEquals("error inspecting server blocks: port 65536 of key \"example.org:65536\" (Corefile:1)"
                + " is out of range: use a port from 0 to 65535", msg);
        assertTrue(error("example.org:-1").contains("port -1 of key"));
    }

    @Test
    void duplicatesAcrossBlocks() throws Exception {
        List<ServerKey> a = ServerKeys.inspect(block("."), 53);
        List<ServerKey> b = ServerKeys.inspect(block(".:53"), 53);
        CorefileException e = assertThrows(CorefileException.class, () -> ServerKeys.checkDuplicates(List.of(a, b)));
        assertEquals("cannot serve dns://.:53 - it is already defined", e.getMessage());
    }

    @Test
    void blocksWithAViewMayShareKeysWithAnyBlock() throws Exception {
        List<ServerKey> a = ServerKeys.inspect(block("."), 53);
        List<ServerKey> b = ServerKeys.inspect(block(".:53"), 53);
        List<ServerKey> c = ServerKeys.inspect(block("."), 53);
        ServerKeys.checkDuplicates(List.of(a, b, c), List.of(true, true, false));
        ServerKeys.checkDuplicates(List.of(a, b), List.of(false, true));
        CorefileException e = assertThrows(CorefileException.class,
                () -> ServerKeys.checkDuplicates(List.of(a, b, c), List.of(true, false, false)));
        assertEquals("cannot serve dns://.:53 - it is already defined", e.getMessage());
    }

    @Test
    void duplicatesInOneBlock() throws Exception {
        List<ServerKey> a = ServerKeys.inspect(block("example.org", "EXAMPLE.org."), 53);
        CorefileException e = assertThrows(CorefileException.class, () -> ServerKeys.checkDuplicates(List.of(a)));
        assertEquals("cannot serve dns://example.org.:53 - it is already defined", e.getMessage());
    }

    @Test
    void sameZoneOnAnotherPortOrTransportIsFine() throws Exception {
        ServerKeys.checkDuplicates(List.of(ServerKeys.inspect(block(".:53"), 53), ServerKeys.inspect(block(".:54"), 53),
                ServerKeys.inspect(block("tls://.:53"), 53)));
    }

    @Test
    void domainNameChecks() {
        assertTrue(DnsNames.isDomainName("."));
        assertTrue(DnsNames.isDomainName("a\\.b"));
        assertTrue(DnsNames.isDomainName("(a)"));
        assertTrue(DnsNames.isDomainName("foo://x"));
        assertEquals("a\\..", DnsNames.fqdn("a\\."), "an escaped dot is part of the label");
        assertEquals("a\\\\.", DnsNames.fqdn("a\\\\."), "an escaped backslash before a real dot");
    }
}
