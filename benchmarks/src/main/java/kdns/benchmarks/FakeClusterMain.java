package kdns.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import kdns.testing.kubernetes.FakeApiServer;
import kdns.testing.kubernetes.KubeObjects;

/**
 * A fake Kubernetes cluster for the data-set benchmark ({@code dnsperf-datasets.sh}): the fake API
 * server of test-support on 127.0.0.1, loaded through its Java API with N_SERVICES ClusterIP
 * Services in namespace {@code bench} (named {@code svcNNNNN}, cluster IP {@code 10.96.x.y} for
 * the index) and N_ENDPOINTS endpoint addresses spread over one EndpointSlice per Service
 * (N_ENDPOINTS / N_SERVICES addresses each, the remainder on the first Services), and N_PODS
 * running Pods ({@code podNNNNNN}, default 0) whose IPs are the first N_PODS endpoint addresses, as
 * the pods behind the Services would be (for {@code pods verified}).
 *
 * <pre>java -cp benchmarks.jar kdns.benchmarks.FakeClusterMain DIR N_SERVICES N_ENDPOINTS [N_PODS]</pre>
 *
 * Writes {@code DIR/kubeconfig}, then {@code DIR/services.txt} (one {@code NAME IP} line per
 * Service, for the comparison zone and the query file) and {@code DIR/pods.txt} (one IP a line),
 * serves its own lists WARMUP times (environment variable FAKE_WARMUP, default 3; see {@link #warmUp}), then
 * prints {@code ready} on stdout, and serves until killed. A line
 * {@code relist} on stdin restarts the server as a restarted kube-apiserver comes back ({@link
 * FakeApiServer#restartWithNewWatchCache()}, after a change of the namespace while it was away: every
 * watch dropped, the next watch from an old version answered with 410 Gone, so every client lists again); it prints {@code relisted} when it serves again.
 */
public final class FakeClusterMain {

    private FakeClusterMain() {
    }

    /** The cluster IP of Service number {@code i}: 10.96.0.0/12 has room for a million. */
    static String clusterIp(int i) {
        int n = i + 10; // skip 10.96.0.0 .. 10.96.0.9
        return "10." + (96 + (n >> 16)) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
    }

    /** The address of endpoint {@code j} (0-based over all slices), in 10.128.0.0/10. */
    static String endpointIp(int j) {
        int n = j + 1;
        return "10." + (128 + (n >> 16)) + "." + ((n >> 8) & 0xff) + "." + (n & 0xff);
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: FakeClusterMain DIR N_SERVICES N_ENDPOINTS [N_PODS]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int services;
        int endpoints;
        int pods;
        try {
            services = Integer.parseInt(args[1]);
            endpoints = Integer.parseInt(args[2]);
            pods = args.length == 4 ? Integer.parseInt(args[3]) : 0;
        } catch (NumberFormatException e) {
            System.err.println("N_SERVICES, N_ENDPOINTS and N_PODS must be integers: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (services < 1 || services > 1_000_000 || endpoints < 0 || endpoints >= 4_000_000
                || pods < 0 || pods > endpoints) {
            System.err.println("N_SERVICES must be 1..1000000, N_ENDPOINTS 0..3999999 and N_PODS 0..N_ENDPOINTS");
            System.exit(2);
        }
        long t0 = System.nanoTime();
        FakeApiServer api = FakeApiServer.start();
        Runtime.getRuntime().addShutdownHook(new Thread(api::close));
        // WATCH_LIST=REJECTED (dnsperf-datasets.sh): an API server that refuses streaming lists, so the
        // start-up with paged LISTs can be measured beside the streamed one.
        String watchList = System.getenv().getOrDefault("WATCH_LIST", "SUPPORTED");
        api.setWatchList(FakeApiServer.WatchListSupport.valueOf(watchList));
        api.create(KubeObjects.namespace("bench").build());
        List<String> lines = new ArrayList<>(services);
        int per = endpoints / services;
        int extra = endpoints % services;
        int next = 0;
        for (int i = 0; i < services; i++) {
            String name = String.format("svc%05d", i);
            String ip = clusterIp(i);
            api.create(KubeObjects.service("bench", name).clusterIP(ip).port("http", "TCP", 80).build());
            int count = per + (i < extra ? 1 : 0);
            if (count > 0) {
                String[] addrs = new String[count];
                for (int k = 0; k < count; k++) {
                    addrs[k] = endpointIp(next++);
                }
                api.create(KubeObjects.endpointSlice("bench", name + "-1").service(name)
                        .endpoints(addrs).port("http", "TCP", 80).build());
            }
            lines.add(name + " " + ip);
        }
        List<String> podIps = new ArrayList<>(pods);
        for (int j = 0; j < pods; j++) {
            String ip = endpointIp(j);
            api.create(KubeObjects.pod("bench", String.format("pod%06d", j)).ip(ip).nodeName("node-1").build());
            podIps.add(ip);
        }
        api.kubeconfig(dir);
        Files.write(dir.resolve("services.txt"), lines, StandardCharsets.US_ASCII);
        Files.write(dir.resolve("pods.txt"), podIps, StandardCharsets.US_ASCII);
        double loaded = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        int rounds = warmUp(api, watchList.equals("SUPPORTED"), pods > 0);
        System.out.printf("ready %d services, %d endpoints, %d pods, loaded in %.1fs, %d warm-up rounds in %.1fs, %s%n",
                services, next, pods, loaded, rounds, (System.nanoTime() - t1) / 1e9, api.url());
        System.out.flush();
        serveCommands(api);
        new CountDownLatch(1).await();
    }

    /**
     * Reads the lists a kdns start reads (Services, EndpointSlices, Namespaces, and Pods when there
     * are any), streamed when the server streams lists, else in pages, FAKE_WARMUP times (default 3,
     * 0 for none), so the measured kdns start meets a warm server, as a real kube-apiserver is: cold,
     * this JVM's own JIT compilers and its JSON writing took 0.6-1.1 CPU s of the 2 cores during the
     * first kdns start (0.15-0.2 s later), the bench's one start to /ready among them
     * (benchmarks/results/earlier.md, s17-B). Returns the number of rounds.
     */
    static int warmUp(FakeApiServer api, boolean streamed, boolean pods) throws IOException {
        int rounds;
        try {
            rounds = Integer.parseInt(System.getenv().getOrDefault("FAKE_WARMUP", "3"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("FAKE_WARMUP must be a whole number of rounds: " + e.getMessage());
        }
        List<String> paths = new ArrayList<>(List.of("/api/v1/services", "/apis/discovery.k8s.io/v1/endpointslices",
                "/api/v1/namespaces"));
        if (pods) {
            paths.add("/api/v1/pods");
        }
        for (int i = 0; i < rounds; i++) {
            for (String path : paths) {
                if (streamed) {
                    readStream(api, path);
                } else {
                    readPages(api, path);
                }
            }
        }
        return rounds;
    }

    /** A streamed list: the watch's initial events up to the bookmark that ends them, then closed. */
    private static void readStream(FakeApiServer api, String path) throws IOException {
        HttpURLConnection c = open(api, path + "?watch=true&sendInitialEvents=true"
                + "&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.contains("k8s.io/initial-events-end")) {
                    return;
                }
            }
            throw new IOException("the streamed list of " + path + " ended before its initial-events-end bookmark");
        } finally {
            c.disconnect();
        }
    }

    /** A paged list, 500 objects a page as client-java asks, every page read. */
    private static void readPages(FakeApiServer api, String path) throws IOException {
        String cont = "";
        do {
            HttpURLConnection c = open(api, path + "?limit=500" + (cont.isEmpty() ? "" : "&continue=" + cont));
            String body;
            try (InputStream in = c.getInputStream()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } finally {
                c.disconnect();
            }
            int at = body.indexOf("\"continue\":\"");
            cont = at < 0 ? "" : body.substring(at + 12, body.indexOf('"', at + 12));
        } while (!cont.isEmpty());
    }

    private static HttpURLConnection open(FakeApiServer api, String pathAndQuery) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(api.url() + pathAndQuery).toURL().openConnection();
        c.setRequestProperty("Authorization", "Bearer fake-token");
        if (c.getResponseCode() != 200) {
            throw new IOException("warm-up: " + pathAndQuery + " answered " + c.getResponseCode());
        }
        return c;
    }

    /** Reads commands from stdin until it ends ({@code relist}); the server goes on serving after. */
    private static void serveCommands(FakeApiServer api) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        int restarts = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.strip().equals("relist")) {
                long t = System.nanoTime();
                // Something changes while it is away (as the API server's own writes at start-up
                // do), so every version a client holds is older than the new watch cache.
                api.stop();
                restarts++;
                api.apply(KubeObjects.namespace("bench").label("kdns.bench/restarts", Integer.toString(restarts)).build());
                api.restartWithNewWatchCache();
                System.out.printf("relisted: serving again with a new watch cache after %.2fs%n",
                        (System.nanoTime() - t) / 1e9);
            } else if (!line.isBlank()) {
                System.out.println("unknown command: " + line.strip() + " (relist)");
            }
            System.out.flush();
        }
    }
}
