package kdns.plugin.standard.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import kdns.plugin.standard.Http;
import kdns.testing.DnsClient;
import kdns.testing.InProcessServer;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** A real server: queries over UDP and TCP show up on /metrics with CoreDNS's labels. */
class PrometheusServerTest {

    @Test
    void queriesAreCountedPerServerZoneAndPlugin() throws Exception {
        int http = Http.freePort();
        // DNS port 0: the server picks a free UDP port and binds TCP on it, trying again when TCP's is
        // taken (a UDP port picked in advance can have its TCP twin taken).
        String corefile = ".:0 {\n    prometheus 127.0.0.1:" + http + "\n    errors\n    whoami\n}\n"
                + "example.org:0 {\n    prometheus 127.0.0.1:" + http + "\n    chaos\n}\n";
        try (InProcessServer s = InProcessServer.start(corefile)) {
            InetSocketAddress a = s.address();
            Message r = DnsClient.udp(a, "www.example.com.", Type.A);
            assertEquals(Rcode.NOERROR, r.getRcode());
            DnsClient.tcp(a, "www.example.com.", Type.MX);
            Message failed = DnsClient.udp(a, "www.example.org.", Type.A);
            assertEquals(Rcode.SERVFAIL, failed.getRcode(), "chaos has no next plugin for IN queries");
            String body = Http.get(http, "/metrics").body();
            // Request metrics carry the port bound; plugin_enabled, set at start-up, the one configured.
            String srv = "server=\"dns://:" + a.getPort() + "\"";
            String configured = "server=\"dns://:0\"";
            assertTrue(body.contains("coredns_dns_requests_total{family=\"1\",proto=\"udp\"," + srv
                    + ",type=\"A\",view=\"\",zone=\".\"} 1.0"), body);
            assertTrue(body.contains("coredns_dns_requests_total{family=\"1\",proto=\"tcp\"," + srv
                    + ",type=\"MX\",view=\"\",zone=\".\"} 1.0"), body);
            assertTrue(body.contains("coredns_dns_responses_total{plugin=\"whoami\",rcode=\"NOERROR\"," + srv
                    + ",view=\"\",zone=\".\"} 2.0"), body);
            assertTrue(body.contains("coredns_dns_requests_total{family=\"1\",proto=\"udp\"," + srv
                    + ",type=\"A\",view=\"\",zone=\"example.org.\"} 1.0"), body);
            assertTrue(body.contains("coredns_dns_responses_total{plugin=\"\",rcode=\"SERVFAIL\"," + srv
                    + ",view=\"\",zone=\"example.org.\"} 1.0"), body);
            // The size of the reply as sent (whoami's reply to a query without EDNS0).
            double sum = Scrape.value(body, "coredns_dns_response_size_bytes_sum{proto=\"udp\"," + srv
                    + ",view=\"\",zone=\".\"}");
            assertEquals(r.toWire().length, sum, 0.0, body);
            for (String name : new String[] {"prometheus", "errors", "whoami"}) {
                assertTrue(body.contains("coredns_plugin_enabled{name=\"" + name + "\"," + configured
                        + ",view=\"\",zone=\".\"} 1.0"), name + "\n" + body);
            }
            assertTrue(body.contains("coredns_plugin_enabled{name=\"chaos\"," + configured
                    + ",view=\"\",zone=\"example.org.\"} 1.0"), body);
            assertTrue(!body.contains("coredns_plugin_enabled{name=\"whoami\"," + configured
                    + ",view=\"\",zone=\"example.org.\"}"), body);
            assertTrue(body.contains("coredns_panics_total"), body);
        }
        assertTrue(Http.refused(http));
    }
}
