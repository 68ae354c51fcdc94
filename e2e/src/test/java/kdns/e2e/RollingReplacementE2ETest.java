package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A rolling replacement: two kdns replicas with the same configuration behind a client that asks
 * the second when the first gives no answer (a resolver with two nameservers). The first gets
 * SIGTERM while queries go on at a fixed rate: during its {@code lameduck} it still answers while
 * {@code /health} and {@code /ready} fail (so a load balancer or kubelet takes it out), then it
 * exits with status 0, and no query is left without an answer.
 */
class RollingReplacementE2ETest {

    private static final Duration LAMEDUCK = Duration.ofSeconds(3);
    private static final String NAME = "www.example.org.";
    private static final String ADDRESS = "192.0.2.10";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private record Replica(KdnsProcess kdns, InetSocketAddress dns, int healthPort, int readyPort)
            implements AutoCloseable {
        @Override
        public void close() {
            kdns.close();
        }
    }

    /** The same Corefile for each replica; only the ports differ, as two pods' would not. */
    private static Replica start(Path dir) throws Exception {
        Files.createDirectories(dir);
        int port = KdnsProcess.freePort();
        int health = KdnsProcess.freePort();
        int ready = KdnsProcess.freePort();
        String corefile = ". {\n"
                + "    health 127.0.0.1:" + health + " {\n        lameduck " + LAMEDUCK.toSeconds() + "s\n    }\n"
                + "    ready 127.0.0.1:" + ready + "\n"
                + "    errors\n"
                + "    hosts {\n        " + ADDRESS + " " + NAME + "\n    }\n"
                + "}\n";
        KdnsProcess k = KdnsProcess.serve(dir, corefile, port);
        return new Replica(k, new InetSocketAddress("127.0.0.1", port), health, ready);
    }

    /** The status of GET http://127.0.0.1:port/path, or -1 when nothing answers there. */
    private static int status(int port, String path) throws InterruptedException {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(1)).build();
            return HTTP.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    private static void awaitReady(Replica r) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (status(r.readyPort(), "/ready") != 200 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(200, status(r.readyPort(), "/ready"), r.kdns().output());
        assertEquals(200, status(r.healthPort(), "/health"), r.kdns().output());
    }

    /** Null when the reply is the hosts entry, else what is wrong with it. */
    private static String problem(Message m) {
        if (m.getRcode() != Rcode.NOERROR) {
            return "rcode " + Rcode.string(m.getRcode());
        }
        for (Record r : m.getSection(Section.ANSWER)) {
            if (r instanceof ARecord a && a.getAddress().getHostAddress().equals(ADDRESS)) {
                return null;
            }
        }
        return "no A " + ADDRESS + ":\n" + m;
    }

    /** One query straight to a replica: true when it answered with the hosts entry. */
    private static boolean answers(InetSocketAddress server) {
        try {
            return problem(Nameservers.of(Duration.ofMillis(500), server).ask(
                    kdns.testing.TestRequests.message(NAME, Type.A, org.xbill.DNS.DClass.IN)).message()) == null;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void sigtermDuringQueriesLeavesNoneUnanswered(@TempDir Path dir) throws Exception {
        try (Replica one = start(dir.resolve("one")); Replica two = start(dir.resolve("two"))) {
            awaitReady(one);
            awaitReady(two);
            Process first = one.kdns().process();
            try (FixedRateQueries load = FixedRateQueries.start(100,
                    i -> new FixedRateQueries.Probe(NAME, Type.A, RollingReplacementE2ETest::problem),
                    Nameservers.of(Duration.ofSeconds(2), one.dns(), two.dns()))) {
                FixedRateQueries.Tally start = load.tally();
                load.awaitSent(start, 100, Duration.ofSeconds(30));
                FixedRateQueries.Tally beforeTerm = load.tally();

                first.destroy(); // SIGTERM
                long termAt = System.nanoTime();
                boolean healthFailedWhileAnswering = false;
                boolean readyFailedWhileAnswering = false;
                java.util.Set<Integer> healthSeen = new java.util.TreeSet<>();
                java.util.Set<Integer> readySeen = new java.util.TreeSet<>();
                long deadline = termAt + LAMEDUCK.plusSeconds(20).toNanos();
                while (first.isAlive() && System.nanoTime() < deadline) {
                    int health = status(one.healthPort(), "/health");
                    int ready = status(one.readyPort(), "/ready");
                    boolean answering = answers(one.dns());
                    // A refused connection fails a probe as much as a 503 does (kdns, as CoreDNS, closes
                    // the ready listener before the lameduck; /health answers 503 through it).
                    if (answering && health != 200) {
                        healthFailedWhileAnswering = true;
                        healthSeen.add(health);
                    }
                    if (answering && ready != 200) {
                        readyFailedWhileAnswering = true;
                        readySeen.add(ready);
                    }
                    Thread.sleep(100);
                }
                assertTrue(first.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS),
                        "the first replica exited within lameduck + 20 s:\n" + one.kdns().output());
                long exitedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - termAt);
                assertEquals(0, first.exitValue(), "a clean exit:\n" + one.kdns().output());
                assertTrue(healthFailedWhileAnswering,
                        "/health failed while the replica still answered DNS:\n" + one.kdns().output());
                assertTrue(readyFailedWhileAnswering,
                        "/ready failed while the replica still answered DNS:\n" + one.kdns().output());

                // Queries are sent one at a time: once one more is done, the rest were all sent after the exit.
                load.awaitSent(load.tally(), 1, Duration.ofSeconds(30));
                FixedRateQueries.Tally afterExit = load.tally();
                load.awaitSent(afterExit, 100, Duration.ofSeconds(30));
                FixedRateQueries.Tally end = load.stop();
                System.out.printf("rolling replacement: %s; from SIGTERM on: %s; first replica exited %d ms after"
                        + " SIGTERM (lameduck %s) with status 0; while it still answered DNS /health gave %s and"
                        + " /ready %s (-1: connection refused)%n", end, end.minus(beforeTerm), exitedAfterMillis,
                        LAMEDUCK, healthSeen, readySeen);
                assertEquals(java.util.List.of(), end.problems(), "no query failed");
                assertEquals(end.sent(), end.answered(), "every query answered: " + end);
                assertEquals(end.minus(afterExit).sent(), end.minus(afterExit).retried(),
                        "once the first replica is gone every query is answered by the second: " + end.minus(afterExit));
                assertTrue(two.kdns().process().isAlive(), "the second replica goes on");
                String log = one.kdns().output();
                assertTrue(log.contains("[INFO] SIGTERM: Shutting down servers then terminating"), log);
                assertTrue(log.contains("[INFO] plugin/health: Going into lameduck mode for 3s"), log);
            }
        }
    }
}
