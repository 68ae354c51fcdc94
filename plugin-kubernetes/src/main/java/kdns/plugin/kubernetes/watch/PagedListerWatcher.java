package kdns.plugin.kubernetes.watch;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import com.google.gson.Gson;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.kubernetes.client.openapi.models.V1ListMeta;
import okhttp3.Call;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Lists a resource (in pages of {@link #PAGE} objects where the server pages, as client-go's pager
 * asks) and watches it, turning every object into a {@link SlimObject} as soon as it is decoded.
 * The list response is read as a stream, one item at a time: the client's generated models would
 * first build a JSON tree of the whole list (for a list from the watch cache, {@code
 * resourceVersion=0}, that is the whole cluster at once, since the server does not page it). The
 * reflector above sees the same list and watch protocol (resource versions, BOOKMARK, ERROR with
 * 410 Gone).
 *
 * @param <T> the API type
 */
final class PagedListerWatcher<T extends KubernetesObject> implements ListerWatcher<SlimObject, SlimList> {

    /** Objects per list request. */
    static final int PAGE = 500;

    /** One list request: a page of at most {@code limit} objects from {@code continueToken} (null: the first). */
    @FunctionalInterface
    interface PageCall {
        Call call(String resourceVersion, int limit, String continueToken) throws ApiException;
    }

    /** The watch request for these parameters. */
    @FunctionalInterface
    interface WatchCall {
        Call call(CallGeneratorParams params) throws ApiException;
    }

    private final ApiClient client;
    private final PageCall pages;
    private final WatchCall watches;
    private final Class<T> type;
    private final Function<T, Object> convert;

    /** @param convert what kdns keeps of an object (may return null; exceptions mean null) */
    PagedListerWatcher(ApiClient client, PageCall pages, WatchCall watches, Class<T> type,
                       Function<T, Object> convert) {
        this.client = client;
        this.pages = pages;
        this.watches = watches;
        this.type = type;
        this.convert = convert;
    }

    @Override
    public SlimList list(CallGeneratorParams params) throws ApiException {
        List<SlimObject> items = new ArrayList<>();
        String token = null;
        String listVersion = "";
        do {
            String[] meta = page(pages.call(token == null ? params.resourceVersion : null, PAGE, token), items);
            listVersion = meta[0];
            token = meta[1];
        } while (token != null && !token.isEmpty());
        return new SlimList(listVersion, items);
    }

    /** Reads one list response into {@code items}; its resource version and continue token. */
    private String[] page(Call call, List<SlimObject> items) throws ApiException {
        String[] meta = {"", null};
        Gson gson = client.getJSON().getGson();
        try (Response response = call.execute()) {
            ResponseBody body = response.body();
            if (!response.isSuccessful()) {
                String text = body == null ? "" : body.string();
                throw new ApiException(response.message(), response.code(), response.headers().toMultimap(), text);
            }
            if (body == null) {
                throw new ApiException("empty list response", response.code(), response.headers().toMultimap(), "");
            }
            try (JsonReader in = new JsonReader(body.charStream())) {
                in.beginObject();
                while (in.hasNext()) {
                    switch (in.nextName()) {
                        case "metadata" -> {
                            V1ListMeta m = gson.fromJson(JsonParser.parseReader(in), V1ListMeta.class);
                            if (m != null) {
                                meta[0] = m.getResourceVersion() == null ? "" : m.getResourceVersion();
                                meta[1] = m.getContinue();
                            }
                        }
                        case "items" -> {
                            if (in.peek() == JsonToken.NULL) {
                                in.nextNull();
                                break;
                            }
                            in.beginArray();
                            while (in.hasNext()) {
                                items.add(slim(gson.fromJson(JsonParser.parseReader(in), type)));
                            }
                            in.endArray();
                        }
                        default -> in.skipValue();
                    }
                }
                in.endObject();
            }
        } catch (IOException | RuntimeException e) {
            throw new ApiException(e);
        }
        return meta;
    }

    @Override
    public Watchable<SlimObject> watch(CallGeneratorParams params) throws ApiException {
        Watch<T> w = Watch.createWatch(client, watches.call(params),
                TypeToken.getParameterized(Watch.Response.class, type).getType());
        return new SlimWatch<>(w, this::slim);
    }
    SlimObject slim(T object) {
        Object payload;
        try {
            payload = convert.apply(object);
        } catch (RuntimeException e) {
            Informers.ignoring(object, e);
            payload = null;
        }
        return new SlimObject(object == null ? null : object.getMetadata(), payload);
    }

    /** A watch whose events carry slim objects; ERROR events (410 Gone) pass through with their status. */
    private static final class SlimWatch<T> implements Watchable<SlimObject> {
        private final Watch<T> watch;
        private final Function<T, SlimObject> slim;

        SlimWatch(Watch<T> watch, Function<T, SlimObject> slim) {
            this.watch = watch;
            this.slim = slim;
        }

        @Override
        public boolean hasNext() {
            return watch.hasNext();
        }

        @Override
        public Watch.Response<SlimObject> next() {
            Watch.Response<T> r = watch.next();
            if (r == null) {
                return null;
            }
            if (r.object == null) {
                return new Watch.Response<>(r.type, r.status);
            }
            return new Watch.Response<>(r.type, slim.apply(r.object));
        }

        @Override
        public Iterator<Watch.Response<SlimObject>> iterator() {
            return this;
        }

        @Override
        public void close() throws IOException {
            watch.close();
        }
    }
}
