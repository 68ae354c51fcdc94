package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A Corefile as clusters wrote them in 2017 (CoreDNS 0.9/1.0: {@code log stdout}, {@code proxy}),
 * one directive per line, run by bin/kdns. Only the server port, the kubeconfig (a line in a block
 * of kubernetes, as KubeadmCorefileTest adds one, for the fake API server) and the proxy target (a
 * local knotd instead of /etc/resolv.conf) are changed; health listens on its default :8080.
 * kdns's standard output and standard error are kept apart: queries and the two deprecation
 * warnings must be on standard output.
 */
class Corefile2017Test {

    static final String COREFILE_2017 = """
            .:53 {
                errors
                log stdout
                health
                kubernetes cluster.local 10.3.0.0/24
                proxy . /etc/resolv.conf
                cache 30
            }
            """;

    @TempDir
    Path dir;

    @Test
    void runsWithDeprecationWarnings() throws Exception {
        try (FakeApiServer api = FakeApiServer.start();
             KnotUpstream upstream = KnotUpstream.start("example.net.", KubeadmCorefileTest.EXAMPLE_NET)) {
            api.create(KubeObjects.parse("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"web\"}}"));
            api.create(KubeObjects.parse("""
                    {"apiVersion":"v1","kind":"Service","metadata":{"name":"front","namespace":"web"},
                     "spec":{"type":"ClusterIP","clusterIP":"10.3.0.20","clusterIPs":["10.3.0.20"],
                             "ports":[{"name":"http","protocol":"TCP","port":80}]}}"""));
            Path kubeconfig = api.kubeconfig(dir);
            int dns = KdnsProcess.freePort();
            KubeadmCorefileTest.assertFree(8080);
            String corefile = KubeadmCorefileTest.replaceOnce(COREFILE_2017, ".:53 {", ".:" + dns + " {");
            corefile = KubeadmCorefileTest.replaceOnce(corefile, "kubernetes cluster.local 10.3.0.0/24\n",
                    "kubernetes cluster.local 10.3.0.0/24 {\n        kubeconfig " + kubeconfig + "\n    }\n");
            corefile = KubeadmCorefileTest.replaceOnce(corefile, "proxy . /etc/resolv.conf",
                    "proxy . " + upstream.hostPort());
            Files.writeString(dir.resolve("Corefile"), corefile);

            Path out = dir.resolve("stdout.log");
            Path err = dir.resolve("stderr.log");
            Process p = new ProcessBuilder(KdnsProcess.launcher().toString(), "-conf", "Corefile")
                    .directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                InetSocketAddress a = new InetSocketAddress("127.0.0.1", dns);
                awaitReady(p, a, out, err);
                assertTrue(KubeadmCorefileTest.http(8080, "/health").startsWith("200 OK"), "health on its default :8080");

                Message svc = DnsClient.udp(a, "front.web.svc.cluster.local.", Type.A);
                assertEquals(Rcode.NOERROR, svc.getRcode(), svc.toString());
                assertEquals("10.3.0.20",
                        ((ARecord) svc.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress());

                Message ptr = DnsClient.udp(a, "20.0.3.10.in-addr.arpa.", Type.PTR);
                assertEquals(Rcode.NOERROR, ptr.getRcode(), ptr.toString());
                assertEquals("front.web.svc.cluster.local.",
                        ((PTRRecord) ptr.getSection(Section.ANSWER).get(0)).getTarget().toString());

                Message ext = DnsClient.udp(a, "www.example.net.", Type.A);
                assertEquals(Rcode.NOERROR, ext.getRcode(), "answered through proxy: " + ext);
                assertEquals("192.0.2.80",
                        ((ARecord) ext.getSection(Section.ANSWER).get(0)).getAddress().getHostAddress());

                // Query lines are written when the reply is; give the last one a moment.
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (!Files.readString(out).contains("\"A IN www.example.net. udp") && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                String stdout = Files.readString(out);
                for (String q : List.of("\"A IN front.web.svc.cluster.local. udp", "\"PTR IN 20.0.3.10.in-addr.arpa. udp",
                        "\"A IN www.example.net. udp")) {
                    assertTrue(stdout.contains(q), "query log line " + q + " on standard output:\n" + stdout);
                }
                assertEquals(1, count(stdout, "[WARNING] plugin/proxy: 'proxy' is deprecated (removed from CoreDNS in "
                        + "1.6): use 'forward . " + upstream.hostPort() + "'"), stdout);
                assertEquals(1, count(stdout, "[WARNING] plugin/log: 'log stdout' is deprecated (queries are always "
                        + "logged to standard output; the FILE argument of old CoreDNS releases is gone): use 'log'"),
                        stdout);
                String stderr = Files.readString(err);
                assertTrue(!stderr.contains("IN www.example.net."), "no query lines on standard error:\n" + stderr);
                assertTrue(!stdout.contains("Exception") && !stderr.contains("Exception"), stdout + stderr);
            } finally {
                p.destroy();
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** Waits until kdns answers and the kubernetes informers synced (a cluster name resolves). */
    private static void awaitReady(Process p, InetSocketAddress a, Path out, Path err)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                fail("kdns exited with " + p.exitValue() + ":\n" + Files.readString(out) + Files.readString(err));
            }
            try {
                if (DnsClient.udp(a, "front.web.svc.cluster.local.", Type.A).getRcode() == Rcode.NOERROR) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        fail("kdns did not answer front.web.svc.cluster.local. within 30s:\n" + Files.readString(out)
                + Files.readString(err));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
