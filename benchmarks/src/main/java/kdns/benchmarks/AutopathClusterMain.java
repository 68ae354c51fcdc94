package kdns.benchmarks;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import kdns.testing.kubernetes.FakeApiServer;
import kdns.testing.kubernetes.KubeObjects;

/**
 * The cluster of the autopath measurement ({@code autopath-walk.sh}): on the fake API server of
 * test-support, namespaces {@code web} and {@code other-ns}, Service {@code svc} in
 * {@code other-ns} (cluster IP 10.96.0.10), and Pod {@code web/client} whose IP is 127.0.0.1, so
 * that queries sent from loopback come from that pod.
 *
 * <pre>java -cp benchmarks.jar kdns.benchmarks.AutopathClusterMain DIR</pre>
 *
 * Writes {@code DIR/kubeconfig}, prints {@code ready} and serves until killed.
 */
public final class AutopathClusterMain {

    private AutopathClusterMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: AutopathClusterMain DIR");
            System.exit(2);
        }
        FakeApiServer api = FakeApiServer.start();
        Runtime.getRuntime().addShutdownHook(new Thread(api::close));
        api.create(KubeObjects.namespace("web").build());
        api.create(KubeObjects.namespace("other-ns").build());
        api.create(KubeObjects.service("other-ns", "svc").clusterIP("10.96.0.10").port("http", "TCP", 80).build());
        api.create(KubeObjects.pod("web", "client").ip("127.0.0.1").build());
        api.kubeconfig(Path.of(args[0]));
        System.out.println("ready " + api.url());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
