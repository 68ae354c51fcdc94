package kdns.testing.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A cluster of real etcd members (Debian's {@code etcd-server}) on 127.0.0.1, bootstrapped with a
 * static {@code --initial-cluster} on free ports; optionally with TLS everywhere (clients must
 * present a certificate of the test CA, members talk to each other over TLS too) or with
 * authentication (users and a read role as {@link EtcdServer.Auth} says). Each {@link Member} can be killed (SIGKILL, data
 * kept), started again, paused (SIGSTOP) and resumed (SIGCONT); {@link #leader()} asks the members
 * through the JSON gateway ({@code /v3/maintenance/status}); {@link #restartAll()} kills every member
 * and starts them together. {@link #close()} kills them and removes their data.
 */
public final class EtcdCluster implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One member: its own ports, data directory and log. */
    public final class Member {
        private final String name;
        private final int clientPort;
        private final int peerPort;
        /** Plain http even with TLS, so tests read {@code /metrics} without a client certificate. */
        private final int metricsPort;
        private final Path dataDir;
        private final EtcdProcess process;

        private Member(String name, int clientPort, int peerPort, int metricsPort) {
            this.name = name;
            this.clientPort = clientPort;
            this.peerPort = peerPort;
            this.metricsPort = metricsPort;
            this.dataDir = dir.resolve(name);
            this.process = new EtcdProcess(name, dir.resolve(name + ".log"));
        }

        public String name() {
            return name;
        }

        /** {@code http://127.0.0.1:PORT}, or {@code https://} with TLS. */
        public String endpoint() {
            return scheme() + "://127.0.0.1:" + clientPort;
        }

        String peerUrl() {
            return scheme() + "://127.0.0.1:" + peerPort;
        }

        /** True while it runs and is not paused. */
        public boolean serving() {
            return process.serving();
        }

        /** SIGKILL; the data is kept. */
        public void stop() {
            process.kill();
        }

        /** Starts it again with its data and waits until it reports healthy (which needs a quorum). */
        public void start() throws IOException {
            spawn();
            awaitHealthy();
        }

        /** SIGSTOP: its connections stay open and nothing answers on them. */
        public void pause() throws IOException {
            process.pause();
        }

        /** SIGCONT. */
        public void resume() throws IOException {
            process.resume();
        }

        void spawn() throws IOException {
            Files.createDirectories(dataDir);
            List<String> cmd = new ArrayList<>(List.of(etcd,
                    "--name", name,
                    "--data-dir", dataDir.toString(),
                    "--listen-client-urls", endpoint(),
                    "--advertise-client-urls", endpoint(),
                    "--listen-peer-urls", peerUrl(),
                    "--initial-advertise-peer-urls", peerUrl(),
                    "--initial-cluster", initialCluster(),
                    "--initial-cluster-token", "kdns-test-" + dir.getFileName(),
                    "--initial-cluster-state", "new",
                    "--listen-metrics-urls", "http://127.0.0.1:" + metricsPort,
                    "--enable-v2=false"));
            if (certs != null) {
                String cert = certs.serverCert().toString();
                String key = certs.serverKey().toString();
                String ca = certs.caCert().toString();
                // the server certificate serves peers too: it is valid for client and server use
                cmd.addAll(List.of("--cert-file", cert, "--key-file", key, "--trusted-ca-file", ca, "--client-cert-auth",
                        "--peer-cert-file", cert, "--peer-key-file", key, "--peer-trusted-ca-file", ca,
                        "--peer-client-cert-auth"));
            }
            process.spawn(cmd);
        }

        void awaitHealthy() throws IOException {
            process.awaitHealthy(() -> gateway.healthy(endpoint()), START_TIMEOUT);
        }

        /**
         * How many watchers clients hold on this member ({@code etcd_debugging_mvcc_watcher_total}
         * on its {@code /metrics}): tells which member a client's watch stream went to.
         */
        public long watchers() throws IOException {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + metricsPort + "/metrics")
                    .toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(3000);
            String body;
            try (InputStream in = c.getInputStream()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Matcher m = Pattern
                    .compile("(?m)^etcd_debugging_mvcc_watcher_total (\\S+)$").matcher(body);
            if (!m.find()) {
                throw new IOException(this + ": no etcd_debugging_mvcc_watcher_total on /metrics");
            }
            return (long) Double.parseDouble(m.group(1));
        }

        /** This member's {@code /v3/maintenance/status}: its own ID and the leader it knows. */
        JsonNode status() throws IOException {
            return JSON.readTree(gateway.postTo(endpoint(), "/v3/maintenance/status", "{}"));
        }

        @Override
        public String toString() {
            return name + "(" + endpoint() + ")";
        }
    }

    private final Path dir;
    private final String etcd;
    private final EtcdCerts certs;
    private final List<Member> members = new ArrayList<>();
    private final EtcdGateway gateway;

    private EtcdCluster(String etcd, Path dir, EtcdCerts certs) throws IOException {
        this.etcd = etcd;
        this.dir = dir;
        this.certs = certs;
        this.gateway = new EtcdGateway(() -> members.stream().filter(Member::serving).map(Member::endpoint).toList(),
                certs == null ? null : certs.clientContext(), Duration.ofSeconds(3));
    }

    /** Starts {@code size} fresh members together (installing etcd-server when missing and root) and waits until all are healthy. */
    public static EtcdCluster start(int size) throws IOException {
        return start(size, null, null);
    }

    /**
     * Like {@link #start(int)}, then, with {@code auth}, users, role and authentication as it says
     * (the gateway then logs in as root); with {@code certs}, every member serves clients and peers
     * over TLS with its server certificate and requires a client certificate of its CA. Not both:
     * etcd's JSON gateway, which these helpers use, refuses to log in over a connection with a
     * client certificate ("CommonName of client sending a request against gateway will be ignored").
     */
    public static EtcdCluster start(int size, EtcdServer.Auth auth, EtcdCerts certs) throws IOException {
        if (auth != null && certs != null) {
            throw new IllegalArgumentException("auth and client certificates together: etcd's gateway cannot log in");
        }
        String bin = EtcdServer.binary();
        EtcdCluster c = new EtcdCluster(bin, Files.createTempDirectory("kdns-etcd-cluster-"), certs);
        try {
            Set<Integer> taken = new HashSet<>();
            for (int i = 1; i <= size; i++) {
                c.members.add(c.new Member("m" + i, distinctFreePort(taken), distinctFreePort(taken),
                        distinctFreePort(taken)));
            }
            c.startAll();
            if (auth != null) {
                c.gateway.enableAuth(auth);
            }
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    public List<Member> members() {
        return List.copyOf(members);
    }

    /** Every member's client URL. */
    public List<String> endpoints() {
        return members.stream().map(Member::endpoint).toList();
    }

    /** The JSON gateway, going to the first serving member that answers. */
    public EtcdGateway gateway() {
        return gateway;
    }

    /**
     * The member the serving members agree is the leader, waiting (bounded) while an election runs.
     */
    public Member leader() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            for (Member m : members) {
                if (!m.serving()) {
                    continue;
                }
                try {
                    JsonNode st = m.status();
                    String self = st.path("header").path("member_id").asText("");
                    if (!self.isEmpty() && self.equals(st.path("leader").asText())) {
                        return m;
                    }
                    last = m + " reports leader " + st.path("leader").asText();
                } catch (IOException e) {
                    last = m + ": " + e.getMessage();
                }
            }
            sleep(100);
        }
        throw new IOException("no leader within " + START_TIMEOUT.toSeconds() + "s; last: " + last);
    }

    /** A serving member that is not the leader. */
    public Member follower() throws IOException {
        Member leader = leader();
        return members.stream().filter(m -> m != leader && m.serving()).findFirst()
                .orElseThrow(() -> new IOException("no serving follower"));
    }

    /**
     * Waits (bounded) until a linearizable read answers, i.e. a quorum has a leader again, and
     * returns how long that took.
     */
    public Duration awaitQuorum() throws IOException {
        long start = System.nanoTime();
        long deadline = start + START_TIMEOUT.toNanos();
        IOException last = null;
        while (System.nanoTime() < deadline) {
            try {
                gateway.revision();
                return Duration.ofNanos(System.nanoTime() - start);
            } catch (IOException e) {
                last = e;
                sleep(100);
            }
        }
        throw new IOException("no quorum within " + START_TIMEOUT.toSeconds() + "s", last);
    }

    /** Kills every member, starts them all together and waits until each is healthy. */
    public void restartAll() throws IOException {
        stopAll();
        startAll();
    }

    /** Kills every member (SIGKILL); the data is kept. */
    public void stopAll() {
        for (Member m : members) {
            m.stop();
        }
    }

    /** Starts every member together (a lone member cannot elect a leader) and waits until each is healthy. */
    public void startAll() throws IOException {
        for (Member m : members) {
            m.spawn();
        }
        for (Member m : members) {
            m.awaitHealthy();
        }
    }

    /** Kills every member (SIGKILL ends paused ones too) and removes the data. */
    @Override
    public void close() {
        for (Member m : members) {
            m.stop();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a temp directory
        }
    }

    private String scheme() {
        return certs == null ? "http" : "https";
    }

    private String initialCluster() {
        return String.join(",", members.stream().map(m -> m.name() + "=" + m.peerUrl()).toList());
    }

    private static int distinctFreePort(Set<Integer> taken) throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = EtcdServer.freePort();
            if (taken.add(p)) {
                return p;
            }
        }
        throw new IOException("no distinct free port found");
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
