package kdns.e2e;

import static kdns.e2e.KubeadmCorefileTest.http;
import static kdns.e2e.KubeadmCorefileTest.replaceOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import kdns.testing.DnsClient;
import kdns.testing.kubernetes.FakeApiServer;
import kdns.testing.kubernetes.KubeObjects;
import kdns.testing.upstream.KnotUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * k3s's default Corefile (corefiles/k3s.Corefile, copied from k3s's manifests), run by bin/kdns.
 * Changed only where this machine cannot provide what it names: the cluster domain k3s fills in at
 * install ({@code cluster.local}), the ports (free ones, everything on 127.0.0.1: a {@code bind}
 * line, and addresses for health, ready and prometheus), the cluster connection (a kubeconfig for
 * the fake API server), the upstream (a local knotd instead of /etc/resolv.conf) and the paths of
 * NodeHosts and of the optional coredns-custom ConfigMap (a temporary directory).
 */
class K3sCorefileTest {

    @TempDir
    Path dir;

    static String k3sCorefile() throws Exception {
        try (InputStream in = K3sCorefileTest.class.getResourceAsStream("/corefiles/k3s.Corefile")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String address(Message m) {
        return ((ARecord) m.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress();
    }

    @Test
    void runsWithNodeHostsAndTheOptionalCustomImports() throws Exception {
        try (FakeApiServer api = FakeApiServer.start();
             KnotUpstream upstream = KnotUpstream.start("example.net.", KubeadmCorefileTest.EXAMPLE_NET)) {
            api.create(KubeObjects.parse("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"web\"}}"));
            api.create(KubeObjects.parse("""
                    {"apiVersion":"v1","kind":"Service","metadata":{"name":"front","namespace":"web"},
                     "spec":{"type":"ClusterIP","clusterIP":"10.96.0.20","clusterIPs":["10.96.0.20"],
                             "ports":[{"name":"http","protocol":"TCP","port":80}]}}"""));
            Path nodeHosts = Files.writeString(dir.resolve("NodeHosts"), "10.0.0.11 server-1\n10.0.0.12 agent-1\n");
            Path custom = dir.resolve("custom");
            int dns = KdnsProcess.freePort();
            int health = KdnsProcess.freePort();
            int ready = KdnsProcess.freePort();
            int metrics = KdnsProcess.freePort();

            String c = k3sCorefile();
            c = replaceOnce(c, ".:53 {\n", ".:" + dns + " {\n    bind 127.0.0.1\n");
            c = replaceOnce(c, "kubernetes %{CLUSTER_DOMAIN}% in-addr.arpa", "kubernetes cluster.local in-addr.arpa");
            c = replaceOnce(c, "      pods insecure\n", "      pods insecure\n      kubeconfig " + api.kubeconfig(dir) + "\n");
            c = replaceOnce(c, "    health\n", "    health 127.0.0.1:" + health + "\n");
            c = replaceOnce(c, "    ready\n", "    ready 127.0.0.1:" + ready + "\n");
            c = replaceOnce(c, "prometheus :9153", "prometheus 127.0.0.1:" + metrics);
            c = replaceOnce(c, "hosts /etc/coredns/NodeHosts {", "hosts " + nodeHosts + " {");
            c = replaceOnce(c, "forward . /etc/resolv.conf", "forward . " + upstream.hostPort());
            c = replaceOnce(c, "import /etc/coredns/custom/*.override", "import " + custom + "/*.override");
            c = replaceOnce(c, "import /etc/coredns/custom/*.server", "import " + custom + "/*.server");
            Files.writeString(dir.resolve("Corefile"), c);

            // k3s's default: the coredns-custom ConfigMap does not exist, the imports match nothing.
            KdnsProcess.Result validated = KdnsProcess.runToEnd(dir, Map.of(), "-validate");
            assertEquals(0, validated.exitCode(), validated.output());
            assertTrue(validated.output().contains("No files matching import glob pattern: " + custom + "/*.override"),
                    validated.output());

            // With the ConfigMap: a line merged into the main block and an extra server block.
            Files.createDirectories(custom);
            Files.writeString(custom.resolve("log.override"), "log\n");
            Files.writeString(custom.resolve("example.server"), "example.org:" + dns + " {\n    bind 127.0.0.1\n"
                    + "    hosts {\n        10.9.9.9 www.example.org\n    }\n}\n");

            try (KdnsProcess kdns = KdnsProcess.serve(dir, c, dns)) {
                InetSocketAddress a = new InetSocketAddress("127.0.0.1", dns);
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (!http(ready, "/ready").startsWith("200") && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertTrue(http(ready, "/ready").startsWith("200"), "ready once the informers synced");
                assertTrue(http(health, "/health").startsWith("200 OK"));

                // hosts: the node names, capped to cache's 30 s.
                Message node = DnsClient.udp(a, "server-1.", Type.A);
                assertEquals(Rcode.NOERROR, node.getRcode());
                assertEquals("10.0.0.11", address(node));
                assertEquals(30, node.getSection(Section.ANSWER).get(0).getTTL(), "hosts ttl 60 under cache 30");
                Message ptr = DnsClient.udp(a, "12.0.0.10.in-addr.arpa.", Type.PTR);
                assertEquals(Rcode.NOERROR, ptr.getRcode());
                assertEquals("agent-1.", ((PTRRecord) ptr.getSection(Section.ANSWER).get(0)).getTarget().toString());

                // hosts falls through to kubernetes, and both to forward.
                Message svc = DnsClient.udp(a, "front.web.svc.cluster.local.", Type.A);
                assertEquals(Rcode.NOERROR, svc.getRcode());
                assertEquals("10.96.0.20", address(svc));
                assertEquals(Rcode.NXDOMAIN, DnsClient.udp(a, "nope.web.svc.cluster.local.", Type.A).getRcode());
                Message ext = DnsClient.udp(a, "www.example.net.", Type.A);
                assertEquals(Rcode.NOERROR, ext.getRcode(), "forwarded");
                assertEquals("192.0.2.80", address(ext));

                // The extra server block from *.server wins for its zone.
                Message custom1 = DnsClient.udp(a, "www.example.org.", Type.A);
                assertEquals("10.9.9.9", address(custom1));

                // k3s rewrites NodeHosts when a node joins: served after the next reload (15 s).
                Files.writeString(nodeHosts, "10.0.0.11 server-1\n10.0.0.12 agent-1\n10.0.0.13 agent-2\n");
                String joined = null;
                long until = System.nanoTime() + Duration.ofSeconds(40).toNanos();
                while (System.nanoTime() < until) {
                    Message m = DnsClient.udp(a, "agent-2.", Type.A);
                    List<Record> ans = m.getSection(Section.ANSWER);
                    if (m.getRcode() == Rcode.NOERROR && !ans.isEmpty()) {
                        joined = ((ARecord) ans.get(0)).getAddress().getHostAddress();
                        break;
                    }
                    Thread.sleep(500);
                }
                assertEquals("10.0.0.13", joined, "the new node is served after the reload\n" + kdns.output());

                String m = http(metrics, "/metrics");
                assertTrue(m.contains("coredns_hosts_entries{hostsfile=\"" + nodeHosts + "\"} 6"), m);
                assertTrue(m.contains("coredns_hosts_reload_timestamp_seconds"), m);
                String log = kdns.output();
                assertTrue(log.contains("A IN www.example.net. udp"), "the imported log line logs queries\n" + log);
                assertTrue(!log.contains("Exception"), log);
            }
        }
    }
}
