package kdns.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kdns.testing.DnsClient;
import kdns.testing.LoopbackPorts;
import org.xbill.DNS.Type;

/** A {@code bin/kdns} process started by a test; always closed by the test (try-with-resources). */
final class KdnsProcess implements AutoCloseable {

    private final Process process;
    private final Path output;

    private KdnsProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** The distribution under test ({@code -Dkdns.dist}, set by make e2e-test). */
    static Path dist() {
        String d = System.getProperty("kdns.dist");
        if (d == null || d.isBlank() || d.startsWith("${")) {
            fail("-Dkdns.dist is not set: run the end-to-end tests through 'make e2e-test' (or 'make test')");
        }
        Path p = Path.of(d);
        if (!Files.isExecutable(p.resolve("bin/kdns"))) {
            fail(p + "/bin/kdns is missing: the distribution was not assembled (make dist)");
        }
        return p;
    }

    static Path launcher() {
        return dist().resolve("bin/kdns");
    }

    /** Runs kdns to completion (e.g. -plugins, -validate) and returns its exit code and output. */
    static Result runToEnd(Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher().toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path out = Files.createTempFile("kdns-run", ".log");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("kdns " + String.join(" ", args) + " did not finish within 60s");
        }
        String text = Files.readString(out);
        Files.deleteIfExists(out);
        return new Result(p.exitValue(), text);
    }

    record Result(int exitCode, String output) {
    }

    /** Starts kdns serving {@code corefile} and waits until it answers on 127.0.0.1:port. */
    static KdnsProcess serve(Path workDir, String corefile, int port, String... extraArgs) throws IOException, InterruptedException {
        Files.writeString(workDir.resolve("Corefile"), corefile);
        List<String> cmd = new ArrayList<>(List.of(launcher().toString(), "-conf", "Corefile", "-dns.port",
                String.valueOf(port)));
        cmd.addAll(List.of(extraArgs));
        Path out = workDir.resolve("kdns.log");
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        KdnsProcess k = new KdnsProcess(p, out);
        k.awaitAnswering(new InetSocketAddress("127.0.0.1", port));
        return k;
    }

    /**
     * Starts kdns on the Corefile already written in {@code workDir} without waiting for it (the
     * caller decides what "up" means, e.g. GET /ready, and reads {@link #output()} if it exits).
     */
    static KdnsProcess start(Path workDir, int port, String... extraArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(launcher().toString(), "-conf", "Corefile", "-dns.port",
                String.valueOf(port)));
        cmd.addAll(List.of(extraArgs));
        Path out = workDir.resolve("kdns.log");
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        return new KdnsProcess(p, out);
    }

    private void awaitAnswering(InetSocketAddress addr) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("kdns exited with " + process.exitValue() + " before answering:\n" + output());
            }
            try {
                DnsClient.udpRaw(addr, org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(
                        org.xbill.DNS.Name.fromConstantString("probe.example."), Type.A, 1)).toWire(),
                        Duration.ofMillis(300));
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        close();
        fail("kdns did not answer on " + addr + " within 30s:\n" + output());
    }

    Process process() {
        return process;
    }

    String output() throws IOException {
        return Files.exists(output) ? Files.readString(output) : "";
    }

    /** A port free for both UDP and TCP on 127.0.0.1, outside the ephemeral range ({@link LoopbackPorts}). */
    static int freePort() throws IOException {
        return LoopbackPorts.free();
    }

    /** Sends SIGTERM and waits; kills it if it does not stop. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(15));
    }

    /**
     * Sends SIGTERM, waits at most {@code grace} (e.g. less than a Corefile's health lameduck when
     * the test does not care about a graceful stop), then kills it.
     */
    void stop(Duration grace) {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
