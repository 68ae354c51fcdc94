package kdns.plugin.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kdns.api.PluginException;
import kdns.testing.TestController;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The directive's syntax and every setup error, worded as CoreDNS words them. */
class CacheSetupTest {

    private static CacheConfig parse(String text) throws PluginException {
        return CachePlugin.parse(TestController.of(text));
    }

    private static CacheConfig parse(String text, List<String> zones) throws PluginException {
        return CachePlugin.parse(TestController.of(text, zones));
    }

    private static String error(String text) {
        return assertThrows(PluginException.class, () -> parse(text)).getMessage();
    }

    @Test
    void defaults() throws Exception {
        CacheConfig c = parse("cache");
        assertEquals(List.of("."), c.zones);
        assertEquals(10000, c.successCapacity);
        assertEquals(9984, CacheConfig.effectiveCapacity(c.successCapacity));
        assertEquals(9984, CacheConfig.effectiveCapacity(c.denialCapacity));
        assertEquals(3600, c.successTtl);
        assertEquals(5, c.successMinTtl);
        assertEquals(1800, c.denialTtl);
        assertEquals(5, c.denialMinTtl);
        assertEquals(5_000_000_000L, c.servfailNanos);
        assertEquals(0, c.prefetchAmount);
        assertEquals(60_000_000_000L, c.prefetchWindowNanos);
        assertEquals(10, c.prefetchPercentage);
        assertEquals(0, c.staleNanos);
        assertFalse(c.verifyStale);
        assertFalse(c.keepTtl);
        assertTrue(c.successExcept.isEmpty());
        assertTrue(c.denialExcept.isEmpty());
    }

    @Test
    void zonesDefaultToTheServerBlock() throws Exception {
        assertEquals(List.of("example.org.", "example.net."),
                parse("cache", List.of("example.org", "example.net")).zones);
    }

    @Test
    void ttlAndZones() throws Exception {
        CacheConfig c = parse("cache 30 Example.ORG 10.0.0.0/24");
        assertEquals(30, c.successTtl);
        assertEquals(30, c.denialTtl);
        assertEquals(List.of("example.org.", "0.0.10.in-addr.arpa."), c.zones);
        CacheConfig z = parse("cache example.org");
        assertEquals(3600, z.successTtl);
        assertEquals(List.of("example.org."), z.zones);
    }

    @Test
    void successAndDenial() throws Exception {
        CacheConfig c = parse("cache {\n success 5000 600 10\n denial 2500 300 0\n}");
        assertEquals(5000, c.successCapacity);
        assertEquals(4864, CacheConfig.effectiveCapacity(5000));
        assertEquals(600, c.successTtl);
        assertEquals(10, c.successMinTtl);
        assertEquals(2500, c.denialCapacity);
        assertEquals(300, c.denialTtl);
        assertEquals(0, c.denialMinTtl);
        CacheConfig small = parse("cache {\n success 10\n}");
        assertEquals(1024, CacheConfig.effectiveCapacity(small.successCapacity), "at least 1024 as in CoreDNS");
    }

    @Test
    void prefetch() throws Exception {
        CacheConfig c = parse("cache {\n prefetch 10 2m 20%\n}");
        assertEquals(10, c.prefetchAmount);
        assertEquals(120_000_000_000L, c.prefetchWindowNanos);
        assertEquals(20, c.prefetchPercentage);
        CacheConfig d = parse("cache {\n prefetch 2\n}");
        assertEquals(2, d.prefetchAmount);
        assertEquals(60_000_000_000L, d.prefetchWindowNanos);
        assertEquals(10, d.prefetchPercentage);
    }

    @Test
    void serveStale() throws Exception {
        CacheConfig c = parse("cache {\n serve_stale\n}");
        assertEquals(3_600_000_000_000L, c.staleNanos);
        assertFalse(c.verifyStale);
        CacheConfig v = parse("cache {\n serve_stale 30m VERIFY\n}");
        assertEquals(1_800_000_000_000L, v.staleNanos);
        assertTrue(v.verifyStale);
        CacheConfig i = parse("cache {\n serve_stale 10s immediate\n}");
        assertEquals(10_000_000_000L, i.staleNanos);
        assertFalse(i.verifyStale);
    }

    @Test
    void servfailDisableKeepttl() throws Exception {
        CacheConfig c = parse("cache {\n servfail 1m\n disable success example.org Example.NET\n"
                + " disable denial\n keepttl\n}");
        assertEquals(60_000_000_000L, c.servfailNanos);
        assertEquals(List.of("example.org.", "example.net."), c.successExcept);
        assertEquals(List.of("."), c.denialExcept);
        assertTrue(c.keepTtl);
        assertEquals(0, parse("cache {\n servfail 0\n}").servfailNanos);
    }

    static final String[] ERRORS = {
        "cache 0|Corefile:1 - Error during parsing: cache TTL can not be zero or negative: 0",
        "cache -10|Corefile:1 - Error during parsing: cache TTL can not be zero or negative: -10",
        "cache {\\n success\\n}|Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'success'",
        "cache {\\n success abc\\n}|Corefile:2 - Error during parsing: strconv.Atoi: parsing \"abc\": invalid syntax",
        "cache {\\n success 100 0\\n}|Corefile:2 - Error during parsing: cache TTL can not be zero or negative: 0",
        "cache {\\n success 100 x\\n}|Corefile:2 - Error during parsing: strconv.Atoi: parsing \"x\": invalid syntax",
        "cache {\\n success 100 10 -1\\n}|Corefile:2 - Error during parsing: cache min TTL can not be negative: -1",
        "cache {\\n denial\\n}|Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'denial'",
        "cache {\\n denial 99999999999999999999\\n}|Corefile:2 - Error during parsing: strconv.Atoi: parsing \"99999999999999999999\": value out of range",
        "cache {\\n denial 100 -5\\n}|Corefile:2 - Error during parsing: cache TTL can not be zero or negative: -5",
        "cache {\\n denial 100 10 -2\\n}|Corefile:2 - Error during parsing: cache min TTL can not be negative: -2",
        "cache {\\n prefetch\\n}|Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'prefetch'",
        "cache {\\n prefetch 1 1m 10% x\\n}|Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'x'",
        "cache {\\n prefetch -1\\n}|Corefile:2 - Error during parsing: prefetch amount should be positive: -1",
        "cache {\\n prefetch many\\n}|Corefile:2 - Error during parsing: strconv.Atoi: parsing \"many\": invalid syntax",
        "cache {\\n prefetch 1 10\\n}|Corefile:2 - Error during parsing: time: missing unit in duration \"10\"",
        "cache {\\n prefetch 1 soon\\n}|Corefile:2 - Error during parsing: time: invalid duration \"soon\"",
        "cache {\\n prefetch 1 1m 10\\n}|Corefile:2 - Error during parsing: last character of percentage should be `%`, but is: '0'",
        "cache {\\n prefetch 1 1m 5%\\n}|Corefile:2 - Error during parsing: percentage should fall in range [10, 90]: 5",
        "cache {\\n prefetch 1 1m 91%\\n}|Corefile:2 - Error during parsing: percentage should fall in range [10, 90]: 91",
        "cache {\\n prefetch 1 1m x%\\n}|Corefile:2 - Error during parsing: strconv.Atoi: parsing \"x\": invalid syntax",
        "cache {\\n serve_stale 1h verify extra\\n}|Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'extra'",
        "cache {\\n serve_stale -1h\\n}|Corefile:2 - Error during parsing: invalid negative duration for serve_stale",
        "cache {\\n serve_stale 1x\\n}|Corefile:2 - Error during parsing: time: unknown unit \"x\" in duration \"1x\"",
        "cache {\\n serve_stale 1h Later\\n}|Corefile:2 - Error during parsing: invalid value for serve_stale refresh mode: later",
        "cache {\\n servfail\\n}|Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'servfail'",
        "cache {\\n servfail 1s 2s\\n}|Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after '2s'",
        "cache {\\n servfail -1s\\n}|Corefile:2 - Error during parsing: invalid negative ttl for servfail",
        "cache {\\n servfail 6m\\n}|Corefile:2 - Error during parsing: caching SERVFAIL responses over 5 minutes is not permitted",
        "cache {\\n disable\\n}|Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'disable'",
        "cache {\\n disable positive\\n}|Corefile:2 - Error during parsing: cache type for disable must be \"success\" or \"denial\"",
        "cache {\\n keepttl now\\n}|Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'now'",
        "cache {\\n unknown 1\\n}|Corefile:2 - Error during parsing: Wrong argument count or unexpected line ending after 'unknown'",
    };

    static Stream<Arguments> errorCases() {
        return Stream.of(ERRORS).map(l -> l.split("\\|", 2)).map(p -> Arguments.of(p[0].replace("\\n", "\n"), p[1]));
    }

    @ParameterizedTest
    @MethodSource("errorCases")
    void errors(String text, String expected) {
        assertEquals(expected, error(text));
    }

    @Test
    void onlyOncePerBlock() {
        assertEquals("this plugin can only be used once per Server Block", error("cache\ncache 10"));
    }

    @Test
    void setupRegistersAHandler() throws Exception {
        TestController c = TestController.of("cache 10");
        new CachePlugin().setup(c);
        assertEquals("cache", c.handler(new Upstream()).name());
    }
}
