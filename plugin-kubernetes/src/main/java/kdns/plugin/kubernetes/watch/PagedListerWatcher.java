package kdns.plugin.kubernetes.watch;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Function;
import kdns.api.Log;
import kdns.plugin.kubernetes.model.Fields;
import kdns.plugin.kubernetes.model.Named;
import kdns.plugin.kubernetes.model.Shared;
import kdns.plugin.kubernetes.spi.WatchCalls;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Lists a resource and watches it, turning every object into a {@link SlimObject} as soon as it
 * is decoded.
 *
 * <p>The list is a streaming list where the API server has one (KEP-3157, "WatchList"): a WATCH
 * with {@code sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true}
 * that sends every object as an ADDED event and then a BOOKMARK annotated
 * {@code k8s.io/initial-events-end: "true"}, whose resource version is the list's. {@link #list}
 * returns at that bookmark (so the informer is synced only then) and hands the open stream to the
 * next {@link #watch}, which goes on reading the live events from it: no second request. A server
 * that refuses the request (400 or 422: {@code sendInitialEvents is forbidden for watch unless the
 * WatchList feature gate is enabled}, or, before Kubernetes 1.27, {@code resourceVersionMatch is
 * forbidden for watch}) or ignores the parameters (a plain watch: a MODIFIED or DELETED event or a
 * BOOKMARK without the annotation before the initial events have ended, or no line at all for
 * {@link #initialEventsSilenceMillis}) is remembered per resource on the {@link ApiConnection},
 * and the list is made as before: in pages of {@link #PAGE} objects where the server pages, as
 * client-go's pager asks. Like client-go's reflector, a streaming list from a resource version
 * the server no longer has (410, or "Too large resource version") is asked again from the
 * current state (no resource version); other failures (429, 5xx, a lost connection) fail this
 * list, and the reflector lists again a second later, streaming again.
 *
 * <p>The list response is read as a stream, one item at a time: the client's generated models
 * would first build a JSON tree of the whole list (for a list from the watch cache, {@code
 * resourceVersion=0}, that is the whole cluster at once, since the server does not page it).
 *
 * <p>Watches keep the API server's protocol, whatever the client's reflector above would make of
 * a failure (it lists everything again after any exception):
 * <ul>
 * <li>Each event line ({@link EventLines}: one buffer and one JSON reader for the stream's lines)
 *     is decoded here: its {@code type} first; a BOOKMARK yields only its
 *     {@code metadata.resourceVersion} (the object of a bookmark is empty or Go's zero value of
 *     the kind, never a valid object); ADDED/MODIFIED/DELETED objects are decoded without the
 *     generated models' validation ({@link LenientJson}); an object kdns cannot use is kept as
 *     an absent one (its name and version still tracked) instead of ending the watch; event
 *     types this code does not know are skipped.</li>
 * <li>The request is made when the reflector first asks for an event (unless the streaming list
 *     left its stream open). A watch that ends (the server's timeout, a lost connection, a
 *     refused request such as 429/5xx/401, an ERROR event other than 410) just ends: the
 *     reflector then watches again from the last resource version it saw, after a back-off when
 *     the watch failed. Only 410 Gone (on the request or as an ERROR event) reaches the reflector
 *     as an ERROR event, and it lists (or streams the list) again without a resource version, as
 *     client-go does.</li>
 * </ul>
 * So a list (streamed or paged) happens at start-up and after 410 Gone only.
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
    /** The annotation of the BOOKMARK that ends a streaming list's initial events. */
    static final String INITIAL_EVENTS_END = "k8s.io/initial-events-end";
    /**
     * How long a streaming list may send nothing before its initial-events-end bookmark until the
     * server is taken for one that ignored {@code sendInitialEvents} (counted from the response's
     * headers, then from each line; client-go warns after 10 s). A server that streams sends the
     * objects it has and the bookmark right after them. Tests may change it.
     */
    static volatile long initialEventsSilenceMillis = 10_000;
    /** A streaming list's {@code timeoutSeconds}: 5 to 10 minutes, as the reflector asks of its watches. */
    private static final int STREAM_TIMEOUT_SECONDS = 300;

    private final ApiConnection connection;
    private final String resource;
    private final WatchCalls.PageCall pages;
    private final WatchCalls.WatchCall watches;
    private final Function<JsonObject, T> decode;
    private final Function<T, Object> convert;
    /** The informer's store: an unchanged object's payload is the one it holds ({@link SlimStore#sameAsHeld}). */
    private final SlimStore known;
    private final ApiMetrics metrics;
    private final BiConsumer<Class<SlimObject>, Throwable> errors;
    private final Log log;
    /** Watch failures in a row (reset by a watch the server accepted); only the reflector's thread. */
    private int failures;
    /** The stream a streaming list left open for the next {@link #watch}. */
    private volatile OpenStream handoff;
    /** The streaming list request being read, cancelled by {@link #close()}. */
    private volatile Call streaming;
    private volatile boolean closed;

    /**
     * @param decode  the object as {@code T} (exceptions: the object is kept as absent)
     * @param convert what kdns keeps of an object (may return null; exceptions mean null)
     * @param errors  told about each failed watch or streaming list (for the log; it is retried)
     * @param log     where a server that does not stream lists is noted (once per resource)
     * @param known   the informer's store, whose payloads an unchanged object's stands for
     */
    PagedListerWatcher(ApiConnection connection, String resource, WatchCalls.PageCall pages,
                       WatchCalls.WatchCall watches, Function<JsonObject, T> decode, Function<T, Object> convert,
                       BiConsumer<Class<SlimObject>, Throwable> errors, Log log, SlimStore known) {
        this.connection = connection;
        this.known = known;
        this.resource = resource;
        this.pages = pages;
        this.watches = watches;
        this.decode = decode;
        this.convert = convert;
        this.metrics = connection.apiMetrics();
        this.errors = unlessClosed(errors);
        this.log = log;
        metrics.register(resource);
    }

    /**
     * The objects and their resource version: from a streaming list unless the server is known not
     * to stream lists of this resource (or shows now that it does not), else from a paged LIST.
     */
    @Override
    public SlimList list(CallGeneratorParams params) throws ApiException {
        dropHandoff();
        if (connection.notStreamed(resource) == null) {
            SlimList streamed = streamList(params.resourceVersion);
            if (streamed != null) {
                return streamed;
            }
        }
        return pagedList(params);
    }

    /** A paged LIST (client-go's pager), read one item at a time. */
    private SlimList pagedList(CallGeneratorParams params) throws ApiException {
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
                                    items.add(slimItem(item.getAsJsonObject()));
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

    /**
     * The watch from {@code params.resourceVersion}: the stream the streaming list left open when
     * it ended at that version, else a new watch request (made on the first {@code hasNext}).
     */
    @Override
    public Watchable<SlimObject> watch(CallGeneratorParams params) {
        OpenStream open = handoff;
        handoff = null;
        if (open != null) {
            if (!closed && Objects.equals(open.resourceVersion(), params.resourceVersion)) {
                return new EventStream(params, open);
            }
            open.close();
        }
        return new EventStream(params);
    }

    /** {@code errors}, except after {@link #close()}: what fails as the informer stops is no failure to log. */
    BiConsumer<Class<SlimObject>, Throwable> unlessClosed(BiConsumer<Class<SlimObject>, Throwable> errors) {
        return (cls, t) -> {
            if (!closed) {
                errors.accept(cls, t);
            }
        };
    }

    /** Ends the streaming list being read and closes a stream left for a watch (the informer stops). */
    void close() {
        closed = true;
        Call c = streaming;
        if (c != null) {
            c.cancel();
        }
        dropHandoff();
    }

    private void dropHandoff() {
        OpenStream open = handoff;
        handoff = null;
        if (open != null) {
            open.close();
        }
    }

    // ------------------------------------------------------------------ streaming lists

    /** A watch response being read: the request, the response and its lines. */
    private record OpenStream(Call call, Response response, EventLines lines, String resourceVersion) {
        void close() {
            call.cancel();
            response.close();
        }
    }

    /** Why a streaming list ended without its initial-events-end bookmark, when it is worth a retry. */
    private static final class Restart extends Exception {
        final ApiException failure;

        Restart(ApiException failure) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
        }
    }

    /**
     * The streaming list from {@code resourceVersion} (unset or "0": the current state), or null
     * when the server turned out not to stream lists (remembered; the caller lists in pages).
     */
    private SlimList streamList(String resourceVersion) throws ApiException {
        String rv = resourceVersion == null || resourceVersion.equals("0") ? "" : resourceVersion;
        while (true) {
            try {
                return streamOnce(rv);
            } catch (Restart r) {
                if (rv.isEmpty()) {
                    errors.accept(SlimObject.class, r.failure);
                    throw r.failure;
                }
                // As client-go: that version is gone (or not there yet); stream the current state.
                rv = "";
            }
        }
    }

    /** The streaming list request: the watch request with the streaming list's parameters added. */
    private Call streamingCall(String rv) throws ApiException {
        int timeout = (int) (STREAM_TIMEOUT_SECONDS * (1 + ThreadLocalRandom.current().nextDouble()));
        Call plain = watches.call(new CallGeneratorParams(Boolean.TRUE, rv.isEmpty() ? null : rv, timeout));
        Request request = plain.request();
        HttpUrl.Builder url = request.url().newBuilder()
                .setQueryParameter("allowWatchBookmarks", "true")
                .setQueryParameter("sendInitialEvents", "true")
                .setQueryParameter("resourceVersionMatch", "NotOlderThan");
        if (rv.isEmpty()) {
            url.removeAllQueryParameters("resourceVersion");
        }
        return connection.http().newCall(request.newBuilder().url(url.build()).build());
    }

    /** One streaming list request; see {@link #streamList}. */
    private SlimList streamOnce(String rv) throws ApiException, Restart {
        if (closed) {
            throw new ApiException("the informer of " + resource + " has stopped");
        }
        Call call = streamingCall(rv);
        streaming = call;
        if (closed) {
            call.cancel();
            streaming = null;
            throw new ApiException("the informer of " + resource + " has stopped");
        }
        metrics.watchStarted(resource);
        Response response;
        try {
            response = call.execute();
        } catch (IOException e) {
            streaming = null;
            throw failed(ApiMetrics.End.LOST, new ApiException("cannot stream the list: " + describe(e), e, 0, null));
        }
        boolean keep = false;
        Silence silence = null;
        try {
            if (!response.isSuccessful()) {
                String text = text(response);
                int code = response.code();
                if (code == 400 || code == 422) {
                    notStreamed("the API server refused it: HTTP " + code + " " + statusMessage(text));
                    return null;
                }
                ApiException failure = new ApiException(response.message(), code, response.headers().toMultimap(), text);
                if (code == 410 || tooLarge(code, text)) {
                    metrics.ended(resource, code == 410 ? ApiMetrics.End.EXPIRED : ApiMetrics.End.ERROR);
                    throw new Restart(failure);
                }
                throw failed(ApiMetrics.End.ERROR, failure);
            }
            ResponseBody body = response.body();
            if (body == null) {
                throw failed(ApiMetrics.End.CLOSED, new ApiException("empty streaming list response"));
            }
            EventLines in = new EventLines(body.charStream());
            silence = new Silence(call);
            // A plain list, not a map by namespace/name: the map held a key string and an entry for
            // each object (about 24 MB with 250,000 objects) at the relist's peak. An object sent twice
            // is handed over twice, in order, so the later one wins as it did in the map.
            List<SlimObject> items = new ArrayList<>();
            while (true) {
                boolean more;
                try {
                    more = in.next();
                } catch (IOException | RuntimeException e) {
                    if (silence.fired()) {
                        notStreamed(silence.why());
                        return null;
                    }
                    if (closed) {
                        throw new ApiException("the informer of " + resource + " has stopped");
                    }
                    throw failed(ApiMetrics.End.LOST,
                            new ApiException("streaming list connection lost: " + describe(e), e, 0, null));
                }
                silence.heard();
                if (!more) {
                    if (silence.fired()) {
                        notStreamed(silence.why());
                        return null;
                    }
                    throw failed(ApiMetrics.End.CLOSED, new ApiException(
                            "the streaming list ended before its " + INITIAL_EVENTS_END + " bookmark"));
                }
                Direct direct = direct(in);
                if (direct != null && direct.type().equals("ADDED")) {
                    metrics.event(resource, "ADDED");
                    SlimObject o = direct.object();
                    items.add(o);
                    continue;
                }
                // Anything else (a bookmark, an error, an event the direct way declines) from the
                // line's JSON tree.
                String line = in.text();
                String type;
                JsonObject object;
                try {
                    JsonObject e = JsonParser.parseString(line).getAsJsonObject();
                    type = string(e, "type");
                    JsonElement o = e.get("object");
                    object = o != null && o.isJsonObject() ? o.getAsJsonObject() : null;
                } catch (JsonParseException | IllegalStateException ex) {
                    throw failed(ApiMetrics.End.ERROR, new ApiException("undecodable watch event: " + abbreviate(line)));
                }
                type = type == null ? "" : type;
                switch (type) {
                    case "ADDED" -> {
                        metrics.event(resource, type);
                        if (object != null) {
                            SlimObject o = slim(object);
                            items.add(o);
                        }
                    }
                    case "BOOKMARK" -> {
                        metrics.event(resource, type);
                        if (!"true".equals(annotation(object, INITIAL_EVENTS_END))) {
                            notStreamed("the API server ignored sendInitialEvents: a BOOKMARK without "
                                    + INITIAL_EVENTS_END + " came before the initial events ended");
                            return null;
                        }
                        if (!silence.stop()) {
                            // the silence limit was reached just now and cancelled the request
                            notStreamed(silence.why());
                            return null;
                        }
                        String listVersion = LenientJson.metadata(object, "resourceVersion");
                        listVersion = listVersion == null ? "" : listVersion;
                        handoff = new OpenStream(call, response, in, listVersion);
                        keep = true;
                        failures = 0;
                        if (closed) {
                            dropHandoff();
                        }
                        return new SlimList(listVersion, items);
                    }
                    case "MODIFIED", "DELETED" -> {
                        metrics.event(resource, type);
                        notStreamed("the API server ignored sendInitialEvents: a " + type
                                + " event came before the initial events ended");
                        return null;
                    }
                    case "ERROR" -> {
                        metrics.event(resource, type);
                        V1Status status = errorStatus(object);
                        int code = status == null || status.getCode() == null ? 0 : status.getCode();
                        String msg = status == null ? abbreviate(line) : status.getMessage();
                        ApiException failure = new ApiException(code, "streaming list ERROR event: " + msg);
                        if (code == 410 || tooLarge(code, msg)) {
                            metrics.ended(resource, code == 410 ? ApiMetrics.End.EXPIRED : ApiMetrics.End.ERROR);
                            throw new Restart(failure);
                        }
                        throw failed(ApiMetrics.End.ERROR, failure);
                    }
                    default -> metrics.event(resource, "other");
                }
            }
        } finally {
            if (silence != null) {
                silence.stop();
            }
            streaming = null;
            if (!keep) {
                response.close();
            }
        }
    }

    /** Counts the end of a streaming list that failed, reports the failure and returns it to throw. */
    private ApiException failed(ApiMetrics.End why, ApiException failure) {
        metrics.ended(resource, why);
        errors.accept(SlimObject.class, failure);
        return failure;
    }

    /** The server does not stream lists of this resource: remembered, counted and logged once. */
    private void notStreamed(String why) {
        metrics.ended(resource, ApiMetrics.End.UNSUPPORTED);
        if (connection.notStreamed(resource, why)) {
            log.info("no streaming list of " + resource + " from " + connection.host() + " (" + why
                    + "): listing in pages instead");
        }
    }

    /** 504 "Too large resource version": the server has not caught up with that version yet. */
    private static boolean tooLarge(int code, String text) {
        return code == 504 && text != null && text.contains("Too large resource version");
    }

    private static String text(Response r) {
        try (ResponseBody body = r.body()) {
            return body == null ? "" : body.string();
        } catch (IOException e) {
            return "";
        }
    }

    /** The message of a {@code kind: Status} body, or the body itself (abbreviated). */
    private static String statusMessage(String text) {
        try {
            JsonElement e = JsonParser.parseString(text);
            if (e.isJsonObject()) {
                String m = string(e.getAsJsonObject(), "message");
                if (m != null) {
                    return m;
                }
            }
        } catch (JsonParseException | IllegalStateException e) {
            // not JSON
        }
        return abbreviate(text);
    }

    private static String annotation(JsonObject o, String key) {
        if (o == null || !(o.get("metadata") instanceof JsonObject m)
                || !(m.get("annotations") instanceof JsonObject a)) {
            return null;
        }
        return string(a, key);
    }

    /**
     * Cancels a streaming list whose server has sent nothing for {@link #initialEventsSilenceMillis}
     * (a server that ignored {@code sendInitialEvents} and now just watches). A virtual thread.
     */
    private final class Silence {
        private final Call call;
        private final long limitNanos = initialEventsSilenceMillis * 1_000_000L;
        private final Thread thread;
        private volatile long last = System.nanoTime();
        private boolean done;
        private boolean fired;

        Silence(Call call) {
            this.call = call;
            this.thread = Thread.ofVirtual().name("kdns-streaming-list-" + resource).start(this::run);
        }

        void heard() {
            last = System.nanoTime();
        }

        /** Stops watching the silence; false when it had already cancelled the request. */
        boolean stop() {
            synchronized (this) {
                done = true;
            }
            thread.interrupt();
            return !fired();
        }

        synchronized boolean fired() {
            return fired;
        }

        String why() {
            return "the API server ignored sendInitialEvents: no " + INITIAL_EVENTS_END + " bookmark, and"
                    + " nothing sent for " + limitNanos / 1_000_000L + " ms";
        }

        private void run() {
            try {
                while (true) {
                    long left = last + limitNanos - System.nanoTime();
                    if (left <= 0) {
                        synchronized (this) {
                            if (done) {
                                return;
                            }
                            fired = true;
                        }
                        call.cancel();
                        return;
                    }
                    Thread.sleep(Duration.ofNanos(left));
                }
            } catch (InterruptedException e) {
                // stopped
            }
        }
    }

    /** The object's name, namespace and version, and what kdns makes of it (null: nothing, logged). */
    SlimObject slim(JsonObject object) {
        String ns = Shared.string(LenientJson.metadata(object, "namespace"));
        String name = LenientJson.metadata(object, "name");
        Object payload;
        try {
            payload = convert.apply(decode.apply(object));
        } catch (RuntimeException e) {
            Informers.ignoring(resource, ns, name, e);
            payload = null;
        }
        return new SlimObject(ns, name, LenientJson.metadata(object, "resourceVersion"),
                known.sameAsHeld(ns, name, payload));
    }

    /**
     * A listed item: read by kdns's own {@link ObjectReader} from its tree where this kind has one
     * and the reader takes the object, else as {@link #slim(JsonObject)} (through the model).
     */
    private SlimObject slimItem(JsonObject item) {
        if (decode instanceof SlimInformers.Model<T> model && model.reading() != null) {
            Fields.Object fields;
            try {
                fields = fromTree(model.reading().reader(), item);
            } catch (RuntimeException unsupported) {
                fields = null;
            }
            if (fields != null) {
                return slimRead(model.reading(), fields);
            }
        }
        return slim(item);
    }

    /** {@code reader} run on a JSON tree (Gson's reader of trees is reached through a {@link TypeAdapter} only). */
    static <F extends Fields.Object> F fromTree(ObjectReader<F> reader, JsonObject tree) {
        return new TypeAdapter<F>() {
            @Override
            public F read(JsonReader in) throws IOException {
                return reader.read(in);
            }

            @Override
            public void write(JsonWriter out, F value) {
                throw new UnsupportedOperationException("read only");
            }
        }.fromJsonTree(tree);
    }

    /** An ADDED, MODIFIED or DELETED event with its object, decoded by {@link #direct}. */
    private record Direct(String type, SlimObject object) {
    }

    /**
     * The current line's watch event decoded without a JSON tree: its type, then its object read
     * straight into the model (building the tree, then the model from it, was most of the
     * reflector's time in the sync of a large cluster), with the JSON reader {@code lines} shares
     * across its lines. Null for any other line: another type, {@code "object"} before {@code
     * "type"} or not an object, JSON only the lenient parser takes, an object the model cannot
     * take, anything after the object on its line. The caller then parses the line's text into a
     * tree as before, so what comes out (and what is logged) is the same either way.
     */
    private Direct direct(EventLines lines) {
        if (!(decode instanceof SlimInformers.Model<T> model)) {
            return null;
        }
        boolean done = false;
        try {
            JsonReader in = lines.reader();
            SlimInformers.Reading<?> reading = model.reading();
            String type = null;
            T object = null;
            Fields.Object fields = null;
            boolean read = false;
            lines.begin();
            while (in.hasNext()) {
                String name = in.nextName();
                if (name.equals("type") && !read && in.peek() == JsonToken.STRING) {
                    type = in.nextString();
                } else if (name.equals("object") && !read && in.peek() == JsonToken.BEGIN_OBJECT
                        && ("ADDED".equals(type) || "MODIFIED".equals(type) || "DELETED".equals(type))) {
                    if (reading != null) {
                        fields = reading.reader().read(in);
                    } else {
                        object = model.read(in);
                    }
                    read = true;
                } else if (name.equals("type") || name.equals("object")) {
                    return null; // out of order, repeated or of another kind: the tree decides
                } else {
                    in.skipValue();
                }
            }
            in.endObject();
            if (!read || (object == null && fields == null) || !lines.wholeLineRead()) {
                return null;
            }
            done = true;
            return new Direct(type, fields != null ? slimRead(reading, fields) : slimDecoded(object));
        } catch (IOException | RuntimeException e) {
            return null;
        } finally {
            if (!done) {
                // stopped inside the line, or after an object with more behind it
                lines.discardReader();
            }
        }
    }

    /** {@link #slim(JsonObject)} of an object already decoded. */
    private SlimObject slimDecoded(T object) {
        V1ObjectMeta m = object instanceof KubernetesObject k ? k.getMetadata() : null;
        return m == null ? slimOf(null, null, null, convert, object)
                : slimOf(m.getNamespace(), m.getName(), m.getResourceVersion(), convert, object);
    }

    /** {@link #slimDecoded} of an object {@code reading}'s reader read. */
    private SlimObject slimRead(SlimInformers.Reading<?> reading, Fields.Object fields) {
        Fields.Meta m = fields.meta();
        return m == null ? slimOf(null, null, null, reading::convertRead, fields)
                : slimOf(m.namespace(), m.name(), m.resourceVersion(), reading::convertRead, fields);
    }

    /** The slim object of a decoded one: its metadata and what {@code conversion} makes of it. */
    private <A> SlimObject slimOf(String namespace, String name, String version, Function<A, Object> conversion,
                                  A object) {
        String ns = Shared.string(namespace);
        Object payload;
        try {
            payload = conversion.apply(object);
        } catch (RuntimeException e) {
            Informers.ignoring(resource, ns, name, e);
            payload = null;
        }
        payload = known.sameAsHeld(ns, name, payload);
        if (payload instanceof Named held && held.name().equals(name) && held.namespace().equals(ns)) {
            // The payload's own strings (the held entry's, on a relist of an unchanged object), so
            // the slim object keeps no copy of them.
            ns = held.namespace();
            name = held.name();
        }
        return new SlimObject(ns, name, version, payload);
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
        private EventLines source;
        private boolean ended;
        private Watch.Response<SlimObject> pending;

        EventStream(CallGeneratorParams params) {
            this.params = params;
        }

        /** Goes on reading the stream a streaming list left open (already counted as a watch). */
        EventStream(CallGeneratorParams params, OpenStream open) {
            this.params = params;
            this.call = open.call();
            this.response = open.response();
            this.source = open.lines();
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
                    if (!source.next()) {
                        // A clean end of the stream: the server's timeoutSeconds (or its shut-down).
                        finish(ApiMetrics.End.CLOSED, null);
                        return false;
                    }
                    pending = event(source);
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
            source = new EventLines(body.charStream());
            failures = 0;
        }

        /** The event of the current line, or null for one the reflector need not see (which may end the watch). */
        private Watch.Response<SlimObject> event(EventLines lines) {
            Direct direct = direct(lines);
            if (direct != null) {
                metrics.event(resource, direct.type());
                return new Watch.Response<>(direct.type(), direct.object());
            }
            String line = lines.text();
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
                    V1Status status = errorStatus(object);
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

    /** The status of an ERROR event, or null when it has none or it cannot be read (an error like any other). */
    private static V1Status errorStatus(JsonObject object) {
        try {
            return object == null ? null : LenientJson.decode(object, V1Status.class);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }
}
