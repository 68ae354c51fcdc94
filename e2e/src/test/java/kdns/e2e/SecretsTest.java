package kdns.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import kdns.testing.kubernetes.FakeApiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets and TLS, end to end: bin/kdns with an etcd password and a Kubernetes bearer token, both
 * backends failing, never writes either secret to its output; and an API server whose certificate
 * no configured CA signs is refused (TLS is verified by default), so kubernetes stays not ready.
 */
class SecretsTest {

    private static final String ETCD_PASSWORD = "s3cr3t-etcd-password";
    private static final String KUBE_TOKEN = "s3cr3t-kube-token";

    @TempDir
    Path dir;

    @Test
    void secretsAreNeverLoggedAndUntrustedApiServersAreRefused() throws Exception {
        try (FakeApiServer api = FakeApiServer.startHttps()) {
            // The fake server's own kubeconfig trusts its CA; this one does not, and carries a token.
            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: untrusted
                      cluster:
                        server: %s
                    contexts:
                    - name: untrusted
                      context:
                        cluster: untrusted
                        user: reader
                    current-context: untrusted
                    users:
                    - name: reader
                      user:
                        token: %s
                    """.formatted(api.url(), KUBE_TOKEN));
            int port = KdnsProcess.freePort();
            int ready = KdnsProcess.freePort();
            int etcdPort = KdnsProcess.freePort(); // nothing listens there
            String corefile = ".:" + port + " {\n"
                    + "    ready 127.0.0.1:" + ready + "\n"
                    + "    kubernetes cluster.local {\n        kubeconfig " + kubeconfig + "\n        startup_timeout 1s\n    }\n"
                    + "    etcd example.test {\n        endpoint http://127.0.0.1:" + etcdPort + "\n"
                    + "        credentials alice " + ETCD_PASSWORD + "\n    }\n"
                    + "}\n";
            try (KdnsProcess kdns = KdnsProcess.serve(dir, corefile, port)) {
                String status = "";
                for (int i = 0; i < 30; i++) {
                    Thread.sleep(200);
                    status = KubeadmCorefileTest.http(ready, "/ready");
                }
                assertTrue(status.startsWith("503") && status.contains("kubernetes"),
                        "an API server signed by no trusted CA is not used: " + status);
                String out = kdns.output();
                assertTrue(out.contains("kubernetes") && out.toLowerCase().contains("certif"),
                        "the TLS failure is logged:\n" + out);
                assertFalse(out.contains(KUBE_TOKEN), "the bearer token is never logged:\n" + out);
                assertFalse(out.contains(ETCD_PASSWORD), "the etcd password is never logged:\n" + out);
            }
        }
    }
}
