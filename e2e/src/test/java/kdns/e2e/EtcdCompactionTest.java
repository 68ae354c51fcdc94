package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import kdns.testing.etcd.EtcdServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/kdns's etcd watch cut off while etcd's history moves on and is compacted: the watch resumed
 * from kdns's last revision is refused with "required revision has been compacted", kdns reads the
 * path again and ends up exactly equal to etcd (names deleted during the gap gone, new ones there,
 * changed ones changed), having answered from memory meanwhile.
 */
@Timeout(120)
class EtcdCompactionTest {

    private static final String ZONE = "gap.local";
    private static final int NAMES = 10;

    @TempDir
    Path dir;

    private static String key(String label) {
        return "/skydns/local/gap/" + label;
    }

    private static String host(String ip) {
        return "{\"host\":\"" + ip + "\"}";
    }

    @Test
    void aWatchResumedAcrossACompactionReadsThePathAgain() throws Exception {
        try (EtcdServer etcd = EtcdServer.start()) {
            List<String> written = new ArrayList<>();
            for (int i = 0; i < NAMES; i++) {
                etcd.put(key("keep" + i), host("10.1.0." + i));
                etcd.put(key("gone" + i), host("10.2.0." + i));
                written.add("keep" + i + "." + ZONE + ".");
                written.add("gone" + i + "." + ZONE + ".");
                written.add("new" + i + "." + ZONE + ".");
            }
            int port = KdnsProcess.freePort();
            int readyPort = KdnsProcess.freePort();
            String corefile = ZONE + ":" + port + " {\n    ready 127.0.0.1:" + readyPort + "\n    etcd " + ZONE
                    + " {\n        endpoint " + etcd.endpoint() + "\n    }\n}\n";
            try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
                InetSocketAddress addr = new InetSocketAddress("127.0.0.1", port);
                awaitEqual(addr, etcd, written, kdns, 15_000);
                Map<String, String> before = SkyDnsView.expected(etcd.gateway().range("/skydns/"));

                long[] compactedAt = new long[1];
                etcd.whileUnreachable(gateway -> {
                    for (int i = 0; i < NAMES; i++) {
                        gateway.delete(key("gone" + i));
                        gateway.put(key("new" + i), host("10.3.0." + i));
                    }
                    gateway.put(key("keep0"), host("10.1.1.0"));
                    compactedAt[0] = gateway.compact();
                    // kdns cannot reach etcd now: it answers what it had
                    assertEquals(List.of(), SkyDnsView.differences(addr, before, written),
                            "answers from memory while etcd is unreachable");
                });
                long back = System.nanoTime();
                awaitEqual(addr, etcd, written, kdns, 30_000);
                System.out.printf("etcd compaction: history compacted at revision %d while kdns was cut off; "
                        + "kdns equal to etcd %d ms after etcd was reachable again%n", compactedAt[0],
                        (System.nanoTime() - back) / 1_000_000);
                String log = kdns.output();
                assertTrue(log.contains("resuming the watch"), "the watch was resumed, not replaced by a read:\n" + log);
                assertTrue(log.contains("history was compacted past it"),
                        "the resumed watch was refused for the compaction:\n" + log);
                assertTrue(kdns.process().isAlive());
            }
        }
    }

    private static void awaitEqual(InetSocketAddress addr, EtcdServer etcd, List<String> written, KdnsProcess kdns,
                                   long ms) throws Exception {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        List<String> diff = List.of("not checked");
        while (System.nanoTime() < deadline) {
            diff = SkyDnsView.differences(addr, SkyDnsView.expected(etcd.gateway().range("/skydns/")), written);
            if (diff.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        fail("kdns differs from etcd after " + ms + " ms: " + diff + "\n" + kdns.output());
    }
}
