package kdns.plugin.standard.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kdns.api.PluginException;
import kdns.plugin.standard.endpoint.HostPort;
import kdns.testing.TestController;
import org.junit.jupiter.api.Test;

class PrometheusPluginSetupTest {

    private static HostPort parse(String text) throws PluginException {
        return PrometheusPlugin.parse(TestController.of(text));
    }

    private static String error(String text) {
        return assertThrows(PluginException.class, () -> parse(text)).getMessage();
    }

    @Test
    void addresses() throws Exception {
        assertEquals("localhost:9153", parse("prometheus").text());
        assertEquals("localhost:9253", parse("prometheus localhost:9253").text());
        assertEquals(":9153", parse("prometheus :9153").text());
        assertEquals(9154, parse("prometheus [::1]:9154").port());
    }

    @Test
    void errors() {
        assertEquals("Corefile:1 - Error during parsing: address bla: missing port in address",
                error("prometheus bla"));
        assertEquals("Corefile:1 - Error during parsing: Wrong argument count or unexpected line ending after 'b'",
                error("prometheus a:1 b"));
        assertTrue(error("prometheus localhost:abc").contains("invalid port \"abc\""));
        assertTrue(error("prometheus localhost:70000").contains("invalid port \"70000\""));
        assertEquals("this plugin can only be used once per Server Block", error("prometheus\nprometheus :9253"));
        assertTrue(error("prometheus {\n    foo\n}").contains("prometheus takes no block, found 'foo'"));
    }

    @Test
    void setupRegistersTheMetricFamiliesWithCoreDnsNames() throws Exception {
        TestController c = TestController.of("prometheus localhost:9253");
        new PrometheusPlugin().setup(c);
        String text = Scrape.text(c.instance().metrics());
        // Families without samples are not written; the families exist and are typed as CoreDNS's.
        DnsMetrics m = DnsMetrics.of(c.instance().metrics());
        m.counters().zone("s", "z", "").record(0, 0, QueryTypes.index(org.xbill.DNS.Type.A), false, 0.001, 40, 60,
                0, "whoami");
        text = Scrape.text(c.instance().metrics());
        assertTrue(text.contains("# TYPE coredns_dns_requests_total counter"), text);
        assertTrue(text.contains("# HELP coredns_dns_requests_total Counter of DNS requests made per zone, protocol "
                + "and family."), text);
        assertTrue(text.contains("# TYPE coredns_dns_request_duration_seconds histogram"), text);
        assertTrue(text.contains("coredns_dns_request_duration_seconds_bucket{server=\"s\",view=\"\",zone=\"z\","
                + "le=\"0.001\"} 1"), text);
    }

    @Test
    void pluginIdentity() {
        assertEquals("prometheus", new PrometheusPlugin().name());
        assertFalse(new PrometheusPlugin().description().isBlank());
    }
}
