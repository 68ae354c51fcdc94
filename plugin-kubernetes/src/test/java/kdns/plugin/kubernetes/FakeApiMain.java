package kdns.plugin.kubernetes;

import java.nio.file.Path;
import kdns.testing.kubernetes.FakeApiServer;

/**
 * Serves the main objects of cases/kubernetes.json from a fake API server until killed, and writes
 * {@code DIR/kubeconfig} for it: for trying the distribution by hand
 * ({@code kubernetes cluster.local { kubeconfig DIR/kubeconfig }}). Usage: {@code FakeApiMain DIR}.
 */
public final class FakeApiMain {

    private FakeApiMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: FakeApiMain DIR");
            System.exit(2);
        }
        try (FakeApiServer api = FakeApiServer.start()) {
            api.loadObjects(AcceptanceCases.root().get("objects"));
            Path kc = api.kubeconfig(Path.of(args[0]));
            System.out.println("serving " + api.url() + ", kubeconfig " + kc);
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
