package kdns.plugin.kubernetes.spi;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.CallGeneratorParams;
import java.util.Map;
import java.util.TreeMap;
import okhttp3.Call;

/** The requests of one watched resource: a page of its LIST, and its WATCH. */
public final class WatchCalls {

    private WatchCalls() {
    }

    /** One list request: a page of at most {@code limit} objects from {@code continueToken} (null: the first). */
    @FunctionalInterface
    public interface PageCall {
        Call call(String resourceVersion, int limit, String continueToken) throws ApiException;
    }

    /**
     * The watch request for these parameters (resource version, null for none, and timeout); it
     * must ask for {@code watch=true} and {@code allowWatchBookmarks=true}. The streaming list
     * request is this request with {@code sendInitialEvents=true&resourceVersionMatch=NotOlderThan}
     * added to its URL (the generated builders of custom resources have no {@code sendInitialEvents}).
     */
    @FunctionalInterface
    public interface WatchCall {
        Call call(CallGeneratorParams params) throws ApiException;
    }

    /**
     * The list pages of the collection at {@code path} ({@code /api/v1/services},
     * {@code /apis/GROUP/VERSION/PLURAL}), as the generated request builders make them.
     *
     * @param labelSelector a label selector, or null for none
     * @param fieldSelector a field selector, or null for none
     */
    public static PageCall pages(KubernetesApi api, String path, String labelSelector, String fieldSelector) {
        return (rv, limit, token) -> {
            Map<String, String> q = selectors(labelSelector, fieldSelector);
            q.put("resourceVersion", rv);
            q.put("limit", Integer.toString(limit));
            q.put("continue", token);
            return api.get(path, q);
        };
    }

    /** The watch of the collection at {@code path} (see {@link #pages}), with bookmarks. */
    public static WatchCall watch(KubernetesApi api, String path, String labelSelector, String fieldSelector) {
        return p -> {
            Map<String, String> q = selectors(labelSelector, fieldSelector);
            q.put("resourceVersion", p.resourceVersion);
            q.put("timeoutSeconds", p.timeoutSeconds == null ? null : p.timeoutSeconds.toString());
            q.put("watch", "true");
            q.put("allowWatchBookmarks", "true");
            return api.get(path, q);
        };
    }

    /** The parameters in name order, as the generated builders send them; null values are left out. */
    private static Map<String, String> selectors(String labelSelector, String fieldSelector) {
        Map<String, String> q = new TreeMap<>();
        q.put("labelSelector", labelSelector);
        q.put("fieldSelector", fieldSelector);
        return q;
    }
}
