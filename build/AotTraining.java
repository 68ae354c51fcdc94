import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import kdns.host.plugins.PluginCfg;
import kdns.testing.DnsClient;
import kdns.testing.etcd.EtcdServer;
import kdns.testing.kubernetes.FakeApiServer;
import kdns.testing.kubernetes.KubeObjects;
import kdns.testing.upstream.TestCertificate;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The training run of the distribution's JDK 25 ahead-of-time cache (build/assemble-dist.sh):
 * starts DIST/bin/kdns with {@code -XX:AOTCacheOutput=CACHE} on a Corefile that uses every plugin of
 * the default plugin.cfg (those DIST/conf/plugin.cfg leaves out are left out of it): two kubernetes
 * blocks against fake API servers on 127.0.0.1, one streaming its lists and one refusing to, so both
 * list decoders are trained, a multicluster block on the first and the second's multicluster
 * option (both served by plugin-multicluster), and an etcd block against a real etcd on 127.0.0.1
 * when an {@code etcd} binary is on the PATH (a temporary data folder and free ports; a few SkyDNS
 * records as ExternalDNS writes them, put before kdns starts, and one key changed while it serves, so
 * the gRPC/HTTP-2 connection, the range read, its protobuf decode and the watch's event path are in
 * the cache: an etcd-only start-up otherwise loads about 380 such classes from the jars). Without
 * etcd on the PATH, or when it does not start or kdns does not read it in time, the block points at a
 * closed port (or stays as it is) and one line of the log says so: etcd never fails the training.
 * It answers queries over UDP, TCP
 * and TLS, scrapes the HTTP endpoints, then stops kdns with SIGTERM: the JVM writes the cache as it
 * exits. multicluster's layer has the kubernetes layer as parent, so the Kubernetes client it uses is
 * the one copy the kubernetes plugin loaded (the JVM leaves out of the cache every class two class
 * loaders loaded under one name).
 * <pre>java -cp benchmarks.jar build/AotTraining.java DIST CACHE WORK_DIR [LEAVE_OUT]</pre>
 * LEAVE_OUT, a comma-separated list of directives, makes a smaller cache for the Corefiles that use
 * none of them: those directives are left out of the training Corefile as if plugin.cfg lacked them,
 * so the classes only they load (e.g. etcd's jetcd, Vert.x and gRPC) are not in the cache; with etcd
 * left out no etcd is started.
 * Exits 0 when CACHE exists afterwards, 1 otherwise (the reason on stderr, kdns's output in
 * WORK_DIR/kdns.log). Every process it starts is stopped, on every path.
 */
public final class AotTraining {

    private static final Duration SERVE_DEADLINE = Duration.ofSeconds(60);
    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(120);
    private static final int SERVICES = 300;
    /** How long the etcd part may wait for kdns (the first read, the watched change): it stays small. */
    private static final Duration ETCD_DEADLINE = Duration.ofSeconds(20);
    /** The training etcd's zone, in the Corefile and under /skydns/test/etcd/ in etcd. */
    private static final String ETCD_KEYS = "/skydns/test/etcd/";
    /** A training etcd, stopped (and its data folder removed) on every path, the shutdown hook's too. */
    private static final AtomicReference<EtcdServer> ETCD = new AtomicReference<>();

    public static void main(String[] args) throws Exception {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: AotTraining DIST CACHE WORK_DIR [LEAVE_OUT]");
            System.exit(2);
        }
        Path dist = Path.of(args[0]).toAbsolutePath();
        Path cache = Path.of(args[1]).toAbsolutePath();
        Path work = Files.createDirectories(Path.of(args[2]));
        Files.deleteIfExists(cache);
        // The timeout of aot-train.sh ends this JVM with SIGTERM: every process it started (kdns, its
        // cache writer, etcd) goes with it, whatever it was doing then.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopEtcd();
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        }));
        Set<String> plugins = plugins(dist, args.length == 4 ? Set.of(args[3].split(",")) : Set.of());
        try (FakeApiServer streamed = cluster(FakeApiServer.WatchListSupport.SUPPORTED);
                FakeApiServer paged = cluster(FakeApiServer.WatchListSupport.REJECTED)) {
            Ports ports = new Ports();
            EtcdServer etcd = plugins.contains("etcd") ? etcd() : null;
            String etcdEndpoint = etcd != null ? etcd.endpoint() : "http://127.0.0.1:" + ports.closed;
            Path corefile = writeCorefile(work, ports, streamed.kubeconfig(Files.createDirectories(work.resolve("streamed"))),
                    paged.kubeconfig(Files.createDirectories(work.resolve("paged"))), etcdEndpoint, plugins);
            ProcessBuilder pb = new ProcessBuilder(dist.resolve("bin/kdns").toString(), "-conf", corefile.toString())
                    .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("kdns.log").toFile());
            pb.environment().put("KDNS_AOT", "off");
            // -AOTRecordTraining: the cache holds the classes, not this run's method profiles. The
            // compiler starts from profiles it finds in a cache, and this run's (the sync, a few hundred
            // varied queries through a Corefile of every plugin) made the query path's compiled code
            // slower under load: CPU per query at 20k q/s about 5% higher for 10,000 Services and 10% for
            // whoami than without them, a kubernetes server's RSS at ready about 10 MiB higher, ready no
            // sooner; 40,000 queries of a load trained here did not help (benchmarks/results/earlier.md, s12-A).
            // -AOTClassLinking (which also turns off the archived invokedynamic call sites), for the
            // kubernetes cache only: with the classes linked at start a kubernetes server's query path
            // still cost about 4% more CPU at 20k q/s than without a cache; without it, CPU as without a
            // cache, ready as soon, RSS at ready up to 11 MiB lower, a 3-4 MiB smaller cache (6
            // interleaved rounds, earlier.md, s12-G). The other cache keeps its classes linked: an etcd
            // server without them reached ready in a median 1.72 s against 1.50 (5 alternating runs).
            String linking = plugins.contains("kubernetes") ? " -XX:-AOTClassLinking" : "";
            pb.environment().put("KDNS_JAVA_OPTS", "-XX:MaxMetaspaceSize=256m -XX:+UnlockDiagnosticVMOptions"
                    + " -XX:-AOTRecordTraining" + linking + " -XX:AOTCacheOutput=" + cache);
            Process kdns = pb.start();
            try {
                train(ports, kdns, plugins.contains("kubernetes"), etcd);
                kdns.destroy(); // SIGTERM: the JVM records the classes, then assembles the cache in a child
                if (!kdns.waitFor(EXIT_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
                    fail("kdns did not exit within " + EXIT_DEADLINE.toSeconds() + " s of SIGTERM");
                }
            } finally {
                kdns.descendants().forEach(ProcessHandle::destroyForcibly);
                kdns.destroyForcibly();
                kdns.waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            stopEtcd();
        }
        if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
            fail("kdns exited, but wrote no cache " + cache);
        }
        System.out.printf("AOT cache %s: %d MiB%n", cache, Files.size(cache) >> 20);
    }

    /** One line for aot-train.sh to show beside the cache it made (it keeps the log only on failure). */
    private static void note(String what) {
        System.out.println("note: " + what);
    }

    private static void fail(String why) {
        System.err.println(why);
        System.exit(1);
    }

    /** Free ports on 127.0.0.1 for the blocks and endpoints. */
    private static final class Ports {
        final int dns = free();
        final int upstream = free();
        final int dot = free();
        final int ready = free();
        final int health = free();
        final int metrics = free();
        final int closed = free(); // nothing listens: a grpc upstream (and etcd without one) that fails fast

        private static int free() {
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** SERVICES ClusterIP Services with endpoints, a headless one, an ExternalName one and a pod, in namespace train. */
    private static FakeApiServer cluster(FakeApiServer.WatchListSupport lists) {
        FakeApiServer api = FakeApiServer.start();
        api.setWatchList(lists);
        api.create(KubeObjects.namespace("train").build());
        for (int i = 0; i < SERVICES; i++) {
            String name = "svc" + i;
            api.create(KubeObjects.service("train", name).clusterIP("10.96." + (i >> 8) + "." + (i & 255))
                    .port("http", "TCP", 80).build());
            api.create(KubeObjects.endpointSlice("train", name + "-1").service(name)
                    .endpoints("10.128." + (i >> 8) + "." + (i & 255), "10.129." + (i >> 8) + "." + (i & 255))
                    .port("http", "TCP", 80).build());
        }
        api.create(KubeObjects.service("train", "headless").headless().port("http", "TCP", 80).build());
        api.create(KubeObjects.endpointSlice("train", "headless-1").service("headless")
                .endpoints("10.130.0.1", "10.130.0.2").port("http", "TCP", 80).build());
        api.create(KubeObjects.service("train", "ext").externalName("example.org").build());
        api.create(KubeObjects.service("train", "lb").type("LoadBalancer").clusterIP("10.97.0.1")
                .loadBalancerIngress("192.0.2.50").port("http", "TCP", 80).build());
        api.create(KubeObjects.pod("train", "pod-1").ip("10.0.0.1").phase("Running").build());
        api.create(KubeObjects.serviceImport("train", "web").ips("10.99.0.1").port("http", "TCP", 80).build());
        api.create(KubeObjects.serviceImport("train", "hdls").type("Headless").port("http", "TCP", 80).build());
        api.create(KubeObjects.endpointSlice("train", "hdls-a").multiclusterService("hdls", "clustera")
                .endpoint(KubeObjects.endpoint("10.1.0.10").hostname("hdls-0")).port("http", "TCP", 80).build());
        return api;
    }

    /**
     * A real etcd from the PATH holding one record of each kind the etcd plugin is mostly used for,
     * or null, with one line saying why, when there is none or it does not start. Never installs it.
     */
    private static EtcdServer etcd() {
        Path binary = onPath("etcd");
        if (binary == null) {
            note("no etcd on the PATH: the etcd block is trained against a closed port, so its"
                    + " connection, read and watch classes stay out of the cache");
            return null;
        }
        try {
            EtcdServer etcd = EtcdServer.start(binary);
            ETCD.set(etcd);
            // ExternalDNS's coredns provider: one key per target under the name, a random last label,
            // targetstrip 1, the owner TXT on a name of its own.
            etcd.put(ETCD_KEYS + "www/3e1f5a7b", "{\"host\":\"192.0.2.30\",\"targetstrip\":1}");
            etcd.put(ETCD_KEYS + "www/6b8a1c3d", "{\"host\":\"192.0.2.31\",\"targetstrip\":1}");
            etcd.put(ETCD_KEYS + "a-www/0c9d2e4f", "{\"text\":\"\\\"heritage=external-dns,external-dns/owner=default,"
                    + "external-dns/resource=service/train/www\\\"\",\"targetstrip\":1}");
            etcd.put(ETCD_KEYS + "v6/12ab34cd", "{\"host\":\"2001:db8::30\",\"targetstrip\":1}");
            etcd.put(ETCD_KEYS + "_http/_tcp/web/5e6f7a8b", "{\"host\":\"www.etcd.test\",\"port\":80,\"priority\":10,"
                    + "\"weight\":100,\"ttl\":60}");
            etcd.put(ETCD_KEYS + "alias/9a8b7c6d", "{\"host\":\"www.etcd.test\",\"targetstrip\":1}");
            // a wildcard query (*.wild.etcd.test) matches the names below wild
            etcd.put(ETCD_KEYS + "wild/a", "{\"host\":\"192.0.2.32\"}");
            etcd.put(ETCD_KEYS + "wild/b", "{\"host\":\"192.0.2.33\"}");
            note("etcd " + binary + " at " + etcd.endpoint() + ": the etcd block reads from it");
            return etcd;
        } catch (IOException | RuntimeException e) {
            stopEtcd();
            note("etcd " + binary + " did not start (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
                    + "): the etcd block is trained against a closed port");
            return null;
        }
    }

    private static void stopEtcd() {
        EtcdServer etcd = ETCD.getAndSet(null);
        if (etcd != null) {
            etcd.close();
        }
    }

    /** The first executable {@code name} in a folder of the PATH, or null. */
    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name)) && !Files.isDirectory(Path.of(dir, name))) {
                return Path.of(dir, name).toAbsolutePath();
            }
        }
        return null;
    }

    private static Path writeCorefile(Path work, Ports p, Path streamedKubeconfig, Path pagedKubeconfig, String etcdEndpoint,
            Set<String> plugins) throws IOException {
        TestCertificate cert = TestCertificate.generate(work, "train", "train.test", "ip:127.0.0.1,dns:train.test");
        Files.writeString(work.resolve("train.test.zone"), """
                $ORIGIN train.test.
                $TTL 60
                @ SOA ns.train.test. hostmaster.train.test. 1 7200 1800 86400 30
                @ NS ns.train.test.
                ns A 127.0.0.1
                www A 192.0.2.1
                www AAAA 2001:db8::1
                mail MX 10 www.train.test.
                alias CNAME www.train.test.
                v6only AAAA 2001:db8::2
                txt TXT "training"
                *.wild A 192.0.2.9
                """);
        Files.writeString(work.resolve("hosts"), "192.0.2.20 h1.hosts.test\n192.0.2.21 h2.hosts.test\n");
        String corefile = """
                train.test:%1$d {
                    bind 127.0.0.1
                    ready 127.0.0.1:%2$d
                    health 127.0.0.1:%3$d
                    prometheus 127.0.0.1:%4$d
                    errors
                    log
                    debug
                    cancel
                    metadata
                    timeouts {
                        read 5s
                    }
                    nsid train
                    bufsize 1232
                    any
                    loadbalance
                    rewrite name exact rw.train.test. www.train.test.
                    acl {
                        block type HINFO net 192.0.2.0/24
                        allow net 127.0.0.0/8
                    }
                    cache 30
                    header {
                        response set ra
                    }
                    dns64
                    template IN TXT tmpl.train.test {
                        answer "{{ .Name }} 60 IN TXT \\"template\\""
                    }
                    file %5$s
                    transfer {
                        to *
                    }
                    tsig {
                        secret train.key. c2VjcmV0c2VjcmV0c2VjcmV0
                        require none
                    }
                    loop
                    reload 60s
                }
                hosts.test:%1$d {
                    bind 127.0.0.1
                    minimal
                    local
                    hosts %6$s {
                        fallthrough
                    }
                    whoami
                }
                .:%1$d {
                    bind 127.0.0.1
                    chaos kdns-train
                    forward . 127.0.0.1:%7$d
                }
                view.test:%1$d {
                    bind 127.0.0.1
                    view loopback {
                        expr incidr(client_ip(), '127.0.0.0/8')
                    }
                    erratic {
                        drop 0
                    }
                }
                view.test:%1$d {
                    bind 127.0.0.1
                    whoami
                }
                grpc.test:%1$d {
                    bind 127.0.0.1
                    grpc . 127.0.0.1:%8$d
                }
                proxy.test:%1$d {
                    bind 127.0.0.1
                    proxy . 127.0.0.1:%7$d
                }
                etcd.test:%1$d {
                    bind 127.0.0.1
                    etcd etcd.test {
                        endpoint %15$s
                    }
                }
                cluster.local:%1$d {
                    bind 127.0.0.1
                    autopath @kubernetes
                    kubernetes cluster.local {
                        kubeconfig %9$s
                        pods verified
                    }
                    k8s_external ext.test
                }
                paged.local:%1$d clusterset.paged:%1$d {
                    bind 127.0.0.1
                    kubernetes paged.local clusterset.paged {
                        kubeconfig %10$s
                %14$s    }
                }
                clusterset.local:%1$d {
                    bind 127.0.0.1
                    multicluster clusterset.local {
                        kubeconfig %9$s
                    }
                }
                .:%7$d {
                    bind 127.0.0.1
                    multisocket 1
                    whoami
                }
                tls://train.test:%11$d {
                    bind 127.0.0.1
                    tls %12$s %13$s
                    whoami
                }
                """.formatted(p.dns, p.ready, p.health, p.metrics, work.resolve("train.test.zone"), work.resolve("hosts"),
                p.upstream, p.closed, streamedKubeconfig, pagedKubeconfig, p.dot, cert.certPem(), cert.keyPem(),
                // the kubernetes option served by plugin-multicluster (a nested line onlyPresent does not drop)
                plugins.contains("multicluster") ? "        multicluster clusterset.paged\n" : "", etcdEndpoint);
        return Files.writeString(work.resolve("Corefile"), onlyPresent(corefile, plugins));
    }

    /** The plugin names of DIST/conf/plugin.cfg, read by the server's own parser, less those left out. */
    private static Set<String> plugins(Path dist, Set<String> leftOut) throws IOException {
        Set<String> names = new HashSet<>(PluginCfg.read(dist.resolve("conf/plugin.cfg")).names());
        names.removeAll(leftOut);
        return Set.copyOf(names);
    }

    /**
     * The Corefile without the directives (a line, or a line with its indented block) of plugins the
     * distribution does not hold (a custom plugin.cfg), so its training still runs on the rest.
     */
    static String onlyPresent(String corefile, Set<String> plugins) {
        StringBuilder out = new StringBuilder();
        boolean skipping = false;
        for (String line : corefile.split("\n")) {
            if (skipping) {
                skipping = !line.equals("    }");
                continue;
            }
            if (line.startsWith("    ") && !line.startsWith("     ") && !line.strip().equals("}")) {
                String directive = line.strip().split("\\s+")[0];
                if (!plugins.contains(directive)) {
                    skipping = line.endsWith("{");
                    continue;
                }
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    private static void train(Ports p, Process kdns, boolean kubernetes, EtcdServer etcd) throws Exception {
        InetSocketAddress dns = new InetSocketAddress("127.0.0.1", p.dns);
        // Serving is "both clusters answer"; without the kubernetes plugin, until the server answers at all.
        // (/ready is not used: it stays 503 while an etcd block has no etcd.)
        if (!await(kdns, SERVE_DEADLINE, kubernetes
                ? () -> answers(dns, "svc0.train.svc.cluster.local.") && answers(dns, "svc0.train.svc.paged.local.")
                : () -> responds(dns))) {
            fail("kdns did not answer for " + (kubernetes ? "both clusters" : "anything") + " within "
                    + SERVE_DEADLINE.toSeconds() + " s");
        }
        if (etcd != null) {
            trainEtcd(dns, kdns, etcd);
        }
        List<String[]> queries = new ArrayList<>();
        for (String zone : List.of("cluster.local.", "paged.local.")) {
            for (int i = 0; i < SERVICES; i += 7) {
                queries.add(new String[] {"svc" + i + ".train.svc." + zone, "A"});
                queries.add(new String[] {"_http._tcp.svc" + i + ".train.svc." + zone, "SRV"});
            }
            queries.add(new String[] {"headless.train.svc." + zone, "A"});
            queries.add(new String[] {"ext.train.svc." + zone, "CNAME"});
            queries.add(new String[] {"10-0-0-1.train.pod." + zone, "A"});
            queries.add(new String[] {"nosuch.train.svc." + zone, "A"});
            queries.add(new String[] {"svc1.train.svc." + zone, "AAAA"});
            queries.add(new String[] {"svc1.train.svc.train.svc." + zone, "A"});
            queries.add(new String[] {"1.0.96.10.in-addr.arpa.", "PTR"});
        }
        for (String[] q : List.of(new String[] {"www.train.test.", "A"}, new String[] {"www.train.test.", "AAAA"},
                new String[] {"alias.train.test.", "A"}, new String[] {"mail.train.test.", "MX"},
                new String[] {"x.wild.train.test.", "A"}, new String[] {"rw.train.test.", "A"},
                new String[] {"tmpl.train.test.", "TXT"}, new String[] {"txt.train.test.", "TXT"},
                new String[] {"nosuch.train.test.", "A"}, new String[] {"train.test.", "ANY"},
                new String[] {"v6only.train.test.", "AAAA"}, new String[] {"h1.hosts.test.", "A"},
                new String[] {"localhost.", "A"}, new String[] {"nosuch.hosts.test.", "A"},
                new String[] {"a.view.test.", "A"}, new String[] {"forwarded.example.", "A"},
                new String[] {"x.proxy.test.", "A"}, new String[] {"x.grpc.test.", "A"},
                new String[] {"svc0.train.ext.test.", "A"},
                new String[] {"x.etcd.test.", "A"}, new String[] {"www.etcd.test.", "A"},
                new String[] {"a-www.etcd.test.", "TXT"}, new String[] {"v6.etcd.test.", "AAAA"},
                new String[] {"_http._tcp.web.etcd.test.", "SRV"}, new String[] {"alias.etcd.test.", "CNAME"},
                new String[] {"*.wild.etcd.test.", "A"}, new String[] {"etcd.test.", "NS"},
                new String[] {"web.train.svc.clusterset.local.", "A"},
                new String[] {"_http._tcp.hdls.train.svc.clusterset.local.", "SRV"},
                new String[] {"hdls-0.clustera.hdls.train.svc.clusterset.local.", "A"},
                new String[] {"nosuch.train.svc.clusterset.local.", "A"},
                new String[] {"dns-version.clusterset.local.", "TXT"},
                new String[] {"web.train.svc.clusterset.paged.", "A"},
                new String[] {"hdls-0.clustera.hdls.train.svc.clusterset.paged.", "A"})) {
            queries.add(q);
        }
        for (int round = 0; round < 3; round++) {
            for (String[] q : queries) {
                ask(dns, q[0], Type.value(q[1]), round % 2 == 1);
            }
        }
        askChaos(dns);
        askTransfer(dns);
        askTls(p.dot);
        for (String url : List.of("http://127.0.0.1:" + p.ready + "/ready", "http://127.0.0.1:" + p.health + "/health",
                "http://127.0.0.1:" + p.metrics + "/metrics")) {
            get(url);
        }
    }

    /**
     * The read and the watch against the training etcd: waits for its first read, changes one key and
     * waits for the change. Bounded by ETCD_DEADLINE; when kdns is not there in time the training goes
     * on (the classes loaded so far are trained) and says so.
     */
    private static void trainEtcd(InetSocketAddress dns, Process kdns, EtcdServer etcd) throws Exception {
        if (!await(kdns, ETCD_DEADLINE, () -> answers(dns, "www.etcd.test."))) {
            note("kdns did not serve the etcd names within " + ETCD_DEADLINE.toSeconds()
                    + " s: the etcd read is trained only as far as it got");
            return;
        }
        try {
            etcd.put(ETCD_KEYS + "www/7d6c5b4a", "{\"host\":\"192.0.2.34\",\"targetstrip\":1}");
            etcd.delete(ETCD_KEYS + "www/3e1f5a7b");
        } catch (IOException e) {
            note("the change in etcd failed (" + e.getMessage() + "): the watch is not trained");
            return;
        }
        if (!await(kdns, ETCD_DEADLINE, () -> answersWith(dns, "www.etcd.test.", "192.0.2.34"))) {
            note("kdns did not serve the changed etcd key within " + ETCD_DEADLINE.toSeconds()
                    + " s: the watch is not trained");
        }
    }

    /** Waits until {@code done} (false when the time is up); fails the training when kdns exits first. */
    private static boolean await(Process kdns, Duration limit, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (!kdns.isAlive()) {
                fail("kdns exited with " + kdns.exitValue() + " before serving");
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    private static boolean answersWith(InetSocketAddress dns, String name, String address) {
        try {
            return DnsClient.udp(dns, name, Type.A).getSection(1).stream().anyMatch(r -> r.rdataToString().equals(address));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean answers(InetSocketAddress dns, String name) {
        try {
            Message r = DnsClient.udp(dns, name, Type.A);
            return r.getRcode() == 0 && r.getSection(1).size() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean responds(InetSocketAddress dns) {
        try {
            DnsClient.udp(dns, "train.test.", Type.SOA);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** One query; a failure (a timeout of a plugin whose upstream is down) is part of training too. */
    private static void ask(InetSocketAddress dns, String name, int type, boolean tcp) {
        try {
            if (tcp) {
                DnsClient.tcp(dns, name, type);
            } else {
                DnsClient.udp(dns, name, type);
            }
        } catch (IOException e) {
            // no answer is an answer here: the paths behind it were run
        }
    }

    private static void askChaos(InetSocketAddress dns) {
        try {
            Message q = Message.newQuery(Record.newRecord(Name.fromString("version.bind."), Type.TXT, org.xbill.DNS.DClass.CH));
            DnsClient.udp(dns, q);
        } catch (IOException e) {
            // as in ask
        }
    }

    private static void askTransfer(InetSocketAddress dns) {
        try {
            DnsClient.tcp(dns, Message.newQuery(Record.newRecord(Name.fromString("train.test."), Type.AXFR, 1)));
        } catch (IOException e) {
            // as in ask
        }
    }

    /** A DNS-over-TLS query, trusting any certificate (the server's is the one made above). */
    private static void askTls(int port) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] c, String a) {
                }

                public void checkServerTrusted(X509Certificate[] c, String a) {
                }

                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                byte[] wire = Message.newQuery(Record.newRecord(Name.fromString("train.test."), Type.A, 1)).toWire();
                OutputStream out = s.getOutputStream();
                out.write(new byte[] {(byte) (wire.length >> 8), (byte) wire.length});
                out.write(wire);
                out.flush();
                InputStream in = s.getInputStream();
                int len = (in.read() << 8) | in.read();
                in.readNBytes(len);
            }
        } catch (Exception e) {
            // as in ask
        }
    }

    private static void get(String url) {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException | InterruptedException e) {
            // as in ask
        }
    }
}
