package kdns.plugin.kubernetes.watch;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.BiConsumer;
import java.util.function.Function;
import okhttp3.Call;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Lists a resource (in pages of {@link #PAGE} objects where the server pages, as client-go's pager
 * asks) and watches it, turning every object into a {@link SlimObject} as soon as it is decoded.
 * The list response is read as a stream, one item at a time: the client's generated models would
 * first build a JSON tree of the whole list (for a list from the watch cache, {@code
 * resourceVersion=0}, that is the whole cluster at once, since the server does not page it).
 *
 * <p>Watches keep the API server's protocol, whatever the client's reflector above would make of
 * a failure (it lists everything again after any exception):
 * <ul>
 * <li>Each event line is decoded here: its {@code type} first; a BOOKMARK yields only its
 *     {@code metadata.resourceVersion} (the object of a bookmark is empty or Go's zero value of
 *     the kind, never a valid object); ADDED/MODIFIED/DELETED objects are decoded without the
 *     generated models' validation ({@link LenientJson}); an object kdns cannot use is kept as
 *     an absent one (its name and version still tracked) instead of ending the watch; event
 *     types this code does not know are skipped.</li>
 * <li>The request is made when the reflector first asks for an event. A watch that ends (the
 *     server's timeout, a lost connection, a refused request such as 429/5xx/401, an ERROR event
 *     other than 410) just ends: the reflector then watches again from the last resource version
 *     it saw, after a back-off when the watch failed. Only 410 Gone (on the request or as an
 *     ERROR event) reaches the reflector as an ERROR event, and it lists again without a
 *     resource version, as client-go does.</li>
 * </ul>
 * So a LIST happens at start-up and after 410 Gone only.
 *
 * @param <T> what an object is decoded into before {@code convert} (a generated model, or the raw
 *            JSON object for a custom resource)
 */
final class PagedListerWatcher<T> implements ListerWatcher<SlimObject, SlimList> {

    /** Objects per list request. */
    static final int PAGE = 500;
    /** The first back-off after a failed watch, doubled per failure in a row up to {@link #MAX_BACKOFF_MS}. */
    static final long FIRST_BACKOFF_MS = 250;
    static final long MAX_BACKOFF_MS = 30_000;

    private final String resource;
    private final WatchCalls.PageCall pages;
    private final WatchCalls.WatchCall watches;
    private final Function<JsonObject, T> decode;
    private final Function<T, Object> convert;
    private final ApiMetrics metrics;
    private final BiConsumer<Class<SlimObject>, Throwable> errors;
    /** Watch failures in a row (reset by a watch the server accepted); only the reflector's thread. */
    private int failures;

    /**
     * @param decode  the object as {@code T} (exceptions: the object is kept as absent)
     * @param convert what kdns keeps of an object (may return null; exceptions mean null)
     * @param errors  told about each failed watch (for the log; the watch is retried, no relist)
     */
    PagedListerWatcher(String resource, WatchCalls.PageCall pages, WatchCalls.WatchCall watches,
                       Function<JsonObject, T> decode, Function<T, Object> convert, ApiMetrics metrics,
                       BiConsumer<Class<SlimObject>, Throwable> errors) {
        this.resource = resource;
        this.pages = pages;
        this.watches = watches;
        this.decode = decode;
        this.convert = convert;
        this.metrics = metrics;
        this.errors = errors;
    }

    @Override
    public SlimList list(CallGeneratorParams params) throws ApiException {
        metrics.listed(resource);
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
                            JsonElement m = JsonParser.parseReader(in);
                            if (m.isJsonObject()) {
                                meta[0] = string(m.getAsJsonObject(), "resourceVersion");
                                meta[1] = string(m.getAsJsonObject(), "continue");
                                if (meta[0] == null) {
                                    meta[0] = "";
                                }
                            }
                        }
                        case "items" -> {
                            if (in.peek() == JsonToken.NULL) {
                                in.nextNull();
                                break;
                            }
                            in.beginArray();
                            while (in.hasNext()) {
                                JsonElement item = JsonParser.parseReader(in);
                                if (item.isJsonObject()) {
                                    items.add(slim(item.getAsJsonObject()));
                                }
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
    public Watchable<SlimObject> watch(CallGeneratorParams params) {
        return new EventStream(params);
    }

    /** The object's name, namespace and version, and what kdns makes of it (null: nothing, logged). */
    SlimObject slim(JsonObject object) {
        String ns = LenientJson.metadata(object, "namespace");
        String name = LenientJson.metadata(object, "name");
        Object payload;
        try {
            payload = convert.apply(decode.apply(object));
        } catch (RuntimeException e) {
            Informers.ignoring(resource, ns, name, e);
            payload = null;
        }
        return new SlimObject(ns, name, LenientJson.metadata(object, "resourceVersion"), payload);
    }

    private static String string(JsonObject o, String field) {
        JsonElement v = o.get(field);
        return v == null || !v.isJsonPrimitive() ? null : v.getAsString();
    }

    private long backoffMillis() {
        int n = Math.min(failures, 20);
        return n <= 0 ? 0 : Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << (n - 1));
    }

    /**
     * One watch request, made on the first {@link #hasNext()}; its events as the reflector wants
     * them. Used by the reflector's thread only, except {@link #close()}.
     */
    private final class EventStream implements Watchable<SlimObject> {
        private final CallGeneratorParams params;
        private volatile Call call;
        private volatile boolean closed;
        private Response response;
        private BufferedReader source;
        private boolean ended;
        private Watch.Response<SlimObject> pending;

        EventStream(CallGeneratorParams params) {
            this.params = params;
        }

        @Override
        public boolean hasNext() {
            if (pending != null) {
                return true;
            }
            if (ended || closed) {
                release();
                return false;
            }
            try {
                if (source == null) {
                    open();
                    if (pending != null || ended) {
                        return pending != null;
                    }
                }
                while (true) {
                    String line = source.readLine();
                    if (line == null) {
                        // A clean end of the stream: the server's timeoutSeconds (or its shut-down).
                        finish(ApiMetrics.End.CLOSED, null);
                        return false;
                    }
                    if (line.isBlank()) {
                        continue;
                    }
                    pending = event(line);
                    if (pending != null) {
                        return true;
                    }
                    if (ended) {
                        return false;
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    finish(ApiMetrics.End.LOST, new ApiException("watch connection lost: " + describe(e), e, 0, null));
                } else {
                    ended = true;
                    release();
                }
                return false;
            }
        }

        @Override
        public Watch.Response<SlimObject> next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the watch of " + resource + " has ended");
            }
            Watch.Response<SlimObject> r = pending;
            pending = null;
            return r;
        }

        /** Sends the request; on failure ends this watch (after the back-off) or reports 410 Gone. */
        private void open() throws IOException {
            Response r;
            try {
                Call c = watches.call(params);
                call = c;
                if (closed) {
                    c.cancel();
                    ended = true;
                    return;
                }
                metrics.watchStarted(resource);
                r = c.execute();
            } catch (ApiException | IOException e) {
                if (!closed) {
                    finish(ApiMetrics.End.LOST, e instanceof ApiException ? e
                            : new ApiException("cannot watch: " + describe(e), e, 0, null));
                }
                ended = true;
                return;
            }
            if (!r.isSuccessful()) {
                String text;
                try (ResponseBody body = r.body()) {
                    text = body == null ? "" : body.string();
                } catch (IOException e) {
                    text = "";
                }
                if (r.code() == 410) {
                    pending = expired(new V1Status().code(410).reason("Expired").message(text));
                    return;
                }
                finish(ApiMetrics.End.ERROR,
                        new ApiException(r.message(), r.code(), r.headers().toMultimap(), text));
                ended = true;
                return;
            }
            ResponseBody body = r.body();
            if (body == null) {
                r.close();
                finish(ApiMetrics.End.CLOSED, null);
                ended = true;
                return;
            }
            response = r;
            source = new BufferedReader(body.charStream(), 8192);
            failures = 0;
        }

        /** The event of one line, or null for one the reflector need not see (which may end the watch). */
        private Watch.Response<SlimObject> event(String line) {
            JsonObject e;
            String type;
            JsonObject object;
            try {
                e = JsonParser.parseString(line).getAsJsonObject();
                type = string(e, "type");
                JsonElement o = e.get("object");
                object = o != null && o.isJsonObject() ? o.getAsJsonObject() : null;
            } catch (JsonParseException | IllegalStateException ex) {
                // Not a watch event: the stream is not what the protocol says; end it and resume.
                finish(ApiMetrics.End.ERROR, new ApiException("undecodable watch event: " + abbreviate(line)));
                return null;
            }
            if (type == null) {
                type = "";
            }
            switch (type) {
                case "ADDED", "MODIFIED", "DELETED" -> {
                    metrics.event(resource, type);
                    if (object == null) {
                        return null;
                    }
                    return new Watch.Response<>(type, slim(object));
                }
                case "BOOKMARK" -> {
                    metrics.event(resource, type);
                    String rv = LenientJson.metadata(object, "resourceVersion");
                    if (rv == null || rv.isEmpty()) {
                        return null;
                    }
                    return new Watch.Response<>(type, new SlimObject(null, null, rv, null));
                }
                case "ERROR" -> {
                    metrics.event(resource, type);
                    V1Status status = null;
                    try {
                        status = object == null ? null : LenientJson.decode(object, V1Status.class);
                    } catch (RuntimeException ex) {
                        // an unreadable status: treated like any other error below
                    }
                    if (status != null && status.getCode() != null && status.getCode() == 410) {
                        return expired(status);
                    }
                    String msg = status == null ? abbreviate(line) : status.getMessage();
                    int code = status == null || status.getCode() == null ? 0 : status.getCode();
                    finish(ApiMetrics.End.ERROR, new ApiException(code, "watch ERROR event: " + msg));
                    return null;
                }
                default -> {
                    metrics.event(resource, "other");
                    return null;
                }
            }
        }

        /** 410 Gone: the reflector lists again (client-go's "too old resource version"). */
        private Watch.Response<SlimObject> expired(V1Status status) {
            ApiMetrics.End why = ApiMetrics.End.EXPIRED;
            metrics.ended(resource, why);
            ended = true;
            release();
            return new Watch.Response<>("ERROR", status);
        }

        /** Ends this watch: counted, a failure reported and waited for (the back-off). */
        private void finish(ApiMetrics.End why, Throwable failure) {
            ended = true;
            release();
            metrics.ended(resource, why);
            if (failure == null) {
                return;
            }
            failures++;
            errors.accept(SlimObject.class, failure);
            pause(backoffMillis());
        }

        private void pause(long millis) {
            long deadline = System.nanoTime() + millis * 1_000_000L;
            synchronized (this) {
                long left;
                while (!closed && (left = deadline - System.nanoTime()) > 0) {
                    try {
                        wait(Math.max(1, left / 1_000_000L));
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        closed = true;
                    }
                }
            }
        }

        private void release() {
            Response r = response;
            response = null;
            source = null;
            if (r != null) {
                r.close();
            }
        }

        @Override
        public Iterator<Watch.Response<SlimObject>> iterator() {
            return this;
        }

        @Override
        public void close() {
            synchronized (this) {
                closed = true;
                notifyAll();
            }
            Call c = call;
            if (c != null) {
                c.cancel();
            }
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
