package kdns.plugin.kubernetes.multicluster;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.apis.DiscoveryV1Api;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1EndpointSliceList;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NamespaceList;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watchable;
import io.kubernetes.client.util.generic.KubernetesApiResponse;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesApi;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesListObject;
import io.kubernetes.client.util.generic.dynamic.DynamicKubernetesObject;
import io.kubernetes.client.util.generic.options.ListOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import kdns.api.Log;

/**
 * The informers (list + watch, all namespaces, resync 0, the official client) that keep an
 * {@link McsIndex} current: ServiceImports ({@code multicluster.x-k8s.io/v1alpha1}, through the
 * client's {@link DynamicKubernetesApi}), EndpointSlices carrying the
 * {@code multicluster.kubernetes.io/service-name} label (unless {@code noendpoints}) and, for the
 * standalone plugin, Namespaces. Synced means the ServiceImport and Namespace informers listed once,
 * like CoreDNS's multicluster controller.
 */
public final class McsInformers {

    /** The ServiceImport API group. */
    public static final String GROUP = "multicluster.x-k8s.io";
    /** The ServiceImport API version. */
    public static final String VERSION = "v1alpha1";
    /** The ServiceImport resource (plural). */
    public static final String RESOURCE = "serviceimports";

    private final Log log;
    private final ApiClient client;
    private final McsIndex index;
    private final boolean watchNamespaces;
    private final boolean noEndpoints;
    private final String sliceLabels;
    private final String importLabels;
    private final List<SharedIndexInformer<?>> syncInformers = new ArrayList<>();
    private final ConcurrentHashMap<String, String> lastError = new ConcurrentHashMap<>();
    private SharedInformerFactory factory;
    private volatile boolean started;
    private volatile boolean synced;

    /**
     * @param watchNamespaces also watch Namespaces into the index (the standalone plugin)
     * @param labels          an extra label selector for the EndpointSlices (the kubernetes
     *                        {@code labels} option), or null
     * @param importLabels    a label selector for the ServiceImports (the kubernetes
     *                        {@code namespace_labels} option, as CoreDNS codes it), or null
     */
    public McsInformers(String plugin, ApiClient client, McsIndex index, boolean watchNamespaces, boolean noEndpoints,
                        String labels, String importLabels) {
        this.log = Log.forPlugin(plugin);
        this.client = client;
        this.index = index;
        this.watchNamespaces = watchNamespaces;
        this.noEndpoints = noEndpoints;
        this.sliceLabels = labels == null || labels.isBlank()
                ? McsConvert.SERVICE_NAME_LABEL : McsConvert.SERVICE_NAME_LABEL + "," + labels;
        this.importLabels = importLabels;
    }

    /** True once the ServiceImport (and Namespace) informers have listed once. */
    public boolean hasSynced() {
        if (synced) {
            return true;
        }
        if (!started) {
            return false;
        }
        synchronized (this) {
            if (syncInformers.isEmpty()) {
                return false;
            }
            for (SharedIndexInformer<?> i : syncInformers) {
                if (!i.hasSynced()) {
                    return false;
                }
            }
        }
        synced = true;
        return true;
    }

    /** Starts the informers and waits up to {@code timeout} for their first sync, logging every 500 ms. */
    public void startAndWait(Duration timeout) throws InterruptedException {
        start();
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextLog = System.nanoTime() + 500_000_000L;
        while (!hasSynced()) {
            long now = System.nanoTime();
            if (now >= deadline) {
                log.warning("starting server with unsynced Kubernetes API");
                return;
            }
            if (now >= nextLog) {
                log.info("waiting for Kubernetes API before starting server");
                nextLog = now + 500_000_000L;
            }
            Thread.sleep(Math.max(1, Math.min(100, (deadline - now) / 1_000_000L)));
        }
    }

    /** Creates and runs the informers (idempotent). */
    public synchronized void start() {
        if (started) {
            return;
        }
        factory = new SharedInformerFactory(client);
        DynamicKubernetesApi importsApi = new DynamicKubernetesApi(GROUP, VERSION, RESOURCE, client);
        SharedIndexInformer<DynamicKubernetesObject> imports = factory.sharedIndexInformerFor(
                new ImportListerWatcher(importsApi, importLabels), DynamicKubernetesObject.class, 0L,
                errors("serviceimports"));
        imports.addEventHandler(handler(this::putImport, o -> {
            V1ObjectMeta m = o.getMetadata();
            index.removeImport(m.getNamespace(), m.getName());
        }));
        syncInformers.add(imports);
        if (!noEndpoints) {
            DiscoveryV1Api discovery = new DiscoveryV1Api(client);
            SharedIndexInformer<V1EndpointSlice> slices = factory.sharedIndexInformerFor(
                    p -> discovery.listEndpointSliceForAllNamespaces().labelSelector(sliceLabels)
                            .resourceVersion(p.resourceVersion).timeoutSeconds(p.timeoutSeconds).watch(p.watch)
                            .allowWatchBookmarks(Boolean.TRUE.equals(p.watch) ? true : null).buildCall(null),
                    V1EndpointSlice.class, V1EndpointSliceList.class, 0L, errors("endpointslices"));
            slices.addEventHandler(handler(this::putSlice, s -> {
                V1ObjectMeta m = s.getMetadata();
                index.removeSlice(m.getNamespace(), m.getName());
            }));
        }
        if (watchNamespaces) {
            CoreV1Api core = new CoreV1Api(client);
            SharedIndexInformer<V1Namespace> namespaces = factory.sharedIndexInformerFor(
                    p -> core.listNamespace().resourceVersion(p.resourceVersion).timeoutSeconds(p.timeoutSeconds)
                            .watch(p.watch).allowWatchBookmarks(Boolean.TRUE.equals(p.watch) ? true : null)
                            .buildCall(null),
                    V1Namespace.class, V1NamespaceList.class, 0L, errors("namespaces"));
            namespaces.addEventHandler(handler(n -> index.putNamespace(n.getMetadata().getName()),
                    n -> index.removeNamespace(n.getMetadata().getName())));
            syncInformers.add(namespaces);
        }
        factory.startAllRegisteredInformers();
        started = true;
    }

    /** Stops every informer. */
    public synchronized void stop() {
        if (factory != null) {
            factory.stopAllRegisteredInformers(true);
            factory = null;
        }
    }

    private void putImport(DynamicKubernetesObject o) {
        ServiceImportInfo si = McsConvert.serviceImport(o.getRaw());
        if (si != null) {
            index.putImport(si);
        }
    }

    private void putSlice(V1EndpointSlice s) {
        McsSlice info = McsConvert.slice(s);
        if (info == null) {
            V1ObjectMeta m = s.getMetadata();
            index.removeSlice(m.getNamespace(), m.getName());
            return;
        }
        index.putSlice(info);
    }

    private <T extends KubernetesObject> BiConsumer<Class<T>, Throwable> errors(String resource) {
        return (cls, t) -> {
            String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (t instanceof ApiException api && api.getCode() != 0) {
                msg = "HTTP " + api.getCode() + " " + msg;
            }
            String prev = lastError.put(resource, msg);
            if (!msg.equals(prev)) {
                log.warning("Kubernetes API failure while watching " + resource + " on " + client.getBasePath()
                        + ": " + msg + (resource.equals(RESOURCE)
                        ? " (is the ServiceImport CRD installed and may this server list/watch serviceimports?)" : ""));
            }
        };
    }

    private <T extends KubernetesObject> ResourceEventHandler<T> handler(Consumer<T> put, Consumer<T> remove) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                safely(() -> put.accept(obj));
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                safely(() -> put.accept(newObj));
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                safely(() -> remove.accept(obj));
            }
        };
    }

    private void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.error("ignoring an object the multicluster index cannot use: " + e);
        }
    }

    /** List and watch ServiceImports in every namespace, with an optional label selector. */
    private static final class ImportListerWatcher
            implements ListerWatcher<DynamicKubernetesObject, DynamicKubernetesListObject> {
        private final DynamicKubernetesApi api;
        private final String labels;

        ImportListerWatcher(DynamicKubernetesApi api, String labels) {
            this.api = api;
            this.labels = labels;
        }

        private ListOptions options(CallGeneratorParams p) {
            ListOptions o = new ListOptions();
            o.setResourceVersion(p.resourceVersion);
            o.setTimeoutSeconds(p.timeoutSeconds);
            if (labels != null && !labels.isBlank()) {
                o.setLabelSelector(labels);
            }
            return o;
        }

        @Override
        public DynamicKubernetesListObject list(CallGeneratorParams p) throws ApiException {
            KubernetesApiResponse<DynamicKubernetesListObject> r = api.list(options(p));
            r.throwsApiException();
            return r.getObject();
        }

        @Override
        public Watchable<DynamicKubernetesObject> watch(CallGeneratorParams p) throws ApiException {
            return api.watch(options(p));
        }
    }
}
