package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Path;
import kdns.testing.etcd.EtcdServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/kdns with the {@code etcd} plugin loaded from its own plugin layer (jetcd, gRPC, Netty)
 * against a real etcd: ExternalDNS-written records answer, changes arrive through the watch, and
 * kdns keeps answering while etcd is stopped and catches up when it is back.
 */
@Timeout(120)
class EtcdTest {

    @TempDir
    static Path dir;
    static EtcdServer etcd;
    static KdnsProcess kdns;
    static int port;
    static int readyPort;

    @BeforeAll
    static void start() throws Exception {
        etcd = EtcdServer.start();
        etcd.put("/skydns/local/k8s/nginx/3e1f5a7b", "{\"host\":\"192.168.1.240\",\"targetstrip\":1}");
        etcd.put("/skydns/local/k8s/a-nginx/0c9d2e4f", "{\"text\":\"\\\"heritage=external-dns,external-dns/owner=default,"
                + "external-dns/resource=service/default/nginx\\\"\",\"targetstrip\":1}");
        port = KdnsProcess.freePort();
        readyPort = KdnsProcess.freePort();
        kdns = KdnsProcess.serve(dir, "k8s.local:" + port + " {\n    ready 127.0.0.1:" + readyPort
                + "\n    etcd k8s.local {\n        path /skydns\n        endpoint " + etcd.endpoint() + "\n    }\n}\n", port);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (kdns != null) {
                kdns.close();
            }
        } finally {
            if (etcd != null) {
                etcd.close();
            }
        }
    }

    private static String dig(String name, String type) throws Exception {
        return CommandLine.run("dig", "@127.0.0.1", "-p", String.valueOf(port), name, type, "+tries=1", "+time=3",
                "+noall", "+comments", "+answer", "+additional");
    }

    private static String await(String name, String type, String contains, long ms) throws Exception {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        String out = "";
        while (System.nanoTime() < deadline) {
            out = dig(name, type);
            if (out.contains(contains)) {
                return out;
            }
            Thread.sleep(50);
        }
        fail(name + " " + type + " never contained '" + contains + "' within " + ms + " ms:\n" + out + "\n" + kdns.output());
        return out;
    }

    private static int ready() throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + readyPort + "/ready").toURL()
                .openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(2000);
        return c.getResponseCode();
    }

    @Test
    void externalDnsRecordsWatchAndEtcdRestart() throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (ready() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(200, ready(), "ready once etcd is loaded");
        assertTrue(await("nginx.k8s.local", "A", "192.168.1.240", 2000).contains("status: NOERROR"));
        assertTrue(dig("a-nginx.k8s.local", "TXT").contains("heritage=external-dns"));
        String srv = dig("nginx.k8s.local", "SRV");
        assertTrue(srv.matches("(?s).*nginx\\.k8s\\.local\\.\\s+300\\s+IN\\s+SRV\\s+10 100 0 nginx\\.k8s\\.local\\..*"), srv);
        assertTrue(dig("other.k8s.local", "A").contains("status: NXDOMAIN"));

        etcd.put("/skydns/local/k8s/web/2d7c9b10", "{\"host\":\"192.168.1.50\",\"targetstrip\":1}");
        await("web.k8s.local", "A", "192.168.1.50", 1000);

        etcd.stop();
        for (int i = 0; i < 5; i++) {
            assertTrue(dig("web.k8s.local", "A").contains("192.168.1.50"), "last known data while etcd is down");
            Thread.sleep(200);
        }
        assertEquals(200, ready(), "stays ready while etcd is down");
        etcd.restart();
        etcd.delete("/skydns/local/k8s/web/2d7c9b10");
        await("web.k8s.local", "A", "status: NXDOMAIN", 10_000);
        assertTrue(kdns.output().contains("plugin/etcd: lost etcd"), kdns.output());
    }
}
