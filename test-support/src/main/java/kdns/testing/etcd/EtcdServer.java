package kdns.testing.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real etcd (Debian's {@code etcd-server}) on 127.0.0.1: free client and peer ports, a temporary
 * data directory, started with a bounded wait for {@code /health}. {@link #stop()} kills the
 * process and keeps the data (so {@link #restart()} brings the same data back on the same ports);
 * {@link #close()} stops it and removes the data directory.
 *
 * <p>When the {@code etcd} binary is missing and the process runs as root, {@link #start()}
 * installs {@code etcd-server} with apt-get first (after one {@code apt-get update}).
 *
 * <p>Small write helpers ({@link #put}, {@link #delete}, {@link #grantLease}) go through etcd's
 * JSON gateway ({@code /v3/...}), so callers need no etcd client library.
 */
public final class EtcdServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Object INSTALL_LOCK = new Object();

    private final Path dir;
    private final Path dataDir;
    private final Path logFile;
    private final int clientPort;
    private final int peerPort;
    private final String etcd;
    private Process process;

    private EtcdServer(String etcd, Path dir, int clientPort, int peerPort) {
        this.etcd = etcd;
        this.dir = dir;
        this.dataDir = dir.resolve("data");
        this.logFile = dir.resolve("etcd.log");
        this.clientPort = clientPort;
        this.peerPort = peerPort;
    }

    /** Starts a fresh etcd (installing the package when missing and root) and waits until healthy. */
    public static EtcdServer start() throws IOException {
        String bin = binary();
        Path dir = Files.createTempDirectory("kdns-etcd-");
        int client = freePort();
        int peer = freePort();
        while (peer == client) {
            peer = freePort();
        }
        EtcdServer s = new EtcdServer(bin, dir, client, peer);
        try {
            s.launch();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** The client URL, {@code http://127.0.0.1:PORT}. */
    public String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    public int clientPort() {
        return clientPort;
    }

    /** True while the process runs. */
    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** Kills etcd (SIGKILL) and waits for it to exit. The data directory is kept. */
    public synchronized void stop() {
        Process p = process;
        process = null;
        if (p == null) {
            return;
        }
        p.destroyForcibly();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("etcd (pid " + p.pid() + ") did not exit within 10s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts etcd again on the same ports with the same data, waiting until healthy. */
    public synchronized void restart() throws IOException {
        stop();
        launch();
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
        put(key, value, 0);
    }

    /** Puts {@code key = value} attached to {@code lease} (0 for none). */
    public void put(String key, String value, long lease) throws IOException {
        String body = "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\""
                + (lease != 0 ? ",\"lease\":\"" + lease + "\"" : "") + "}";
        post("/v3/kv/put", body);
    }

    /** Deletes one key. */
    public void delete(String key) throws IOException {
        post("/v3/kv/deleterange", "{\"key\":\"" + b64(key) + "\"}");
    }

    /** Deletes every key that starts with {@code prefix}. */
    public void deletePrefix(String prefix) throws IOException {
        post("/v3/kv/deleterange", "{\"key\":\"" + b64(prefix) + "\",\"range_end\":\""
                + Base64.getEncoder().encodeToString(prefixEnd(prefix.getBytes(StandardCharsets.UTF_8))) + "\"}");
    }

    /** Deletes every key. */
    public void deleteAll() throws IOException {
        post("/v3/kv/deleterange", "{\"key\":\"AA==\",\"range_end\":\"AA==\"}");
    }

    /** Grants a lease with this TTL in seconds and returns its ID. */
    public long grantLease(long ttlSeconds) throws IOException {
        String reply = post("/v3/lease/grant", "{\"TTL\":\"" + ttlSeconds + "\"}");
        Matcher m = Pattern.compile("\"ID\"\\s*:\\s*\"?(-?\\d+)").matcher(reply);
        if (!m.find()) {
            throw new IOException("etcd lease grant: no ID in " + reply);
        }
        return Long.parseLong(m.group(1));
    }

    /** Compacts the history up to the current revision (watchers from older revisions must relist). */
    public void compact() throws IOException {
        String reply = post("/v3/kv/range", "{\"key\":\"AA==\",\"count_only\":true}");
        Matcher m = Pattern.compile("\"revision\"\\s*:\\s*\"?(\\d+)").matcher(reply);
        if (!m.find()) {
            throw new IOException("etcd range: no revision in " + reply);
        }
        post("/v3/kv/compaction", "{\"revision\":\"" + m.group(1) + "\",\"physical\":true}");
    }

    /** POSTs a JSON body to the gateway and returns the reply body. */
    public String post(String path, String json) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + path).toURL().openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(10000);
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = c.getOutputStream()) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        }
        int code = c.getResponseCode();
        InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream();
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (code != 200) {
            throw new IOException("etcd " + path + ": HTTP " + code + " " + body);
        }
        return body;
    }

    // ---- process ------------------------------------------------------------------------------

    private synchronized void launch() throws IOException {
        Files.createDirectories(dataDir);
        String client = "http://127.0.0.1:" + clientPort;
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
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Process p = pb.start();
        process = p;
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                process = null;
                throw new IOException("etcd exited with " + p.exitValue() + " at start; log: " + tail());
            }
            if (healthy()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stop();
        throw new IOException("etcd did not become healthy within " + START_TIMEOUT.toSeconds() + "s; log: " + tail());
    }

    private boolean healthy() {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(endpoint() + "/health").toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            if (c.getResponseCode() != 200) {
                return false;
            }
            try (InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("\"true\"");
            }
        } catch (IOException e) {
            return false;
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
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

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return java.util.Arrays.copyOf(end, i + 1);
            }
        }
        return new byte[] {0};
    }
}
