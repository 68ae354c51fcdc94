package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/kdns with prometheus, errors, loadbalance, loop and whoami (plugin-standard in its own
 * layer, with the Prometheus text writer): dig queries show up on /metrics with CoreDNS's names.
 */
class PrometheusTest {

    @TempDir
    Path dir;

    private static int freeTcpPort() throws Exception {
        return kdns.testing.LoopbackPorts.free();
    }

    private static String get(int port, String path) throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL()
                .openConnection(Proxy.NO_PROXY);
        c.setConnectTimeout(3000);
        c.setReadTimeout(5000);
        try {
            assertEquals(200, c.getResponseCode());
            assertTrue(c.getContentType().startsWith("text/plain; version=0.0.4"), c.getContentType());
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } finally {
            c.disconnect();
        }
    }

    /** The value of {@code series} (its whole name and labels) in a scrape, 0 when absent. */
    private static double value(String body, String series) {
        for (String line : body.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        return 0;
    }

    @Test
    void metricsOfTheQueriesServed() throws Exception {
        int port = KdnsProcess.freePort();
        int http = freeTcpPort();
        String corefile = ".:" + port + " {\n    errors\n    prometheus 127.0.0.1:" + http
                + "\n    loadbalance\n    loop\n    whoami\n}\n";
        try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
            for (int i = 0; i < 3; i++) {
                String out = CommandLine.run("dig", "@127.0.0.1", "-p", String.valueOf(port), "m" + i + ".example.org",
                        "AAAA", "+tries=1", "+time=3");
                assertTrue(out.contains("status: NOERROR"), out);
            }
            String tcp = CommandLine.run("dig", "@127.0.0.1", "-p", String.valueOf(port), "t.example.org", "NAPTR",
                    "+tcp", "+tries=1", "+time=3");
            assertTrue(tcp.contains("status: NOERROR"), tcp);
            String body = get(http, "/metrics");
            String srv = "server=\"dns://:" + port + "\"";
            assertTrue(body.contains("coredns_dns_requests_total{family=\"1\",proto=\"udp\"," + srv
                    + ",type=\"AAAA\",view=\"\",zone=\".\"} 3.0"), body);
            assertTrue(body.contains("coredns_dns_requests_total{family=\"1\",proto=\"tcp\"," + srv
                    + ",type=\"other\",view=\"\",zone=\".\"} 1.0"), body);
            assertTrue(body.contains("coredns_dns_responses_total{plugin=\"whoami\",rcode=\"NOERROR\"," + srv
                    + ",view=\"\",zone=\".\"}"), body);
            assertTrue(body.contains("# TYPE coredns_dns_request_duration_seconds histogram"), body);
            assertTrue(body.contains("coredns_build_info{goversion=\"java"), body);
            assertTrue(body.contains("coredns_panics_total 0.0"), body);
            for (String name : new String[] {"errors", "prometheus", "loadbalance", "loop", "whoami"}) {
                assertTrue(body.contains("coredns_plugin_enabled{name=\"" + name + "\"," + srv
                        + ",view=\"\",zone=\".\"} 1.0"), name + "\n" + body);
            }
            assertTrue(!kdns.output().contains("[FATAL]"), kdns.output());
        }
    }

    /**
     * Cache hits behind log, prometheus and loadbalance (the order of a cluster's Corefile): the
     * hits may go out in wire form; every reply, metric and log line is what the parsed path gives.
     */
    @Test
    void cacheHitsBehindLogPrometheusAndLoadbalance() throws Exception {
        int port = KdnsProcess.freePort();
        int http = freeTcpPort();
        String corefile = ".:" + port + " {\n    errors\n    log\n    prometheus 127.0.0.1:" + http
                + "\n    loadbalance\n    cache 30\n    hosts {\n        192.0.2.1 www.example.org\n"
                + "        192.0.2.2 www.example.org\n        192.0.2.3 www.example.org\n    }\n}\n";
        try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
            String srv = "server=\"dns://:" + port + "\"";
            String requests = "coredns_dns_requests_total{family=\"1\",proto=\"udp\"," + srv
                    + ",type=\"A\",view=\"\",zone=\".\"}";
            String byHosts = "coredns_dns_responses_total{plugin=\"hosts\",rcode=\"NOERROR\"," + srv
                    + ",view=\"\",zone=\".\"}";
            String byCache = "coredns_dns_responses_total{plugin=\"cache\",rcode=\"NOERROR\"," + srv
                    + ",view=\"\",zone=\".\"}";
            String sizes = "coredns_dns_response_size_bytes_sum{proto=\"udp\"," + srv + ",view=\"\",zone=\".\"}";
            String before = get(http, "/metrics"); // after the start-up probe's query
            int queries = 5;
            for (int i = 0; i < queries; i++) {
                // without a cookie: a client OPT with no options, which wire-form hits take
                String out = CommandLine.run("dig", "@127.0.0.1", "-p", String.valueOf(port), "www.example.org",
                        "A", "+nocookie", "+tries=1", "+time=3");
                assertTrue(out.contains("status: NOERROR"), out);
                assertTrue(out.contains("ANSWER: 3,"), out);
                for (int a = 1; a <= 3; a++) {
                    assertTrue(out.contains("IN\tA\t192.0.2." + a), out);
                }
            }
            String body = get(http, "/metrics");
            assertEquals(queries, value(body, requests) - value(before, requests), body);
            assertEquals(1, value(body, byHosts) - value(before, byHosts), body);
            assertEquals(queries - 1, value(body, byCache) - value(before, byCache), body);
            double sum = value(body, sizes) - value(before, sizes);
            java.util.List<String> lines = kdns.output().lines()
                    .filter(l -> l.contains("\"A IN www.example.org. udp ")).toList();
            assertEquals(queries, lines.size(), kdns.output());
            String first = lines.get(0).replaceAll(" [0-9.e-]+s$", "").replaceAll(" - [0-9]+ ", " - ID ")
                    .replaceAll(":[0-9]+ - ", ":PORT - ");
            for (String line : lines) {
                String plain = line.replaceAll(" [0-9.e-]+s$", "").replaceAll(" - [0-9]+ ", " - ID ")
                        .replaceAll(":[0-9]+ - ", ":PORT - ");
                assertEquals(first, plain, "the same line for the miss and every hit, but for ID, port and time");
            }
            assertTrue(first.contains("\" NOERROR qr,aa,rd "), first);
            int rsize = Integer.parseInt(first.substring(first.lastIndexOf(' ') + 1));
            assertEquals(queries * rsize, sum, 0.0, "every reply counted with its size\n" + body);
        }
    }
}
