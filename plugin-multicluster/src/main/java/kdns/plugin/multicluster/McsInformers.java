package kdns.plugin.multicluster;

import com.google.gson.JsonObject;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.util.function.Consumer;
import java.util.function.Function;
import kdns.api.Log;
import kdns.plugin.kubernetes.spi.InformerGroup;
import kdns.plugin.kubernetes.spi.KubernetesApi;
import kdns.plugin.kubernetes.spi.WatchCalls;

/**
 * The informers (list + watch, all namespaces, resync 0, the official client) that keep an
 * {@link McsIndex} current: ServiceImports ({@code multicluster.x-k8s.io/v1alpha1}, a custom resource
 * read as raw JSON), EndpointSlices carrying the
 * {@code multicluster.kubernetes.io/service-name} label (unless {@code noendpoints}) and, for the
 * standalone plugin, Namespaces. Synced means the ServiceImport and Namespace informers listed once,
 * like CoreDNS's multicluster controller. The same list and watch code as the kubernetes plugin's
 * informers ({@link KubernetesApi#informer}): BOOKMARKs only move the resource version on, a watch that ends
 * resumes from the last version, and only start-up and 410 Gone list.
 */
public final class McsInformers extends InformerGroup {

    /** The ServiceImport API group. */
    public static final String GROUP = "multicluster.x-k8s.io";
    /** The ServiceImport API version. */
    public static final String VERSION = "v1alpha1";
    /** The ServiceImport resource (plural). */
    public static final String RESOURCE = "serviceimports";

    private final Log log;
    private final KubernetesApi connection;
    private final McsIndex index;
    private final boolean watchNamespaces;
    private final boolean noEndpoints;
    private final String sliceLabels;
    private final String importLabels;

    /**
     * @param watchNamespaces also watch Namespaces into the index (the standalone plugin)
     * @param labels          an extra label selector for the EndpointSlices (the kubernetes
     *                        {@code labels} option), or null
     * @param importLabels    a label selector for the ServiceImports (the kubernetes
     *                        {@code namespace_labels} option, as CoreDNS codes it), or null
     */
    public McsInformers(String plugin, KubernetesApi connection, McsIndex index, boolean watchNamespaces, boolean noEndpoints,
                        String labels, String importLabels) {
        super(connection, Log.forPlugin(plugin), plugin + "-informer-mcs-");
        this.log = Log.forPlugin(plugin);
        this.connection = connection;
        this.index = index;
        this.watchNamespaces = watchNamespaces;
        this.noEndpoints = noEndpoints;
        this.sliceLabels = labels == null || labels.isBlank()
                ? McsConvert.SERVICE_NAME_LABEL : McsConvert.SERVICE_NAME_LABEL + "," + labels;
        this.importLabels = importLabels;
    }

    @Override
    protected String failureWarning(String resource, String message) {
        return "Kubernetes API failure while watching " + resource + " on " + connection.host() + ": " + message
                + (resource.equals(RESOURCE)
                ? " (is the ServiceImport CRD installed and may this server list/watch serviceimports?)" : "");
    }

    /**
     * The informers; synced means the ServiceImport (and Namespace) informers listed once, the
     * EndpointSlices' is not waited for (CoreDNS's multicluster controller).
     */
    @Override
    protected void register() {
        String imports = importLabels == null || importLabels.isBlank() ? null : importLabels;
        String path = "/apis/" + GROUP + "/" + VERSION + "/" + RESOURCE;
        addSafely(RESOURCE, true,
                WatchCalls.pages(connection, path, imports, null), WatchCalls.watch(connection, path, imports, null),
                Function.<JsonObject>identity(), McsConvert::serviceImport,
                o -> index.putImport((ServiceImportInfo) o), m -> index.removeImport(m.getNamespace(), m.getName()));
        if (!noEndpoints) {
            String slices = "/apis/discovery.k8s.io/v1/endpointslices";
            addSafely("endpointslices", false,
                    WatchCalls.pages(connection, slices, sliceLabels, null),
                    WatchCalls.watch(connection, slices, sliceLabels, null),
                    KubernetesApi.model(V1EndpointSlice.class), McsConvert::slice,
                    o -> index.putSlice((McsSlice) o), m -> index.removeSlice(m.getNamespace(), m.getName()));
        }
        if (watchNamespaces) {
            addSafely("namespaces", true,
                    WatchCalls.pages(connection, "/api/v1/namespaces", null, null),
                    WatchCalls.watch(connection, "/api/v1/namespaces", null, null),
                    KubernetesApi.model(V1Namespace.class), n -> n.getMetadata() == null ? null
                            : n.getMetadata().getName(),
                    o -> index.putNamespace((String) o), m -> index.removeNamespace(m.getName()));
        }
    }

    /**
     * One informer whose index updates log and skip an object the index cannot use. The index
     * keeps its objects by name, so the value an update replaces is not passed on.
     */
    private <T> void addSafely(String resource, boolean gatesSync, WatchCalls.PageCall pages, WatchCalls.WatchCall watch,
                         Function<JsonObject, T> decode, Function<T, Object> convert,
                         Consumer<Object> put, Consumer<V1ObjectMeta> remove) {
        add(resource, gatesSync, pages, watch, decode, convert,
                (previous, o) -> safely(() -> put.accept(o)), (previous, m) -> safely(() -> remove.accept(m)));
    }

    private void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.error("ignoring an object the multicluster index cannot use: " + e);
        }
    }
}
