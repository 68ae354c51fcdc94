package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import kdns.testing.DnsClient;
import kdns.testing.etcd.EtcdServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * examples/Corefile, the file `make run` serves, with a real etcd holding what ExternalDNS writes
 * for Service default/nginx (build/run-example.sh writes the same keys): only its ports and the
 * etcd endpoint are changed.
 */
class ExampleCorefileTest {

    @TempDir
    Path dir;

    @Test
    void servesWhoamiAndExternalDnsRecords() throws Exception {
        try (EtcdServer etcd = EtcdServer.start()) {
            etcd.put("/skydns/local/k8s/nginx/3e1f5a7b", "{\"host\":\"127.0.0.10\",\"targetstrip\":1}");
            etcd.put("/skydns/local/k8s/a-nginx/0c9d2e4f", "{\"text\":\"\\\"heritage=external-dns,external-dns/owner="
                    + "default,external-dns/resource=service/default/nginx\\\"\",\"targetstrip\":1}");
            int port = KdnsProcess.freePort();
            int health = KdnsProcess.freePort();
            int ready = KdnsProcess.freePort();
            String example = Files.readString(KubeadmCorefileTest.examples().resolve("Corefile"));
            String corefile = example.replace(":1053 {", ":" + port + " {")
                    .replace("127.0.0.1:8080", "127.0.0.1:" + health)
                    .replace("127.0.0.1:8181", "127.0.0.1:" + ready)
                    .replace("http://127.0.0.1:23790", etcd.endpoint());
            String directives = corefile.replaceAll("(?m)#.*$", "");
            assertTrue(!directives.contains("1053") && !directives.contains("23790"), corefile);
            try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
                InetSocketAddress a = new InetSocketAddress("127.0.0.1", port);
                Message nginx = null;
                for (int i = 0; i < 50; i++) {
                    nginx = DnsClient.udp(a, "nginx.k8s.local.", Type.A);
                    if (nginx.getRcode() == Rcode.NOERROR && !nginx.getSection(Section.ANSWER).isEmpty()) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertEquals("127.0.0.10", ((ARecord) nginx.getSection(Section.ANSWER).get(0)).getAddress()
                        .getHostAddress(), nginx.toString());
                Message owner = DnsClient.udp(a, "a-nginx.k8s.local.", Type.TXT);
                assertTrue(((TXTRecord) owner.getSection(Section.ANSWER).get(0)).getStrings().get(0)
                        .contains("external-dns/owner=default"), owner.toString());
                Message whoami = DnsClient.udp(a, "example.org.", Type.A);
                assertEquals(Rcode.NOERROR, whoami.getRcode());
                assertTrue(KubeadmCorefileTest.http(ready, "/ready").startsWith("200"));
                assertTrue(KubeadmCorefileTest.http(health, "/health").startsWith("200"));
            }
        }
    }
}
