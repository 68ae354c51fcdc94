package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import kdns.testing.DnsClient;
import kdns.testing.kubernetes.FakeApiServer;
import kdns.testing.kubernetes.KubeObjects;
import kdns.testing.upstream.KnotUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The default kubeadm Corefile, run by bin/kdns. The text is kubeadm's; only what this machine
 * cannot provide is substituted: listen ports (free high ports instead of 53, 8080, 8181, 9153),
 * the upstream (a resolv.conf naming no server here becomes a direct address of a local knotd),
 * and the cluster connection (a kubeconfig for the fake API server, as no service account exists).
 */
class KubeadmCorefileTest {

    static final String KUBEADM = """
            .:53 {
                errors
                health {
                   lameduck 5s
                }
                ready
                kubernetes cluster.local in-addr.arpa ip6.arpa {
                   pods insecure
                   fallthrough in-addr.arpa ip6.arpa
                   ttl 30
                }
                prometheus :9153
                forward . /etc/resolv.conf {
                   max_concurrent 1000
                }
                cache 30
                loop
                reload
                loadbalance
            }
            """;

    @TempDir
    Path dir;

    private static String http(int port, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    @Test
    void runsUnchanged() throws Exception {
        try (FakeApiServer api = FakeApiServer.start();
             KnotUpstream upstream = KnotUpstream.start("example.net.", """
                     $TTL 300
                     @   SOA ns admin 1 3600 600 86400 60
                     @   NS  ns
                     ns  A   127.0.0.1
                     www A   192.0.2.80
                     """)) {
            api.create(KubeObjects.parse("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"web\"}}"));
            api.create(KubeObjects.parse("""
                    {"apiVersion":"v1","kind":"Service","metadata":{"name":"front","namespace":"web"},
                     "spec":{"type":"ClusterIP","clusterIP":"10.96.0.20","clusterIPs":["10.96.0.20"],
                             "ports":[{"name":"http","protocol":"TCP","port":80}]}}"""));
            Path kubeconfig = api.kubeconfig(dir);
            int dns = KdnsProcess.freePort();
            int health = KdnsProcess.freePort();
            int ready = KdnsProcess.freePort();
            int metrics = KdnsProcess.freePort();
            String corefile = KUBEADM
                    .replace(".:53 {", ".:" + dns + " {")
                    .replace("    health {", "    health 127.0.0.1:" + health + " {")
                    .replace("    ready\n", "    ready 127.0.0.1:" + ready + "\n")
                    .replace("       pods insecure\n", "       pods insecure\n       kubeconfig " + kubeconfig + "\n")
                    .replace("prometheus :9153", "prometheus 127.0.0.1:" + metrics)
                    .replace("forward . /etc/resolv.conf {", "forward . " + upstream.hostPort() + " {");
            Files.writeString(dir.resolve("Corefile"), corefile);
            assertEquals(0, KdnsProcess.runToEnd(dir, java.util.Map.of(), "-validate").exitCode());

            try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, dns)) {
                InetSocketAddress a = new InetSocketAddress("127.0.0.1", dns);
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (!http(ready, "/ready").startsWith("200") && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertTrue(http(ready, "/ready").startsWith("200"), "ready once the informers synced");
                assertTrue(http(health, "/health").startsWith("200 OK"));

                Message svc = DnsClient.udp(a, "front.web.svc.cluster.local.", Type.A);
                assertEquals(Rcode.NOERROR, svc.getRcode());
                ARecord rec = (ARecord) svc.getSection(Section.ANSWER).get(0);
                assertEquals("10.96.0.20", rec.getAddress().getHostAddress());
                assertEquals(30, rec.getTTL(), "ttl 30");
                assertEquals(Rcode.NOERROR, DnsClient.udp(a, "10-244-1-7.web.pod.cluster.local.", Type.A).getRcode(),
                        "pods insecure");
                assertEquals(Rcode.NXDOMAIN, DnsClient.udp(a, "nope.web.svc.cluster.local.", Type.A).getRcode());

                Message ext = DnsClient.udp(a, "www.example.net.", Type.A);
                assertEquals(Rcode.NOERROR, ext.getRcode(), "forwarded");
                assertEquals("192.0.2.80", ((ARecord) ext.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress());
                DnsClient.udp(a, "www.example.net.", Type.A); // a cache hit

                String m = http(metrics, "/metrics");
                assertTrue(m.startsWith("200"), m);
                for (String name : new String[] {"coredns_dns_requests_total", "coredns_dns_responses_total",
                        "coredns_cache_hits_total", "coredns_plugin_enabled", "coredns_build_info"}) {
                    assertTrue(m.contains(name), name + " missing from /metrics");
                }
                String log = kdns.output();
                assertTrue(!log.contains("Exception"), log);
            }
        }
    }
}
