package kdns.plugin.kubernetes.watch;

import static kdns.testing.Polling.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import kdns.host.metrics.PrometheusMetrics;
import kdns.plugin.kubernetes.KubernetesConfig;
import kdns.plugin.kubernetes.KubernetesDirective;
import kdns.plugin.kubernetes.KubernetesPlugin;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.testing.TestController;
import kdns.testing.kubernetes.FakeApiServer;
import kdns.testing.kubernetes.KubeObjects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-cluster service-account token rotated the kubelet's way (a new timestamped directory and
 * an atomic swap of the {@code ..data} symlink that {@code token} points through), with the API
 * server refusing the old token from then on: the watches carry on with the new token, without a
 * LIST and without a single 401.
 */
@Timeout(60)
class TokenRotationTest {

    @TempDir
    Path dir;

    /** Writes {@code token} under a new data directory and swaps {@code ..data} to it atomically. */
    private void project(String generation, String token) throws Exception {
        Path data = Files.createDirectory(dir.resolve("..2026_12_05_" + generation));
        Files.writeString(data.resolve("token"), token);
        Path tmp = dir.resolve("..data_tmp");
        Files.createSymbolicLink(tmp, data.getFileName());
        Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String service(String name, String ip) {
        return """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"%s","namespace":"rot"},
                 "spec":{"type":"ClusterIP","clusterIP":"%s","clusterIPs":["%s"],
                         "ports":[{"name":"http","protocol":"TCP","port":80}]}}""".formatted(name, ip, ip);
    }

    @Test
    void aRotatedTokenIsUsedAtOnce() throws Exception {
        project("1", "old-token\n");
        Path token = dir.resolve("token");
        Files.createSymbolicLink(token, Path.of("..data", "token"));
        try (FakeApiServer api = FakeApiServer.start()) {
            api.acceptTokens("old-token");
            api.create(KubeObjects.parse("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"rot\"}}"));
            api.create(KubeObjects.parse(service("before", "10.0.4.1")));
            KubernetesConfig config = KubernetesDirective.parse(
                    TestController.of("kubernetes cluster.local {\n endpoint " + api.url() + "\n}"));
            PrometheusMetrics metrics = new PrometheusMetrics();
            ApiConnection connection = ApiConnection.withTokenFile(api.url(), token, config.connection(), metrics,
                    ApiConnection.userAgent("kdns-0.0.0", "kubernetes"));
            ClusterIndex index = new ClusterIndex();
            Informers informers = new Informers(config, connection, index, metrics);
            try {
                informers.startAndWait(Duration.ofSeconds(20));
                assertTrue(informers.hasSynced(), "synced with the first token");
                assertNotNull(index.service("rot", "before"));

                project("2", "new-token\n");
                api.acceptTokens("new-token");
                api.dropAllWatches();
                api.create(KubeObjects.parse(service("after", "10.0.4.2")));
                eventually("a change after the rotation arrives", () -> index.service("rot", "after") != null);

                assertEquals(0, api.countRequests("/api/v1/services", false), "no LIST (the list was streamed)");
                assertEquals(1, api.countStreamingLists("/api/v1/services"), "no relist");
                assertTrue(api.countRequests("/api/v1/services", true) >= 2, "the watch resumed");
                double refused = 0;
                for (var snapshot : metrics.prometheus().scrape()) {
                    if (snapshot.getMetadata().getName().equals("coredns_kubernetes_rest_client_requests")
                            && snapshot instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot cs) {
                        for (var d : cs.getDataPoints()) {
                            if ("401".equals(d.getLabels().get("code"))) {
                                refused += d.getValue();
                            }
                        }
                    }
                }
                assertEquals(0.0, refused, "requests refused with 401");
            } finally {
                informers.stop();
            }
        }
    }

    /** The same through a kubeconfig whose user names a {@code tokenFile} (relative to the kubeconfig). */
    @Test
    void aKubeconfigTokenFileIsReadAgainWhenRotated() throws Exception {
        project("1", "old-token\n");
        Files.createSymbolicLink(dir.resolve("token"), Path.of("..data", "token"));
        try (FakeApiServer api = FakeApiServer.start()) {
            api.acceptTokens("old-token");
            api.create(KubeObjects.parse("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"rot\"}}"));
            api.create(KubeObjects.parse(service("before", "10.0.4.1")));
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, Files.readString(api.kubeconfig(dir.resolve("fake")))
                    .replace("token: fake-token", "tokenFile: token"));
            KubernetesConfig config = KubernetesDirective.parse(
                    TestController.of("kubernetes cluster.local {\n kubeconfig " + kubeconfig + "\n}"));
            PrometheusMetrics metrics = new PrometheusMetrics();
            ApiConnection connection = ApiConnection.create(config.connection(), metrics);
            ClusterIndex index = new ClusterIndex();
            Informers informers = new Informers(config, connection, index, metrics);
            try {
                informers.startAndWait(Duration.ofSeconds(20));
                assertTrue(informers.hasSynced(), "synced with the first token");

                project("2", "new-token\n");
                api.acceptTokens("new-token");
                api.dropAllWatches();
                api.create(KubeObjects.parse(service("after", "10.0.4.2")));
                eventually("a change after the rotation arrives", () -> index.service("rot", "after") != null);
                assertEquals(0, api.countRequests("/api/v1/services", false), "no LIST (the list was streamed)");
                assertEquals(1, api.countStreamingLists("/api/v1/services"), "no relist");
            } finally {
                informers.stop();
            }
        }
    }

    @Test
    void aLiteralTokenWinsOverATokenFile(@TempDir Path other) throws Exception {
        Path kubeconfig = other.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
                contexts: [{name: c, context: {cluster: c, user: u}}, {name: d, context: {cluster: c, user: f}}]
                current-context: c
                users:
                - {name: u, user: {token: literal, tokenFile: /nonexistent}}
                - {name: f, user: {tokenFile: sub/token}}
                """);
        io.kubernetes.client.util.KubeConfig kc;
        try (var r = Files.newBufferedReader(kubeconfig)) {
            kc = io.kubernetes.client.util.KubeConfig.loadKubeConfig(r);
        }
        assertEquals(null, ApiConnection.userTokenFile(kc, other));
        assertTrue(kc.setContext("d"));
        assertEquals(other.resolve("sub/token"), ApiConnection.userTokenFile(kc, other));
    }
}
