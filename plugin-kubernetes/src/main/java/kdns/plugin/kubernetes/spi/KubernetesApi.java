package kdns.plugin.kubernetes.spi;

import com.google.gson.JsonObject;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import kdns.api.Log;
import kdns.api.MetricsRegistry;
import kdns.plugin.kubernetes.ConnectionSettings;
import kdns.plugin.kubernetes.watch.ApiConnection;
import kdns.plugin.kubernetes.watch.SlimInformers;
import okhttp3.Call;

/**
 * A connection to the Kubernetes API as the kubernetes plugin makes and uses it: its requests
 * ({@link #get}) with CoreDNS's REST client metrics ({@code host} label {@link #host()}), the plugin's
 * rate limits and User-Agent, and informers that list and watch like the plugin's own. A
 * kubernetes block hands its connection to extensions ({@link KubernetesBlock#api()}); a plugin
 * with a directive of its own makes one with {@link #connect}.
 */
public interface KubernetesApi {

    /**
     * A GET of {@code path} (e.g. {@code /api/v1/services}) below the server's base path, with the
     * query parameters whose values are not null, asking for JSON, with the connection's
     * credentials, User-Agent, limits and metrics. {@link WatchCalls#pages} and
     * {@link WatchCalls#watch} make the list and watch requests of a resource with it.
     */
    Call get(String path, Map<String, String> query) throws ApiException;

    /** The API server's {@code host:port}. */
    String host();

    /**
     * One informer (not started: run it on a thread of its own; stop it with {@link #stopAll}):
     * what {@code convert} makes of an object goes to {@code put}; an object it makes nothing of,
     * or a deleted one, to {@code remove} with its namespace and name. Both are given first the
     * value the last {@code put} of the same object (namespace and name) handed over, or null when
     * there was none or the object was removed since, so an index can take it out of its reverse
     * indexes without keeping a map by name of its own; an object equal to that value is handed
     * over as that very value. Failed lists and watches go to {@code errors} (the informer retries
     * them). The index sees the whole first list before the informer reports synced.
     *
     * @param resource the resource (plural), the {@code resource} label of the metrics
     * @param decode   the decoder of one object ({@link #model} for a generated model class; the
     *                 identity for a custom resource read as JSON)
     */
    <T> SharedIndexInformer<?> informer(String resource, WatchCalls.PageCall pages, WatchCalls.WatchCall watch,
                                        Function<JsonObject, T> decode, Function<T, Object> convert,
                                        BiConsumer<Object, Object> put, BiConsumer<Object, V1ObjectMeta> remove,
                                        Consumer<Throwable> errors, Log log);

    /** Decodes an object into a generated model class, without the generated validation. */
    static <T> Function<JsonObject, T> model(Class<T> type) {
        return SlimInformers.model(type);
    }

    /** Stops every informer, interrupts their threads and waits up to 2 s for each, then forgets the threads. */
    static void stopAll(List<? extends SharedIndexInformer<?>> informers, List<Thread> threads) {
        SlimInformers.stopAll(informers, threads);
    }

    /**
     * Waits up to {@code timeout} for {@code synced} (informers' first lists), logging
     * {@code waiting for Kubernetes API before starting server} every 500 ms as the kubernetes
     * plugin does, and a warning when the time is up (the server then serves anyway).
     */
    static void awaitSynced(BooleanSupplier synced, Duration timeout, Log log) throws InterruptedException {
        SlimInformers.awaitSynced(synced, timeout, log);
    }

    /**
     * A connection for a plugin of its own (no network traffic yet): {@code kubeconfig FILE
     * [CONTEXT]} first, else {@code endpoint URL}, else in-cluster, as the kubernetes plugin
     * decides; no rate limit.
     *
     * @param component     the plugin named in the User-Agent ({@code kdns/<version> (<os>/<arch>) <component>})
     * @param serverVersion {@link kdns.api.Instance#serverVersion()}
     * @throws IOException when the client cannot be configured (unreadable kubeconfig, unknown
     *                     context, no in-cluster environment)
     */
    static KubernetesApi connect(String kubeconfig, String kubeContext, String endpoint, MetricsRegistry metrics,
                                 String component, String serverVersion) throws IOException {
        ConnectionSettings settings = ConnectionSettings.of(kubeconfig, kubeContext, endpoint);
        return ApiConnection.create(settings, metrics, ApiConnection.userAgent(serverVersion, component));
    }
}
