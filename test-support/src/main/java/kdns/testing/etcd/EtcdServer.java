package kdns.testing.etcd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kdns.testing.LoopbackPorts;

/**
 * A real etcd (Debian's {@code etcd-server}) on 127.0.0.1: free client and peer ports, a temporary
 * data directory, started with a bounded wait for {@code /health}. {@link #stop()} kills the
 * process and keeps the data (so {@link #restart()} brings the same data back on the same ports);
 * {@link #close()} stops it and removes the data directory.
 *
 * <p>{@link #startWithAuth} enables etcd's role-based access (a root user and a user that may
 * only read one prefix); {@link #startWithClientCerts} serves https only and requires a client
 * certificate signed by the test CA.
 *
 * <p>When the {@code etcd} binary is missing and the process runs as root, {@link #start()}
 * installs {@code etcd-server} with apt-get first (after one {@code apt-get update}).
 *
 * <p>Small write helpers ({@link #put}, {@link #delete}, {@link #grantLease}) go through etcd's
 * JSON gateway ({@link #gateway()}), so callers need no etcd client library.
 */
public final class EtcdServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Object INSTALL_LOCK = new Object();

    /** Role-based access: {@code user} may read keys under {@code readPrefix}; root may do anything. */
    public record Auth(String rootPassword, String user, String password, String readPrefix) {
    }

    private final Path dir;
    private final Path dataDir;
    private final int clientPort;
    private final int peerPort;
    private final String etcd;
    private final EtcdCerts certs;
    private final EtcdProcess process;
    private final EtcdGateway gateway;
    /** The client port of the current process (another one while {@link #whileUnreachable} runs). */
    private int servingPort;

    private EtcdServer(String etcd, Path dir, int clientPort, int peerPort, EtcdCerts certs) throws IOException {
        this.etcd = etcd;
        this.dir = dir;
        this.dataDir = dir.resolve("data");
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.servingPort = clientPort;
        this.certs = certs;
        this.process = new EtcdProcess("etcd", dir.resolve("etcd.log"));
        this.gateway = new EtcdGateway(() -> List.of(url(servingPort)), certs == null ? null : certs.clientContext(),
                Duration.ofSeconds(10));
    }

    /** Starts a fresh etcd (installing the package when missing and root) and waits until healthy. */
    public static EtcdServer start() throws IOException {
        return start(null, null);
    }

    /**
     * Starts a fresh etcd from this binary (never installs anything) and waits until healthy: for
     * callers that found etcd themselves, e.g. on the PATH.
     */
    public static EtcdServer start(Path binary) throws IOException {
        return start(binary.toString(), null, null);
    }

    /** A fresh etcd with authentication enabled as {@code auth} says. */
    public static EtcdServer startWithAuth(Auth auth) throws IOException {
        return start(auth, null);
    }

    /** A fresh etcd serving https with {@code certs}' server certificate, requiring a client certificate of its CA. */
    public static EtcdServer startWithClientCerts(EtcdCerts certs) throws IOException {
        return start(null, certs);
    }

    private static EtcdServer start(Auth auth, EtcdCerts certs) throws IOException {
        return start(binary(), auth, certs);
    }

    private static EtcdServer start(String bin, Auth auth, EtcdCerts certs) throws IOException {
        Path dir = Files.createTempDirectory("kdns-etcd-");
        int client = freePort();
        int peer = freePort();
        while (peer == client) {
            peer = freePort();
        }
        EtcdServer s = new EtcdServer(bin, dir, client, peer, certs);
        try {
            s.launch(client);
            if (auth != null) {
                s.gateway.enableAuth(auth);
            }
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** The client URL, {@code http://127.0.0.1:PORT} (https with client certificates). */
    public String endpoint() {
        return url(clientPort);
    }

    public int clientPort() {
        return clientPort;
    }

    /** The JSON gateway of this etcd (with the root user's token when auth is enabled). */
    public EtcdGateway gateway() {
        return gateway;
    }

    /** True while the process runs. */
    public synchronized boolean running() {
        return process.running();
    }

    /** Kills etcd (SIGKILL) and waits for it to exit. The data directory is kept. */
    public synchronized void stop() {
        process.kill();
    }

    /** Starts etcd again on the same ports with the same data, waiting until healthy. */
    public synchronized void restart() throws IOException {
        stop();
        launch(clientPort);
    }

    /** Work done on this etcd while clients of {@link #endpoint()} cannot reach it. */
    @FunctionalInterface
    public interface WhileUnreachable {
        void run(EtcdGateway gateway) throws IOException;
    }

    /**
     * Kills etcd, starts it with the same data on a spare client port, runs {@code work} against
     * that port (writes, deletes, a compaction), kills it and starts it again on {@link #endpoint()}:
     * a client of the endpoint sees etcd go away and come back with everything {@code work} did
     * already applied, as after a network partition that healed.
     */
    public synchronized void whileUnreachable(WhileUnreachable work) throws IOException {
        stop();
        int spare = freePort();
        while (spare == clientPort || spare == peerPort) {
            spare = freePort();
        }
        try {
            launch(spare);
            work.run(gateway);
        } finally {
            stop();
            launch(clientPort);
        }
    }

    /** Stops etcd and removes its data directory. */
    @Override
    public synchronized void close() {
        stop();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp directory
        }
    }

    // ---- writes through the JSON gateway ------------------------------------------------------

    /** Puts {@code key = value}. */
    public void put(String key, String value) throws IOException {
        gateway.put(key, value);
    }

    /** Puts {@code key = value} attached to {@code lease} (0 for none). */
    public void put(String key, String value, long lease) throws IOException {
        gateway.put(key, value, lease);
    }

    /** Deletes one key. */
    public void delete(String key) throws IOException {
        gateway.delete(key);
    }

    /** Deletes every key that starts with {@code prefix}. */
    public void deletePrefix(String prefix) throws IOException {
        gateway.deletePrefix(prefix);
    }

    /** Deletes every key. */
    public void deleteAll() throws IOException {
        gateway.deleteAll();
    }

    /** Grants a lease with this TTL in seconds and returns its ID. */
    public long grantLease(long ttlSeconds) throws IOException {
        return gateway.grantLease(ttlSeconds);
    }

    /** Compacts the history up to the current revision (watchers from older revisions must relist). */
    public void compact() throws IOException {
        gateway.compact();
    }

    /** POSTs a JSON body to the gateway and returns the reply body. */
    public String post(String path, String json) throws IOException {
        return gateway.post(path, json);
    }

    // ---- process ------------------------------------------------------------------------------

    private String url(int port) {
        return (certs == null ? "http" : "https") + "://127.0.0.1:" + port;
    }

    private synchronized void launch(int port) throws IOException {
        Files.createDirectories(dataDir);
        String client = url(port);
        String peer = "http://127.0.0.1:" + peerPort;
        List<String> cmd = new ArrayList<>(List.of(etcd,
                "--name", "kdns-test",
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", client,
                "--advertise-client-urls", client,
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "kdns-test=" + peer,
                "--initial-cluster-state", "new",
                "--enable-v2=false"));
        if (certs != null) {
            cmd.addAll(List.of("--cert-file", certs.serverCert().toString(), "--key-file", certs.serverKey().toString(),
                    "--trusted-ca-file", certs.caCert().toString(), "--client-cert-auth"));
        }
        process.spawn(cmd);
        servingPort = port;
        try {
            process.awaitHealthy(() -> gateway.healthy(url(port)), START_TIMEOUT);
        } catch (IOException e) {
            process.kill();
            throw e;
        }
    }

    /** The etcd binary, installing Debian's etcd-server when it is missing and we are root. */
    static String binary() throws IOException {
        synchronized (INSTALL_LOCK) {
            for (String p : List.of("/usr/bin/etcd", "/usr/local/bin/etcd")) {
                if (Files.isExecutable(Path.of(p))) {
                    return p;
                }
            }
            if (!isRoot()) {
                throw new IOException("etcd is not installed and this is not root: run 'apt-get install -y etcd-server'");
            }
            run(List.of("apt-get", "update"), Duration.ofMinutes(5));
            run(List.of("apt-get", "install", "-y", "--no-install-recommends", "etcd-server"), Duration.ofMinutes(5));
            if (Files.isExecutable(Path.of("/usr/bin/etcd"))) {
                return "/usr/bin/etcd";
            }
            throw new IOException("apt-get install etcd-server did not provide /usr/bin/etcd");
        }
    }

    private static boolean isRoot() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(10, TimeUnit.SECONDS);
            return out.equals("0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void run(List<String> cmd, Duration timeout) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process p = pb.start();
        try {
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish within " + timeout.toSeconds() + "s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed with exit code " + p.exitValue());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
    }

    static int freePort() throws IOException {
        return LoopbackPorts.free();
    }
}
