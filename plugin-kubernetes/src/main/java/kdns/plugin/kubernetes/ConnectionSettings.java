package kdns.plugin.kubernetes;

import java.util.List;

/**
 * How a {@code kubernetes} block reaches the API server: CoreDNS's rest config options. Kept apart
 * from what the block serves because the connection is all that plugins built on this one (and
 * {@code ApiConnection}) need.
 *
 * @param endpoint             {@code endpoint URL}, or null
 * @param tls                  {@code tls CERT KEY CACERT} (3 paths), or empty
 * @param kubeconfig           {@code kubeconfig FILE}, or null
 * @param kubeContext          the context of {@code kubeconfig FILE CONTEXT}, or null
 * @param apiserverQps         {@code apiserver_qps}, 0 for the client's default
 * @param apiserverBurst       {@code apiserver_burst}, 0 for the client's default
 * @param apiserverMaxInflight {@code apiserver_max_inflight}, 0 for no limit
 */
public record ConnectionSettings(String endpoint, List<String> tls, String kubeconfig, String kubeContext,
                                 double apiserverQps, int apiserverBurst, int apiserverMaxInflight) {

    public ConnectionSettings {
        tls = List.copyOf(tls);
    }

    /** {@code kubeconfig} or {@code endpoint} alone, with the client's default rates: what another plugin's block names. */
    public static ConnectionSettings of(String kubeconfig, String kubeContext, String endpoint) {
        return new ConnectionSettings(endpoint, List.of(), kubeconfig, kubeContext, 0, 0, 0);
    }
}
