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
 * The default kubeadm Corefile, run by bin/kdns: examples/Corefile.kubeadm, read from the file and
 * changed only where this machine cannot provide what it names: the server port (a free port
 * instead of the file's 1053), the upstream (a resolv.conf naming no server here becomes a direct
 * address of a local knotd), and the cluster connection (a kubeconfig line for the fake API server,
 * as no service account exists). health, ready and prometheus listen where the file says (:8080,
 * :8181, :9153); every Maven run on this machine holds one lock, so no other test holds them.
 */
class KubeadmCorefileTest {

    /** examples/ of the source tree (the tests run in e2e/). */
    static Path examples() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("examples/Corefile.kubeadm"))) {
                return p.resolve("examples");
            }
        }
        throw new AssertionError("examples/Corefile.kubeadm not found above " + here);
    }

    /** Fails clearly when a port the Corefile listens on is held by another process. */
    static void assertFree(int... ports) {
        for (int port : ports) {
            try (java.net.ServerSocket s = new java.net.ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(port));
            } catch (java.io.IOException e) {
                throw new AssertionError("port " + port + " is held by another process (the Corefile listens there): "
                        + e.getMessage());
            }
        }
    }

    @TempDir
    Path dir;

    /** The upstream zone the tests' forward reaches (a local knotd). */
    static final String EXAMPLE_NET = """
            $TTL 300
            @   SOA ns admin 1 3600 600 86400 60
            @   NS  ns
            ns  A   127.0.0.1
            www A   192.0.2.80
            """;

    /** GET http://127.0.0.1:PORT/PATH: the status code, a space and the body. */
    static String http(int port, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    @Test
    void runsUnchanged() throws Exception {
        try (FakeApiServer api = FakeApiServer.start();
             KnotUpstream upstream = KnotUpstream.start("example.net.", EXAMPLE_NET)) {
            api.create(KubeObjects.parse("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"web\"}}"));
            api.create(KubeObjects.parse("""
                    {"apiVersion":"v1","kind":"Service","metadata":{"name":"front","namespace":"web"},
                     "spec":{"type":"ClusterIP","clusterIP":"10.96.0.20","clusterIPs":["10.96.0.20"],
                             "ports":[{"name":"http","protocol":"TCP","port":80}]}}"""));
            Path kubeconfig = api.kubeconfig(dir);
            int dns = KdnsProcess.freePort();
            int health = 8080;
            int ready = 8181;
            int metrics = 9153;
            assertFree(health, ready, metrics);
            String kubeadm = Files.readString(examples().resolve("Corefile.kubeadm"));
            String corefile = replaceOnce(kubeadm, ".:1053 {", ".:" + dns + " {");
            corefile = replaceOnce(corefile, "forward . /etc/resolv.conf {", "forward . " + upstream.hostPort() + " {");
            corefile = replaceOnce(corefile, "       pods insecure\n",
                    "       pods insecure\n       kubeconfig " + kubeconfig + "\n");
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
                // An edited Corefile is applied without a restart (the file's reload plugin checks
                // every 30 s; SIGUSR1 asks for the same reload now, so the test need not wait).
                Files.writeString(dir.resolve("Corefile"), replaceOnce(corefile, "       ttl 30\n", "       ttl 7\n"));
                CommandLine.run("kill", "-USR1", String.valueOf(kdns.process().pid()));
                long ttl = -1;
                long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < until) {
                    Message again = DnsClient.udp(a, "front.web.svc.cluster.local.", Type.A);
                    if (again.getRcode() == Rcode.NOERROR && !again.getSection(Section.ANSWER).isEmpty()) {
                        ttl = again.getSection(Section.ANSWER).get(0).getTTL();
                        if (ttl == 7) {
                            break;
                        }
                    }
                    Thread.sleep(100);
                }
                assertEquals(7, ttl, "the edited ttl is answered without a restart\n" + kdns.output());
                assertTrue(kdns.process().isAlive(), "still the same process");
                assertTrue(http(metrics, "/metrics").contains("coredns_reload_version_info"), "reload metrics");

                String log = kdns.output();
                assertTrue(!log.contains("Exception"), log);
            }
        }
    }

    /**
     * The same file with its forward pointing back at kdns itself: the loop plugin's probe comes
     * back through forward, and kdns stops with CoreDNS's message, as CoreDNS does.
     */
    @Test
    void forwardingToItselfIsDetectedAsALoop() throws Exception {
        try (FakeApiServer api = FakeApiServer.start()) {
            int dns = KdnsProcess.freePort();
            assertFree(8080, 8181, 9153);
            String kubeadm = Files.readString(examples().resolve("Corefile.kubeadm"));
            String corefile = replaceOnce(kubeadm, ".:1053 {", ".:" + dns + " {");
            corefile = replaceOnce(corefile, "forward . /etc/resolv.conf {", "forward . 127.0.0.1:" + dns + " {");
            corefile = replaceOnce(corefile, "       pods insecure\n",
                    "       pods insecure\n       kubeconfig " + api.kubeconfig(dir) + "\n");
            Files.writeString(dir.resolve("Corefile"), corefile);
            KdnsProcess.Result r = KdnsProcess.runToEnd(dir, java.util.Map.of(), "-conf", "Corefile");
            assertEquals(1, r.exitCode(), r.output());
            assertTrue(r.output().contains("Loop (") && r.output().contains("detected for zone \".\""), r.output());
        }
    }

    /** {@code text} with its one occurrence of {@code from} replaced: a missing one fails the test. */
    static String replaceOnce(String text, String from, String to) {
        int i = text.indexOf(from);
        assertTrue(i >= 0 && text.indexOf(from, i + 1) < 0, "exactly one '" + from + "' in\n" + text);
        return text.substring(0, i) + to + text.substring(i + from.length());
    }
}
