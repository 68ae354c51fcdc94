package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import kdns.testing.upstream.TestCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/kdns serving DNS over HTTPS (RFC 8484), asked by knot's kdig over HTTP/2 with POST
 * ({@code +https}) and GET ({@code +https-get}): the same answer as plain DNS from the same records,
 * the certificate verified against its CA and name, and the answers counted in
 * {@code coredns_dns_https_responses_total} as CoreDNS counts them.
 */
class DohE2ETest {



    private static String metrics(int port) throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/metrics").toURL()
                .openConnection();
        c.setConnectTimeout(3000);
        c.setReadTimeout(3000);
        try (var in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            c.disconnect();
        }
    }

    @Test
    void kdigOverHttpsPostAndGetGetsThePlainAnswer(@TempDir Path dir) throws Exception {
        TestCertificate cert = TestCertificate.generate(dir, "server", "dns.test", "dns:dns.test,ip:127.0.0.1");
        int port = KdnsProcess.freePort();
        int httpsPort = KdnsProcess.freePort();
        int metricsPort = KdnsProcess.freePort();
        String hosts = "    hosts {\n        10.1.2.3 app.example\n        2001:db8::3 app.example\n    }\n";
        String corefile = "https://.:" + httpsPort + " {\n    bind 127.0.0.1\n    tls " + cert.certPem() + " "
                + cert.keyPem() + "\n    prometheus 127.0.0.1:" + metricsPort + "\n" + hosts + "}\n"
                + ".:" + port + " {\n    bind 127.0.0.1\n" + hosts + "}\n";
        try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
            assertTrue(kdns.output().contains("https://.:" + httpsPort), "the banner names the server: " + kdns.output());
            for (String type : List.of("A", "AAAA")) {
                String plain = Kdig.ask(port, "app.example", type);
                assertTrue(Kdig.answer(plain).contains("app.example."), plain);
                for (String method : List.of("+https", "+https-get")) {
                    String doh = Kdig.ask(httpsPort, method, "+tls-ca=" + cert.certPem(), "+tls-hostname=dns.test",
                            "app.example", type);
                    assertTrue(doh.contains("status: NOERROR"), doh);
                    assertTrue(doh.contains("HTTP"), "kdig reports the HTTP session: " + doh);
                    assertTrue(doh.contains(method.equals("+https") ? "POST" : "GET"), doh);
                    assertEquals(Kdig.answer(plain), Kdig.answer(doh), method + " " + type + " answers as plain DNS");
                }
            }
            String wrongName = Kdig.ask(httpsPort, "+https", "+tls-ca=" + cert.certPem(), "+tls-hostname=other.test",
                    "app.example", "A");
            assertFalse(wrongName.contains("status: NOERROR"), "a certificate for another name is rejected: " + wrongName);

            String body = metrics(metricsPort);
            String series = "coredns_dns_https_responses_total{server=\"https://127.0.0.1:" + httpsPort
                    + "\",status=\"200\"}";
            String line = body.lines().filter(l -> l.startsWith(series)).findFirst().orElse("");
            assertFalse(line.isEmpty(), "the DoH counter: " + body.lines()
                    .filter(l -> l.contains("https")).toList());
            assertEquals(4.0, Double.parseDouble(line.substring(series.length()).trim()), line);
            assertTrue(body.contains("coredns_dns_requests_total"), "the queries reach the prometheus plugin too");
        }
    }
}
