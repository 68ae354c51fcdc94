package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import kdns.testing.DnsClient;
import kdns.testing.kubernetes.FakeApiServer;
import kdns.testing.kubernetes.KubeObjects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * bin/kdns with the kubernetes plugin loaded from its own module layer (the official Kubernetes
 * client, okhttp, kotlin, gson, protobuf 4 ...) against the fake API server: it becomes ready,
 * answers from the informers' index and follows changes.
 */
class KubernetesTest {

    @TempDir
    static Path dir;
    static FakeApiServer api;
    static KdnsProcess kdns;
    static int port;
    static int readyPort;

    @BeforeAll
    static void start() throws Exception {
        api = FakeApiServer.start();
        api.create(KubeObjects.parse("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"web\"}}"));
        api.create(KubeObjects.parse(service("front", "10.96.0.20")));
        api.create(KubeObjects.parse("""
                {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","addressType":"IPv4",
                 "metadata":{"name":"front-1","namespace":"web","labels":{"kubernetes.io/service-name":"front"}},
                 "endpoints":[{"addresses":["10.244.1.7"],"conditions":{"ready":true},"hostname":"front-0"}],
                 "ports":[{"name":"http","protocol":"TCP","port":8080}]}"""));
        Path kc = api.kubeconfig(dir);
        port = KdnsProcess.freePort();
        readyPort = KdnsProcess.freePort();
        kdns = KdnsProcess.serve(dir, ".:" + port + " {\n    ready 127.0.0.1:" + readyPort + "\n"
                + "    transfer cluster.local {\n        to 127.0.0.1\n    }\n"
                + "    kubernetes cluster.local in-addr.arpa {\n        kubeconfig " + kc + "\n    }\n}\n", port);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (kdns != null) {
                kdns.close();
            }
        } finally {
            if (api != null) {
                api.close();
            }
        }
    }

    private static String service(String name, String ip) {
        return """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"%s","namespace":"web"},
                 "spec":{"type":"ClusterIP","clusterIP":"%s","clusterIPs":["%s"],
                         "ports":[{"name":"http","protocol":"TCP","port":80}]}}""".formatted(name, ip, ip);
    }

    private static InetSocketAddress server() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Test
    void readyAndAnswering() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        int status = 0;
        for (int i = 0; i < 100 && status != 200; i++) {
            status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + readyPort + "/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status != 200) {
                Thread.sleep(100);
            }
        }
        assertEquals(200, status, "ready once the informers synced");

        Message a = DnsClient.udp(server(), "front.web.svc.cluster.local.", Type.A);
        assertEquals(Rcode.NOERROR, a.getRcode());
        assertEquals("front.web.svc.cluster.local.\t5\tIN\tA\t10.96.0.20", a.getSection(Section.ANSWER).get(0).toString());

        String out = CommandLine.run("dig", "@127.0.0.1", "-p", String.valueOf(port), "+tries=1", "+time=3",
                "front-0.front.web.svc.cluster.local", "A");
        assertTrue(out.contains("status: NOERROR") && out.contains("10.244.1.7"), out);
        out = CommandLine.run("dig", "@127.0.0.1", "-p", String.valueOf(port), "+tries=1", "+time=3",
                "-x", "10.244.1.7");
        assertTrue(out.contains("front-0.front.web.svc.cluster.local."), out);
        out = CommandLine.run("dig", "@127.0.0.1", "-p", String.valueOf(port), "+tries=1", "+time=3",
                "nothere.web.svc.cluster.local", "A");
        assertTrue(out.contains("status: NXDOMAIN") && out.contains("hostmaster.cluster.local."), out);
    }

    /** dig and kdig transfer the zone over TCP from the transfer plugin; UDP is refused. */
    @Test
    void zoneTransfer() throws Exception {
        for (int i = 0; i < 100 && DnsClient.udp(server(), "front.web.svc.cluster.local.", Type.A).getRcode()
                != Rcode.NOERROR; i++) {
            Thread.sleep(100); // the zone is transferred once the informers have synced
        }
        for (String tool : new String[] {"dig", "kdig"}) {
            String out = CommandLine.run(tool, "@127.0.0.1", "-p", String.valueOf(port),
                    tool.equals("dig") ? "+tries=1" : "+retry=0", tool.equals("dig") ? "+time=3" : "+timeout=3",
                    "cluster.local", "AXFR");
            long soas = out.lines().filter(l -> l.matches("cluster\\.local\\.\\s+\\d+\\s+IN\\s+SOA\\s.*")).count();
            assertEquals(2, soas, tool + ": the transfer starts and ends with the SOA\n" + out);
            assertTrue(out.contains("front.web.svc.cluster.local.") && out.contains("10.96.0.20")
                    && out.matches("(?s).*_http\\._tcp\\.front\\.web\\.svc\\.cluster\\.local\\.\\s+\\d+\\s+IN\\s+SRV\\s+0 100 80 .*"),
                    tool + "\n" + out);
            assertTrue(!out.toLowerCase().contains("failed"), tool + "\n" + out);
        }
        Message udp = DnsClient.udp(server(), "cluster.local.", Type.AXFR);
        assertEquals(Rcode.REFUSED, udp.getRcode(), udp.toString());
    }

    @Test
    void followsChanges() throws Exception {
        api.create(KubeObjects.parse(service("late", "10.96.0.21")));
        Message m = null;
        for (int i = 0; i < 100; i++) {
            m = DnsClient.udp(server(), "late.web.svc.cluster.local.", Type.A);
            if (m.getRcode() == Rcode.NOERROR && !m.getSection(Section.ANSWER).isEmpty()) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(Rcode.NOERROR, m.getRcode(), m.toString());
        assertEquals(1, m.getSection(Section.ANSWER).size(), m.toString());
    }
}
