package kdns.plugin.kubernetes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import kdns.host.metrics.PrometheusMetrics;
import kdns.plugin.kubernetes.ConnectionSettings;
import kdns.plugin.kubernetes.spi.WatchCalls;
import kdns.testing.kubernetes.FakeApiServer;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which credentials kdns's own HTTP client carries (none, a bearer token, a token file, a CA bundle)
 * and which go through client-java's ApiClient (client certificates, user name and password,
 * insecure-skip-tls-verify, exec, ...), and that both make the same requests.
 */
@Timeout(60)
class ApiConnectionPathsTest {

    @TempDir
    Path dir;

    private static final String UA = ApiConnection.userAgent("kdns-0.0.0", "kubernetes");

    private Path kubeconfig(String server, String clusterExtra, String user) throws IOException {
        Path p = dir.resolve("kubeconfig");
        Files.writeString(p, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster:
                    server: %s%s
                contexts:
                - name: x
                  context:
                    cluster: c
                    user: u
                current-context: x
                users:
                - name: u
                  user:
                %s
                """.formatted(server, clusterExtra, user.indent(4).stripTrailing()));
        return p;
    }

    private static ApiConnection connect(Path kubeconfig) throws IOException {
        return ApiConnection.create(ConnectionSettings.of(kubeconfig.toString(), null, null), new PrometheusMetrics(),
                UA);
    }

    private static Map<String, String> query(HttpUrl url) {
        Map<String, String> q = new TreeMap<>();
        for (String name : url.queryParameterNames()) {
            q.put(name, url.queryParameter(name));
        }
        return q;
    }

    @Test
    void aBearerTokenOverPlainHttpNeedsNoApiClient() throws Exception {
        try (FakeApiServer api = FakeApiServer.start()) {
            api.acceptTokens("secret");
            ApiConnection c = connect(kubeconfig(api.url(), "", "token: secret"));
            assertFalse(c.throughApiClient());
            Request r = WatchCalls.pages(c, "/api/v1/services", "app=web,tier", null).call(null, 500, null).request();
            assertEquals(api.url() + "/api/v1/services?labelSelector=app%3Dweb%2Ctier&limit=500", r.url().toString());
            assertEquals("application/json", r.header("Accept"));
            try (Response resp = WatchCalls.pages(c, "/api/v1/namespaces", null, null).call(null, 10, null)
                    .execute()) {
                assertEquals(200, resp.code(), "the token was sent");
            }
            assertEquals(UA, api.userAgents().get(api.userAgents().size() - 1));
        }
    }

    @Test
    void aClusterCaIsTrustedWithoutApiClient() throws Exception {
        try (FakeApiServer api = FakeApiServer.startHttps()) {
            String ca = Base64.getEncoder().encodeToString(api.caCertificatePem().getBytes(StandardCharsets.US_ASCII));
            ApiConnection c = connect(kubeconfig(api.url(), "\n    certificate-authority-data: " + ca,
                    "token: t"));
            assertFalse(c.throughApiClient());
            try (Response resp = c.get("/api/v1/namespaces", Map.of()).execute()) {
                assertEquals(200, resp.code(), "TLS verified against the cluster's CA");
            }
        }
    }

    @Test
    void aServerOutsideTheCaIsRefused() throws Exception {
        try (FakeApiServer api = FakeApiServer.startHttps(); FakeApiServer other = FakeApiServer.startHttps()) {
            String ca = Base64.getEncoder().encodeToString(
                    other.caCertificatePem().getBytes(StandardCharsets.US_ASCII));
            ApiConnection c = connect(kubeconfig(api.url(), "\n    certificate-authority-data: " + ca,
                    "token: t"));
            assertThrows(IOException.class, () -> c.get("/api/v1/namespaces", Map.of()).execute().close());
        }
    }

    @Test
    void invalidCaDataIsAClearError() throws Exception {
        String junk = Base64.getEncoder().encodeToString("not a certificate".getBytes(StandardCharsets.US_ASCII));
        IOException e = assertThrows(IOException.class, () -> connect(kubeconfig("https://127.0.0.1:6443",
                "\n    certificate-authority-data: " + junk, "token: t")));
        assertTrue(e.getMessage().contains("certificate"), e.getMessage());
    }

    @Test
    void otherCredentialsGoThroughApiClientAndMakeTheSameRequests() throws Exception {
        try (FakeApiServer api = FakeApiServer.start()) {
            ApiConnection basic = connect(kubeconfig(api.url(), "", "username: admin\npassword: pw"));
            assertTrue(basic.throughApiClient(), "user name and password are client-java's");
            Request r = WatchCalls.watch(basic, "/api/v1/services", "app=web", null)
                    .call(new io.kubernetes.client.util.CallGeneratorParams(true, "42", 300)).request();
            assertEquals("Basic " + Base64.getEncoder().encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8)),
                    r.header("Authorization"));
            ApiConnection plain = connect(kubeconfig(api.url(), "", "token: t"));
            Request p = WatchCalls.watch(plain, "/api/v1/services", "app=web", null)
                    .call(new io.kubernetes.client.util.CallGeneratorParams(true, "42", 300)).request();
            assertEquals(query(r.url()), query(p.url()));
            assertEquals(Map.of("allowWatchBookmarks", "true", "labelSelector", "app=web", "resourceVersion", "42",
                    "timeoutSeconds", "300", "watch", "true"), query(p.url()));
            assertEquals(r.url().encodedPath(), p.url().encodedPath());
            assertEquals(r.header("Accept"), p.header("Accept"));
            try (Response resp = basic.get("/api/v1/namespaces", Map.of()).execute()) {
                assertEquals(200, resp.code());
            }

            assertTrue(connect(kubeconfig(api.url(), "\n    insecure-skip-tls-verify: true", "token: t"))
                    .throughApiClient(), "insecure-skip-tls-verify is client-java's");
        }
    }

    @Test
    void aBasePathWithAPrefixKeepsIt() throws Exception {
        ApiConnection c = connect(kubeconfig("http://127.0.0.1:9/k8s/clusters/c-1/", "", "token: t"));
        assertEquals("http://127.0.0.1:9/k8s/clusters/c-1/api/v1/pods?fieldSelector=status.phase%21%3DFailed",
                c.get("/api/v1/pods", new TreeMap<>(Map.of("fieldSelector", "status.phase!=Failed"))).request().url()
                        .toString());
        assertEquals("127.0.0.1:9", c.host());
    }
}
