package kdns.plugin.kubernetes.spi;

import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.CallGeneratorParams;
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
}
