package kdns.testing.upstream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kdns.testing.DnsClient;
import kdns.testing.TestRequests;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Type;

/**
 * A real upstream: Debian's {@code knotd} serving test zones on 127.0.0.1 (UDP and TCP on one free
 * port), from a knot.conf written into a temporary directory. {@link #stop()} kills it,
 * {@link #restart()} brings it back on the same port; {@link #close()} stops it for good and
 * removes the directory. Installs the {@code knot} package when it is missing and the tests run as
 * root.
 */
public final class KnotUpstream implements LoopbackServer, AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Path dir;
    private final int port;
    private final String probeName;
    private volatile Process process;

    private KnotUpstream(Path dir, int port, String probeName) {
        this.dir = dir;
        this.port = port;
        this.probeName = probeName;
    }

    /** Starts knotd serving one zone ({@code origin}, zone-file text). */
    public static KnotUpstream start(String origin, String zoneText) throws IOException {
        return start(Map.of(origin, zoneText));
    }

    /** Starts knotd serving these zones (origin to zone-file text). */
    public static KnotUpstream start(Map<String, String> zones) throws IOException {
        ensureInstalled();
        Path dir = Files.createTempDirectory("kdns-knot");
        int port = FreePorts.tcpAndUdp();
        StringBuilder conf = new StringBuilder();
        conf.append("server:\n")
                .append("    listen: 127.0.0.1@").append(port).append('\n')
                .append("    rundir: \"").append(dir).append("\"\n")
                .append("    background-workers: 1\n    udp-workers: 1\n    tcp-workers: 1\n")
                .append("database:\n    storage: \"").append(dir).append("\"\n")
                .append("log:\n  - target: stderr\n    any: warning\n")
                .append("zone:\n");
        String first = null;
        for (Map.Entry<String, String> z : new LinkedHashMap<>(zones).entrySet()) {
            String origin = z.getKey().endsWith(".") ? z.getKey() : z.getKey() + ".";
            if (first == null) {
                first = origin;
            }
            String file = origin.equals(".") ? "root.zone" : origin + "zone";
            Files.writeString(dir.resolve(file), z.getValue());
            conf.append("  - domain: ").append(origin).append('\n')
                    .append("    storage: \"").append(dir).append("\"\n")
                    .append("    file: \"").append(file).append("\"\n");
        }
        Files.writeString(dir.resolve("knot.conf"), conf.toString());
        KnotUpstream k = new KnotUpstream(dir, port, first);
        try {
            k.launch();
        } catch (IOException | RuntimeException e) {
            k.close();
            throw e;
        }
        return k;
    }

    /** Installs Debian's knot when knotd is missing (as root), or says what to install. */
    public static synchronized void ensureInstalled() throws IOException {
        if (Files.isExecutable(Path.of("/usr/sbin/knotd"))) {
            return;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            throw new IOException("knotd is missing: install Debian's knot package (apt-get install knot) "
                    + "or run the tests as root, which installs it");
        }
        run(Duration.ofMinutes(5), "apt-get", "update", "-qq");
        run(Duration.ofMinutes(5), "apt-get", "install", "-y", "-qq", "--no-install-recommends", "knot");
    }

    private static void run(Duration timeout, String... cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process p = pb.start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish in " + timeout);
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted", e);
        }
    }

    private void launch() throws IOException {
        Path log = dir.resolve("knotd.log");
        Process p = new ProcessBuilder("/usr/sbin/knotd", "-c", dir.resolve("knot.conf").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        process = p;
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("knotd exited with " + p.exitValue() + ": " + Files.readString(log));
            }
            try {
                DnsClient.udpRaw(address(), TestRequests.message(probeName, Type.SOA, DClass.IN).toWire(),
                        Duration.ofMillis(300));
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        destroy(p);
        throw new IOException("knotd did not answer on " + hostPort() + " within " + START_TIMEOUT + ": "
                + Files.readString(log));
    }

    @Override
    public int port() {
        return port;
    }

    public boolean running() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Kills knotd (SIGTERM, then SIGKILL after 5 seconds). */
    public synchronized void stop() {
        Process p = process;
        process = null;
        if (p != null) {
            destroy(p);
        }
    }

    /** Starts knotd again on the same port and waits until it answers. */
    public synchronized void restart() throws IOException {
        if (!running()) {
            launch();
        }
    }

    /** knotd's output so far (for assertion messages). */
    public String log() {
        try {
            return Files.readString(dir.resolve("knotd.log"));
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    private static void destroy(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
