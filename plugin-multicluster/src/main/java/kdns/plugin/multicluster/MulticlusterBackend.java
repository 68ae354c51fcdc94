package kdns.plugin.multicluster;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import kdns.api.MetricsRegistry;
import kdns.api.Request;
import kdns.api.zones.Fallthrough;
import kdns.plugin.kubernetes.spi.KubernetesApi;
import org.xbill.DNS.Message;

/**
 * Everything the standalone {@code multicluster} plugin needs, built from its options: the API
 * client (kubeconfig, endpoint or in-cluster, like the kubernetes plugin), the informers on
 * ServiceImports, Namespaces and exported EndpointSlices, the index and the answer builder.
 */
public final class MulticlusterBackend {

    /** CoreDNS's start-up wait for the informers. */
    public static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(5);

    private final McsIndex index;
    private final McsInformers informers;
    private final McsAnswerer answerer;

    private MulticlusterBackend(McsIndex index, McsInformers informers, McsAnswerer answerer) {
        this.index = index;
        this.informers = informers;
        this.answerer = answerer;
    }

    /**
     * @param kubeconfig  {@code kubeconfig FILE}, or null
     * @param kubeContext its context, or null
     * @param endpoint    {@code endpoint URL} (used without kubeconfig), or null; neither: in-cluster
     * @throws IOException when the client cannot be configured (unreadable kubeconfig, unknown
     *                     context, no in-cluster environment)
     */
    public static MulticlusterBackend create(List<String> zones, Fallthrough fallthrough, boolean noEndpoints,
                                             String kubeconfig, String kubeContext, String endpoint,
                                             MetricsRegistry metrics) throws IOException {
        return create(zones, fallthrough, noEndpoints, kubeconfig, kubeContext, endpoint, metrics, null);
    }

    /**
     * {@link #create(List, Fallthrough, boolean, String, String, String, MetricsRegistry)}, naming
     * {@code serverVersion} ({@code kdns-0.1.0}) in the API requests' User-Agent.
     */
    public static MulticlusterBackend create(List<String> zones, Fallthrough fallthrough, boolean noEndpoints,
                                             String kubeconfig, String kubeContext, String endpoint,
                                             MetricsRegistry metrics, String serverVersion) throws IOException {
        KubernetesApi api = KubernetesApi.connect(kubeconfig, kubeContext, endpoint, metrics, "multicluster",
                serverVersion);
        McsIndex index = new McsIndex();
        McsInformers informers = new McsInformers("multicluster", api, index, true, noEndpoints, null, null);
        McsOptions options = new McsOptions(zones, McsOptions.DEFAULT_TTL, fallthrough, noEndpoints, false, false, false);
        return new MulticlusterBackend(index, informers, new McsAnswerer(options, index, informers::hasSynced));
    }

    /** The reply, or null when the query belongs to the next plugin (outside the zones, fallthrough). */
    public Message answer(Request request) {
        return answerer.answer(request);
    }

    public boolean hasSynced() {
        return informers.hasSynced();
    }

    /** Starts the informers and waits up to 5 s for them to sync; then serves anyway. */
    public void startAndWait() throws InterruptedException {
        informers.startAndWait(STARTUP_TIMEOUT);
    }

    public void stop() {
        informers.stop();
    }

    /** Counts, for logs and tests. */
    public String summary() {
        return index.summary();
    }
}
