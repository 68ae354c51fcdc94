package kdns.benchmarks;

import java.io.IOException;
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
 * (N_ENDPOINTS / N_SERVICES addresses each, the remainder on the first Services).
 *
 * <pre>java -cp benchmarks.jar kdns.benchmarks.FakeClusterMain DIR N_SERVICES N_ENDPOINTS</pre>
 *
 * Writes {@code DIR/kubeconfig}, then {@code DIR/services.txt} (one {@code NAME IP} line per
 * Service, for the comparison zone and the query file), prints {@code ready} on stdout when every
 * object is loaded, and serves until killed.
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
        if (args.length != 3) {
            System.err.println("usage: FakeClusterMain DIR N_SERVICES N_ENDPOINTS");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int services;
        int endpoints;
        try {
            services = Integer.parseInt(args[1]);
            endpoints = Integer.parseInt(args[2]);
        } catch (NumberFormatException e) {
            System.err.println("N_SERVICES and N_ENDPOINTS must be integers: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (services < 1 || services > 1_000_000 || endpoints < 0 || endpoints >= 4_000_000) {
            System.err.println("N_SERVICES must be 1..1000000 and N_ENDPOINTS 0..3999999");
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
        api.kubeconfig(dir);
        Files.write(dir.resolve("services.txt"), lines, StandardCharsets.US_ASCII);
        System.out.printf("ready %d services, %d endpoints, loaded in %.1fs, %s%n",
                services, next, (System.nanoTime() - t0) / 1e9, api.url());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
