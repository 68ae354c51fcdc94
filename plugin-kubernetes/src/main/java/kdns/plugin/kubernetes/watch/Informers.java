package kdns.plugin.kubernetes.watch;

import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import io.prometheus.metrics.core.metrics.Histogram;
import kdns.api.Log;
import kdns.api.MetricsRegistry;
import kdns.plugin.kubernetes.KubernetesConfig;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.plugin.kubernetes.model.Convert;
import kdns.plugin.kubernetes.model.PodInfo;
import kdns.plugin.kubernetes.model.ServiceInfo;
import kdns.plugin.kubernetes.model.SliceInfo;
import kdns.plugin.kubernetes.spi.InformerGroup;
import kdns.plugin.kubernetes.spi.WatchCalls;

/**
 * The informers (list + watch, resync 0; the list streamed where the API server streams lists,
 * see {@link PagedListerWatcher}) that keep the {@link ClusterIndex} current: Services,
 * discovery.k8s.io/v1 EndpointSlices (unless {@code noendpoints}) and Services/EndpointSlices/Pods
 * filtered by {@code labels}, Namespaces filtered by {@code namespace_labels}, and Pods (only with
 * {@code pods verified}, without Succeeded/Failed/Unknown pods). The client's reflectors reconnect
 * lost watches and list again (streamed or paged) on 410 Gone; meanwhile the index keeps serving
 * the last known state.
 */
public final class Informers extends InformerGroup {

    private static final Log LOG = Log.forPlugin("kubernetes");
    private static final String ENDPOINT_SLICES = "/apis/discovery.k8s.io/v1/endpointslices";
    static final String POD_FIELD_SELECTOR = "status.phase!=Succeeded,status.phase!=Failed,status.phase!=Unknown";

    private final KubernetesConfig config;
    private final ApiConnection connection;
    private final ClusterIndex index;
    private final Histogram programming;

    public Informers(KubernetesConfig config, ApiConnection connection, ClusterIndex index, MetricsRegistry metrics) {
        super(connection, LOG, "kubernetes-informer-");
        this.config = config;
        this.connection = connection;
        this.index = index;
        double[] buckets = new double[20];
        double v = 0.001;
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = v;
            v *= 2;
        }
        connection.onSuccess(this::recovered);
        this.programming = metrics.histogram("coredns_kubernetes_dns_programming_duration_seconds",
                "Histogram of the time (in seconds) it took to program a dns instance.", buckets, "service_kind");
    }

    /**
     * Decoding the first lists left garbage that grew the old generation far past the index (a
     * third more with 100,000 Services); one full collection now, before ready turns 200, lets the
     * launcher's heap sizing (MaxHeapFreeRatio) give it back, instead of waiting for the next full
     * collection, which may not come for hours.
     */
    @Override
    protected void onFirstSync() {
        System.gc();
    }

    @Override
    protected String failureWarning(String resource, String message) {
        return "Kubernetes API connection failure while watching " + resource + " on " + connection.host() + ": "
                + message;
    }

    /**
     * The informers over slim objects ({@link SlimInformers}), each counted for sync: what a
     * convert makes of an object goes to the index, with the value it replaces (the index keeps
     * no slices or pods by name); an object it makes nothing of, or a deleted one, is removed.
     * An object that did not change comes as the entry already held, which keeps a relist from
     * holding the cluster twice.
     */
    @Override
    protected void register() {
        String labels = config.labels();
        add("services", true,
                WatchCalls.pages(connection, "/api/v1/services", labels, null),
                WatchCalls.watch(connection, "/api/v1/services", labels, null),
                SlimInformers.model(V1Service.class, ObjectReader.SERVICE, Convert::serviceOf),
                Convert::service,
                (previous, o) -> index.putService((ServiceInfo) o), this::removeService);
        if (!config.noEndpoints()) {
            add("endpointslices", true,
                    WatchCalls.pages(connection, ENDPOINT_SLICES, labels, null),
                    WatchCalls.watch(connection, ENDPOINT_SLICES, labels, null),
                    SlimInformers.model(V1EndpointSlice.class, ObjectReader.SLICE,
                            f -> Convert.sliceOf(f, config.endpointPodNames())),
                    slice -> Convert.slice(slice, config.endpointPodNames()),
                    (previous, o) -> putSlice((SliceInfo) previous, (SliceInfo) o), this::removeSlice);
        }
        String nsLabels = config.namespaceLabels();
        add("namespaces", true,
                WatchCalls.pages(connection, "/api/v1/namespaces", nsLabels, null),
                WatchCalls.watch(connection, "/api/v1/namespaces", nsLabels, null),
                SlimInformers.model(V1Namespace.class, ObjectReader.NAMESPACE, f -> f.meta().name()),
                n -> n.getMetadata().getName(),
                (previous, o) -> index.putNamespace((String) o), (previous, m) -> index.removeNamespace(m.getName()));
        if (config.pods() == KubernetesConfig.PodMode.VERIFIED) {
            add("pods", true,
                    WatchCalls.pages(connection, "/api/v1/pods", labels, POD_FIELD_SELECTOR),
                    WatchCalls.watch(connection, "/api/v1/pods", labels, POD_FIELD_SELECTOR),
                    SlimInformers.model(V1Pod.class, ObjectReader.POD, Convert::podOf),
                    Convert::pod,
                    (previous, o) -> index.putPod((PodInfo) previous, (PodInfo) o), this::removePod);
        }
    }

    /** Logs an object the conversion could not use (it is treated as absent). */
    static void ignoring(String resource, String namespace, String name, RuntimeException e) {
        String what = name == null ? "an object of " + resource
                : resource + " " + (namespace == null ? "" : namespace + "/") + name;
        LOG.error("ignoring " + what + " the kubernetes plugin cannot use: " + e);
    }

    /** Logs once that the API answers again after failures were logged. */
    private void recovered() {
        if (forgetFailures()) {
            LOG.info("Kubernetes API connection to " + connection.host() + " restored");
        }
    }

    private void removeService(Object previous, V1ObjectMeta m) {
        index.removeService(m.getNamespace(), m.getName());
    }

    private void putSlice(SliceInfo previous, SliceInfo info) {
        index.putSlice(previous, info);
        if (syncSeen() && info.triggerTimeMillis() > 0) {
            ServiceInfo svc = index.service(info.namespace(), info.serviceName());
            String kind = svc != null && svc.headless() ? "headless_with_selector" : "cluster_ip";
            double seconds = (System.currentTimeMillis() - info.triggerTimeMillis()) / 1000.0;
            programming.labelValues(kind).observe(Math.max(0, seconds));
        }
    }

    private void removeSlice(Object previous, V1ObjectMeta m) {
        index.removeSlice((SliceInfo) previous);
    }

    private void removePod(Object previous, V1ObjectMeta m) {
        index.removePod((PodInfo) previous);
    }
}
