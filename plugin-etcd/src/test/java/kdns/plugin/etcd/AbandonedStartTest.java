package kdns.plugin.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import kdns.host.corefile.CorefileException;
import kdns.host.runtime.DnsServer;
import kdns.host.runtime.EmbeddedServer;
import kdns.testing.DnsClient;
import kdns.testing.TestPluginCfg;
import kdns.testing.etcd.EtcdServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The etcd store starts connecting at the plugin's setup, before the rest of the setup and the
 * binding of the listeners. An instance that then never serves, because a later setup fails or an
 * address is taken, must close what it opened: no store thread and no jetcd client (its Vert.x
 * threads) left behind, on a reload (the old instance serving on) and on the first start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class AbandonedStartTest {

    private EtcdServer etcd;

    @BeforeAll
    void start() throws Exception {
        etcd = EtcdServer.start();
        etcd.put("/skydns/test/example/www", "{\"host\":\"10.0.0.1\"}");
    }

    @AfterAll
    void stop() {
        if (etcd != null) {
            etcd.close();
        }
    }

    private String block(String zone, String path, int port) {
        return zone + ":" + port + " {\n    etcd " + zone + " {\n        endpoint " + etcd.endpoint()
                + "\n        path " + path + "\n    }\n}\n";
    }

    private static EmbeddedServer server(AtomicReference<String> text) throws Exception {
        ClassLoader loader = AbandonedStartTest.class.getClassLoader();
        return EmbeddedServer.start(text::get, Path.of("."), TestPluginCfg.forClassPath(loader), loader,
                DnsServer.Options.defaults(), Map.of());
    }

    /** Live threads whose name starts with {@code prefix}. */
    private static List<String> threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).sorted().toList();
    }

    /** Live Vert.x threads (each client's event loops carry the same names, so they are told apart as threads). */
    private static Set<Thread> vertxThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith("vert.x-")).collect(Collectors.toSet());
    }

    /**
     * Waits until every live Vert.x thread is one of {@code before}: the failed start's client left
     * none. A thread of an earlier test's closed client may end meanwhile; its name is no reason to
     * wait for it (that wait once failed, expecting a "vert.x-eventloop-thread-1" that had ended).
     */
    private static void awaitNoNewVertxThreads(Set<Thread> before) throws InterruptedException {
        awaitEqual(List.of(), () -> vertxThreads().stream().filter(t -> !before.contains(t)).map(Thread::getName)
                .sorted().toList());
    }

    /**
     * Waits for stopped threads to end (a thread is still alive for a moment after its executor
     * terminated, and a closed client's Vert.x threads stop asynchronously); fails if they never do.
     */
    private static void awaitEqual(Object expected, Supplier<Object> actual) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!expected.equals(actual.get())) {
            if (System.nanoTime() > deadline) {
                fail("expected " + expected + ", still " + actual.get());
            }
            Thread.sleep(50);
        }
    }

    @Test
    void reloadThatCannotBindClosesTheNewInstancesClients() throws Exception {
        AtomicReference<String> text = new AtomicReference<>(block("example.test.", "/skydns", 0));
        try (EmbeddedServer s = server(text); ServerSocket taken = new ServerSocket(0)) {
            awaitEqual(Rcode.NOERROR, () -> rcode(s, "www.example.test."));
            List<String> storesBefore = threads("kdns-etcd ");
            Set<Thread> vertxBefore = vertxThreads();
            assertEquals(List.of("kdns-etcd /skydns"), storesBefore);

            text.set(block("example.test.", "/skydns", 0) + block("other.test.", "/other", taken.getLocalPort()));
            String error = s.reloads().reloadNow();
            assertTrue(error != null && error.contains(String.valueOf(taken.getLocalPort())), error);

            awaitEqual(storesBefore, () -> threads("kdns-etcd "));
            awaitNoNewVertxThreads(vertxBefore);
            assertEquals(Rcode.NOERROR, rcode(s, "www.example.test."), "the old instance serves on");
        }
    }

    @Test
    void firstStartThatCannotBindClosesTheClient() throws Exception {
        Set<Thread> vertxBefore = vertxThreads();
        try (ServerSocket taken = new ServerSocket(0)) {
            AtomicReference<String> text = new AtomicReference<>(block("example.test.", "/skydns", taken.getLocalPort()));
            assertThrows(CorefileException.class, () -> server(text).close());
        }
        awaitEqual(List.of(), () -> threads("kdns-etcd "));
        awaitNoNewVertxThreads(vertxBefore);
    }

    @Test
    void firstStartWhoseLaterSetupFailsClosesTheClient() throws Exception {
        Set<Thread> vertxBefore = vertxThreads();
        // the first block's store is started at its setup; the second block's directive is wrong
        AtomicReference<String> text = new AtomicReference<>(block("example.test.", "/skydns", 0)
                + "other.test.:0 {\n    etcd other.test. {\n        bogus\n    }\n}\n");
        CorefileException e = assertThrows(CorefileException.class, () -> server(text).close());
        assertTrue(e.getMessage().contains("unknown property 'bogus'"), e.getMessage());
        awaitEqual(List.of(), () -> threads("kdns-etcd "));
        awaitNoNewVertxThreads(vertxBefore);
    }

    @Test
    void reloadWhoseLaterSetupFailsClosesTheNewInstancesClients() throws Exception {
        AtomicReference<String> text = new AtomicReference<>(block("example.test.", "/skydns", 0));
        try (EmbeddedServer s = server(text)) {
            awaitEqual(Rcode.NOERROR, () -> rcode(s, "www.example.test."));
            List<String> storesBefore = threads("kdns-etcd ");
            Set<Thread> vertxBefore = vertxThreads();

            text.set(block("example.test.", "/skydns", 0) + block("other.test.", "/other", 0)
                    + "third.test.:0 {\n    etcd third.test. {\n        bogus\n    }\n}\n");
            String error = s.reloads().reloadNow();
            assertTrue(error != null && error.contains("unknown property 'bogus'"), error);

            awaitEqual(storesBefore, () -> threads("kdns-etcd "));
            awaitNoNewVertxThreads(vertxBefore);
            assertEquals(Rcode.NOERROR, rcode(s, "www.example.test."), "the old instance serves on");
        }
    }

    private static int rcode(EmbeddedServer s, String name) {
        try {
            return DnsClient.udp(s.address(), name, Type.A).getRcode();
        } catch (Exception e) {
            return -1;
        }
    }
}
