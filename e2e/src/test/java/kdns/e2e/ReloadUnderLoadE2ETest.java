package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import kdns.testing.DnsClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Fifty reloads while queries run at a fixed rate: each rewrites the Corefile with another TTL
 * and, every other time, another address for the {@code hosts} entry, so each reload is seen in an
 * answer before the next. No query fails, and after the fifty the process holds no more threads,
 * file descriptors, heap or metaspace than after the first five (within the bounds below: a leak
 * of one thread or descriptor per reload exceeds them), and no more live server instances (an old
 * instance kept per reload is too small to show in the heap figure, so the objects are counted).
 *
 * <p>SIGUSR1 (the gate: a reload as soon as the previous one is seen) and the {@code reload}
 * plugin (chaos: it checks the file every two seconds or so, fifty times about two minutes) go
 * through the same reload.
 */
class ReloadUnderLoadE2ETest {

    private static final int RELOADS = 50;
    private static final int WARM_UP = 5;
    private static final String NAME = "www.example.org.";
    /** Bounds of the growth from after {@link #WARM_UP} reloads to after {@link #RELOADS}. */
    private static final int MORE_THREADS = 8;
    private static final int MORE_FDS = 8;
    private static final long MORE_HEAP_KIB = 4 * 1024;
    private static final long MORE_METASPACE_KIB = 2 * 1024;

    private record Ports(int dns, int health, int ready, int metrics) {
    }

    private static String address(int round) {
        return "192.0.2." + (1 + round % 2);
    }

    private static long ttl(int round) {
        return 100 + round;
    }

    private static String corefile(Ports p, int round, boolean reloadPlugin) {
        return ".:" + p.dns() + " {\n"
                + (reloadPlugin ? "    reload 2s 1s\n" : "")
                + "    health 127.0.0.1:" + p.health() + "\n"
                + "    ready 127.0.0.1:" + p.ready() + "\n"
                + "    prometheus 127.0.0.1:" + p.metrics() + "\n"
                + "    errors\n"
                + "    hosts {\n"
                + "        " + address(round) + " " + NAME + "\n"
                + "        ttl " + ttl(round) + "\n"
                + "    }\n"
                + "}\n";
    }

    /** Replaces the Corefile in one step, so a reload never reads half of it. */
    private static void write(Path dir, String corefile) throws IOException {
        Path tmp = dir.resolve("Corefile.new");
        Files.writeString(tmp, corefile);
        Files.move(tmp, dir.resolve("Corefile"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Null when the reply is the hosts entry of one round or the other, else the problem. */
    private static String problem(Message m) {
        if (m.getRcode() != Rcode.NOERROR) {
            return "rcode " + Rcode.string(m.getRcode());
        }
        for (Record r : m.getSection(Section.ANSWER)) {
            if (r instanceof ARecord a && (a.getAddress().getHostAddress().equals(address(0))
                    || a.getAddress().getHostAddress().equals(address(1)))) {
                return null;
            }
        }
        return "not the hosts entry:\n" + m;
    }

    /** Asks until the answer is round {@code round}'s (address and TTL), for at most {@code bound}. */
    private static void awaitRound(InetSocketAddress server, int round, Duration bound, KdnsProcess kdns)
            throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Message m = DnsClient.udp(server, NAME, Type.A);
            Record[] answer = m.getSectionArray(Section.ANSWER);
            if (answer.length == 1 && answer[0] instanceof ARecord a && a.getTTL() == ttl(round)
                    && a.getAddress().getHostAddress().equals(address(round))) {
                return;
            }
            last = m.toString();
            Thread.sleep(20);
        }
        throw new AssertionError("reload " + round + " not seen within " + bound + "; last answer:\n" + last
                + "\n" + kdns.output());
    }

    /** Runs the fifty reloads; {@code trigger} makes kdns read the rewritten Corefile (or nothing: the plugin does). */
    private static void fiftyReloads(Path dir, boolean reloadPlugin, Duration perReload) throws Exception {
        Ports p = new Ports(KdnsProcess.freePort(), KdnsProcess.freePort(), KdnsProcess.freePort(),
                KdnsProcess.freePort());
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", p.dns());
        try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile(p, 0, reloadPlugin), p.dns())) {
            long pid = kdns.process().pid();
            awaitRound(server, 0, Duration.ofSeconds(10), kdns);
            ProcessUsage atStart = ProcessUsage.of(pid);
            ProcessUsage afterWarmUp = null;
            try (FixedRateQueries load = FixedRateQueries.start(1000,
                    i -> new FixedRateQueries.Probe(NAME, Type.A, ReloadUnderLoadE2ETest::problem),
                    Nameservers.of(Duration.ofSeconds(3), server))) {
                for (int round = 1; round <= RELOADS; round++) {
                    write(dir, corefile(p, round, reloadPlugin));
                    if (!reloadPlugin) {
                        CommandLine.run("kill", "-USR1", Long.toString(pid));
                    }
                    awaitRound(server, round, perReload, kdns);
                    if (round == WARM_UP) {
                        afterWarmUp = ProcessUsage.of(pid);
                    }
                }
                FixedRateQueries.Tally end = load.stop();
                ProcessUsage afterAll = ProcessUsage.of(pid);
                System.out.printf("%d reloads (%s) under load: queries %s; at start %s; after %d reloads %s;"
                        + " after %d reloads %s%n", RELOADS, reloadPlugin ? "reload plugin" : "SIGUSR1", end,
                        atStart, WARM_UP, afterWarmUp, RELOADS, afterAll);
                assertEquals(List.of(), end.problems(), "no query failed during the reloads");
                assertEquals(end.sent(), end.answered(), end.toString());
                assertTrue(afterAll.threads() <= afterWarmUp.threads() + MORE_THREADS,
                        "threads: " + afterWarmUp + " -> " + afterAll);
                assertTrue(afterAll.fds() <= afterWarmUp.fds() + MORE_FDS, "fds: " + afterWarmUp + " -> " + afterAll);
                assertTrue(afterAll.heapKiB() <= afterWarmUp.heapKiB() + MORE_HEAP_KIB,
                        "heap: " + afterWarmUp + " -> " + afterAll);
                assertTrue(afterAll.instances() <= afterWarmUp.instances() && afterAll.instances() >= 1,
                        "live server instances: " + afterWarmUp + " -> " + afterAll);
                assertTrue(afterAll.metaspaceKiB() <= afterWarmUp.metaspaceKiB() + MORE_METASPACE_KIB,
                        "metaspace: " + afterWarmUp + " -> " + afterAll);
                String log = kdns.output();
                assertTrue(!log.contains("[ERROR]") && !log.contains("Exception"), log);
            }
        }
    }

    @Test
    void fiftySigusr1ReloadsUnderLoad(@TempDir Path dir) throws Exception {
        fiftyReloads(dir, false, Duration.ofSeconds(15));
    }

    @Test
    @Tag("chaos")
    void fiftyReloadPluginReloadsUnderLoad(@TempDir Path dir) throws Exception {
        fiftyReloads(dir, true, Duration.ofSeconds(30));
    }
}
