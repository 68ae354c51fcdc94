package kdns.testing.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A fake Kubernetes API server on 127.0.0.1 that speaks the real wire protocol to the official
 * client: discovery, GET, LIST (resourceVersion semantics, {@code limit}/{@code continue}
 * paging, label and field selectors), chunked WATCH (replay from a bounded history, 410 Gone as
 * an ERROR event, BOOKMARKs, {@code timeoutSeconds}, selector transitions sent as ADDED/DELETED),
 * streaming lists ({@code sendInitialEvents=true}: served, refused or ignored, {@link
 * #setWatchList}), and POST/PUT/PATCH (merge patch)/DELETE including the {@code /status}
 * subresource.
 *
 * <p>Resources: namespaces, services, pods, endpoints (core/v1), endpointslices
 * (discovery.k8s.io/v1) and serviceimports (multicluster.x-k8s.io/v1alpha1). Resource arguments
 * of the Java API accept the plural, singular, kind or short name ({@code "services"},
 * {@code "Service"}, {@code "svc"}).
 *
 * <p>The Java API writes objects as a controller would store them (status included, server-side
 * defaults applied, one global resourceVersion); HTTP requests follow the API server's
 * strategies (a PUT of a resource with a status subresource keeps the stored status, and so on).
 * Errors of the Java API are {@link KubeApiException}s with the real server's code and message.
 *
 * <pre>{@code
 * try (FakeApiServer api = FakeApiServer.start()) {
 *     api.create(KubeObjects.namespace("ns1").build());
 *     api.create(KubeObjects.service("ns1", "web").clusterIP("10.0.0.5").port("http", "TCP", 80).build());
 *     Path kubeconfig = api.kubeconfig(tempDir);   // for "kubeconfig FILE" in a Corefile
 * }
 * }</pre>
 */
public final class FakeApiServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REQUEST_LOG_SIZE = 10_000;

    private final ObjectStore store = new ObjectStore();
    private final AtomicInteger failRemaining = new AtomicInteger();
    private volatile int failStatus = 500;
    private volatile String failPrefix = "/";
    private volatile Duration bookmarkInterval = Duration.ofMinutes(1);
    private volatile BookmarkShape bookmarkShape = BookmarkShape.ALTERNATE;
    private final AtomicInteger bookmarksSent = new AtomicInteger();
    private final ArrayDeque<String> requestLog = new ArrayDeque<>();
    private final ArrayDeque<String> userAgents = new ArrayDeque<>();
    private volatile Set<String> acceptedTokens = null;
    private volatile WatchListSupport watchList = WatchListSupport.SUPPORTED;
    private final Object initialEventsEndLock = new Object();
    private boolean holdingInitialEventsEnd;
    private int heldInitialEventsEnds;

    private final SelfSignedTls tls;
    private HttpServer server;
    private ExecutorService executor;
    private int port;

    private FakeApiServer(SelfSignedTls tls) {
        this.tls = tls;
    }

    /** Starts a plain HTTP server on 127.0.0.1 with a free port and no objects. */
    public static FakeApiServer start() {
        FakeApiServer s = new FakeApiServer(null);
        s.listen(0);
        return s;
    }

    /**
     * Starts an HTTPS server on 127.0.0.1 with a free port, serving a freshly made self-signed
     * certificate for 127.0.0.1 and localhost ({@link #caCertificatePem()}); its kubeconfig
     * carries that certificate as the cluster's certificate-authority-data.
     */
    public static FakeApiServer startHttps() {
        FakeApiServer s = new FakeApiServer(SelfSignedTls.generate());
        s.listen(0);
        return s;
    }

    // ------------------------------------------------------------------------------- lifecycle

    private synchronized void listen(int wantPort) {
        try {
            InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), wantPort);
            HttpServer hs;
            if (tls == null) {
                hs = HttpServer.create(at, 64);
            } else {
                HttpsServer https = HttpsServer.create(at, 64);
                https.setHttpsConfigurator(new HttpsConfigurator(tls.context));
                hs = https;
            }
            executor = Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("fake-apiserver-", 0).factory());
            hs.setExecutor(executor);
            hs.createContext("/", this::handle);
            hs.start();
            server = hs;
            port = hs.getAddress().getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + wantPort, e);
        }
    }

    /**
     * Stops serving: closes the listener and every connection (watches end without a clean
     * end of stream). The objects are kept; {@link #restart()} serves them again on the same port.
     */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        store.dropAll();
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server = null;
    }

    /** Serves again on the same port after {@link #stop()} (the objects and versions are kept). */
    public synchronized void restart() {
        stop();
        listenAgain();
    }

    /**
     * Serves again, after {@link #stop()} or while serving, as a restarted kube-apiserver does:
     * every connection is closed, and the server comes back on the same port with the same
     * objects and resourceVersion counter (they live in etcd) but a new watch cache that starts at
     * the current version. A watch (or exact LIST) from any version before the restart gets 410
     * Gone, so a client has to list again; what the Java API changed while the server was stopped
     * is in that list and in no watch's history.
     */
    public synchronized void restartWithNewWatchCache() {
        stop();
        store.compact();
        listenAgain();
    }

    private void listenAgain() {
        IOException last = null;
        for (int i = 0; i < 50; i++) {
            try {
                listen(port);
                return;
            } catch (UncheckedIOException e) {
                last = e.getCause();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new UncheckedIOException("cannot listen again on 127.0.0.1:" + port, last);
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** {@code http://127.0.0.1:PORT} (or {@code https://...}), the server's base URL. */
    public String url() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + port;
    }

    /**
     * The PEM certificate an HTTPS server ({@link #startHttps()}) serves, which is its own CA.
     *
     * @throws IllegalStateException for a plain HTTP server
     */
    public String caCertificatePem() {
        if (tls == null) {
            throw new IllegalStateException("this fake API server speaks plain HTTP;"
                    + " use FakeApiServer.startHttps() for a certificate");
        }
        return tls.certificatePem;
    }

    public int port() {
        return port;
    }

    /**
     * Writes {@code dir/kubeconfig}, a kubeconfig whose current context points at this server
     * (a bearer token the fake accepts), and returns its path.
     */
    public Path kubeconfig(Path dir) {
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: fake
                  cluster:
                    server: %s%s
                contexts:
                - name: fake
                  context:
                    cluster: fake
                    user: fake
                    namespace: default
                current-context: fake
                preferences: {}
                users:
                - name: fake
                  user:
                    token: fake-token
                """.formatted(url(), tls == null ? ""
                        : "\n    certificate-authority-data: " + Base64.getEncoder().encodeToString(
                                tls.certificatePem.getBytes(StandardCharsets.US_ASCII)));
        try {
            Files.createDirectories(dir);
            Path p = dir.resolve("kubeconfig");
            Files.writeString(p, yaml);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a kubeconfig in " + dir, e);
        }
    }

    // ------------------------------------------------------------------------------- Java API

    /** Creates an object of a resource ({@code "services"}, {@code "Pod"}, ...); returns it as stored. */
    public ObjectNode create(String resource, ObjectNode obj) {
        return store.create(type(resource), obj, null);
    }

    /** Creates an object whose resource is given by its apiVersion and kind. */
    public ObjectNode create(ObjectNode obj) {
        return store.create(typeOf(obj), obj, null);
    }

    /**
     * Replaces an existing object (status included). A non-empty metadata.resourceVersion must
     * be the stored one (409 Conflict otherwise); without one the update is unconditional.
     */
    public ObjectNode update(String resource, ObjectNode obj) {
        return store.update(type(resource), obj, null, false, false);
    }

    /** Replaces an existing object whose resource is given by its apiVersion and kind. */
    public ObjectNode update(ObjectNode obj) {
        return store.update(typeOf(obj), obj, null, false, false);
    }

    /** Creates the object, or replaces it unconditionally when it exists. */
    public ObjectNode apply(String resource, ObjectNode obj) {
        return apply(type(resource), obj);
    }

    /** {@link #apply(String, ObjectNode)} with the resource given by apiVersion and kind. */
    public ObjectNode apply(ObjectNode obj) {
        return apply(typeOf(obj), obj);
    }

    private ObjectNode apply(ResourceType t, ObjectNode obj) {
        synchronized (store) {
            JsonNode m = obj.path("metadata");
            String ns = m.path("namespace").asText("");
            if (t.namespaced() && ns.isEmpty()) {
                ns = "default";
            }
            if (store.get(t, ns, m.path("name").asText("")) == null) {
                return store.create(t, obj, null);
            }
            ObjectNode copy = obj.deepCopy();
            if (copy.get("metadata") instanceof ObjectNode meta) {
                meta.remove("resourceVersion");
            }
            return store.update(t, copy, null, false, false);
        }
    }

    /** Deletes an object ({@code namespace} null for namespaces) and returns its last state. */
    public ObjectNode delete(String resource, String namespace, String name) {
        return store.delete(type(resource), namespace, name);
    }

    /** The stored object, if any ({@code namespace} null for namespaces). */
    public Optional<ObjectNode> get(String resource, String namespace, String name) {
        ResourceType t = type(resource);
        return Optional.ofNullable(store.get(t, t.namespaced() ? namespace : "", name));
    }

    /** Every stored object of a resource, sorted by namespace and name. */
    public List<ObjectNode> list(String resource) {
        return store.all(type(resource));
    }

    /**
     * Loads API-shaped objects: a JSON array of objects with apiVersion and kind (the
     * {@code objects} arrays of the acceptance case files), a {@code kind: List} object with
     * {@code items}, or one object. Namespaces are loaded first; existing objects are replaced.
     */
    public void loadObjects(JsonNode objects) {
        List<ObjectNode> all = new ArrayList<>();
        if (objects.isArray()) {
            objects.forEach(o -> all.add(asObject(o)));
        } else if (objects.isObject() && objects.has("items") && objects.get("items").isArray()) {
            objects.get("items").forEach(o -> all.add(asObject(o)));
        } else {
            all.add(asObject(objects));
        }
        for (ObjectNode o : all) {
            if (typeOf(o) == ResourceType.NAMESPACES) {
                apply(o);
            }
        }
        for (ObjectNode o : all) {
            if (typeOf(o) != ResourceType.NAMESPACES) {
                apply(o);
            }
        }
    }

    private static ObjectNode asObject(JsonNode n) {
        if (!(n instanceof ObjectNode o)) {
            throw new IllegalArgumentException("expected an API object (a JSON object), got: " + n);
        }
        return o;
    }

    /** The current global resourceVersion (etcd's revision). */
    public long resourceVersion() {
        return store.resourceVersion();
    }

    // ------------------------------------------------------------------------------- faults

    /**
     * Ends every open watch abruptly: the connection is closed without the chunked stream's end,
     * as when the API server or a load balancer goes away. (client-java then relists.)
     */
    public void dropAllWatches() {
        store.dropAll();
    }

    /**
     * Ends every open watch cleanly, as when its {@code timeoutSeconds} expires. (client-java
     * then watches again from the last resourceVersion it saw, without a LIST: after
     * {@link #compact()} that watch gets 410 Gone and the client relists.)
     */
    public void endAllWatches() {
        store.endAll();
    }

    /**
     * Answers the next {@code n} HTTP requests (any path, discovery and watches included) with
     * {@code status} and a {@code kind: Status} body.
     */
    public void failNextRequests(int n, int status) {
        failNextRequests(n, status, "/");
    }

    /**
     * Answers the next {@code n} HTTP requests whose path starts with {@code pathPrefix} (e.g.
     * {@code "/api/v1/services"}) with {@code status}; other requests are served normally.
     */
    public void failNextRequests(int n, int status, String pathPrefix) {
        if (n < 0 || status < 400 || status > 599 || pathPrefix == null) {
            throw new IllegalArgumentException("failNextRequests needs n >= 0, a 4xx/5xx status and"
                    + " a path prefix, got " + n + ", " + status + ", " + pathPrefix);
        }
        synchronized (failRemaining) {
            failStatus = status;
            failPrefix = pathPrefix;
            failRemaining.set(n);
        }
    }

    /**
     * Bounds each resource's event history (the watch cache window, default 1000 events); a
     * watch or exact LIST from a version older than the window gets 410 Gone.
     */
    public void setWatchHistoryLimit(int events) {
        store.setHistoryLimit(events);
    }

    /** Forgets all history: the next watch (or exact LIST) from an older version gets 410 Gone. */
    public void compact() {
        store.compact();
    }

    /**
     * How often a watch with {@code allowWatchBookmarks=true} gets a BOOKMARK (default 1 minute,
     * as the real server); affects watches opened afterwards.
     */
    public void setBookmarkInterval(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("bookmark interval must be positive: " + interval);
        }
        bookmarkInterval = interval;
    }

    /**
     * How a BOOKMARK's object looks. The real API server sends an object of the watched kind that
     * holds only {@code metadata.resourceVersion} (and {@code kind}/{@code apiVersion}); for
     * built-in kinds it is Go's encoding of an empty object, so the type's fields without
     * {@code omitempty} come along as {@code null}, {@code ""} or {@code {}} (a Pod's
     * {@code "spec":{"containers":null}}, an EndpointSlice's {@code "addressType":"","endpoints":null},
     * {@code "creationTimestamp":null} in the metadata). Custom resources (ServiceImports) are
     * unstructured on the server: their bookmarks are always bare.
     */
    public enum BookmarkShape {
        /** {@code {"kind":K,"apiVersion":V,"metadata":{"resourceVersion":RV}}}. */
        BARE,
        /** Go's encoding of an empty object of the kind, as kube-apiserver writes built-in kinds. */
        GO_EMPTY_OBJECT,
        /** BARE and GO_EMPTY_OBJECT in turn (the default; deterministic: every watch starts with BARE). */
        ALTERNATE
    }

    /** The shape of the BOOKMARK objects sent from now on (default {@link BookmarkShape#ALTERNATE}). */
    public void setBookmarkShape(BookmarkShape shape) {
        bookmarkShape = Objects.requireNonNull(shape);
    }

    /** How many BOOKMARK events every watch together has been sent so far. */
    public int bookmarksSent() {
        return bookmarksSent.get();
    }

    /**
     * How the server answers a streaming list (KEP-3157 "WatchList"): a WATCH with
     * {@code sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true}.
     */
    public enum WatchListSupport {
        /**
         * Served (the default), as kube-apiserver with its {@code WatchList} feature enabled: an
         * ADDED event for every object (the state at the requested version or later), then a
         * BOOKMARK at the list's resourceVersion annotated {@code "k8s.io/initial-events-end":
         * "true"}, then the live events on the same stream. The request's options are checked
         * as kube-apiserver checks them (422 for {@code sendInitialEvents} without
         * {@code resourceVersionMatch=NotOlderThan} or without {@code allowWatchBookmarks=true},
         * or {@code resourceVersionMatch} without {@code sendInitialEvents}).
         */
        SUPPORTED,
        /**
         * Refused with 422 Invalid, as kube-apiserver with the feature gate off answers
         * ({@code ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden:
         * sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled}).
         */
        REJECTED,
        /** Refused with 400 Bad Request, as a server or proxy that refuses parameters it does not know. */
        BAD_REQUEST,
        /**
         * {@code sendInitialEvents} and {@code resourceVersionMatch} ignored, as by a server or
         * proxy that does not know them: a plain watch (no resourceVersion: the current objects
         * as ADDED events, then the live events; regular BOOKMARKs; never the initial-events-end one).
         */
        IGNORED
    }

    /** How streaming lists are answered from now on (default {@link WatchListSupport#SUPPORTED}). */
    public void setWatchList(WatchListSupport support) {
        watchList = Objects.requireNonNull(support);
    }

    /** How streaming lists are answered. */
    public WatchListSupport watchList() {
        return watchList;
    }

    /**
     * Streaming lists opened from now on stop after their initial ADDED events and hold back the
     * initial-events-end BOOKMARK (changes meanwhile queue behind it) until
     * {@link #releaseInitialEventsEnd()}; {@link #heldInitialEventsEnds()} counts the waiting ones.
     * A dropped or ended watch ({@link #dropAllWatches()}, {@link #endAllWatches()}) stops waiting.
     */
    public void holdInitialEventsEnd() {
        synchronized (initialEventsEndLock) {
            holdingInitialEventsEnd = true;
        }
    }

    /** Sends the held initial-events-end BOOKMARKs; streaming lists no longer wait. */
    public void releaseInitialEventsEnd() {
        synchronized (initialEventsEndLock) {
            holdingInitialEventsEnd = false;
            initialEventsEndLock.notifyAll();
        }
    }

    /** How many streaming lists have sent their initial events and wait for {@link #releaseInitialEventsEnd()}. */
    public int heldInitialEventsEnds() {
        synchronized (initialEventsEndLock) {
            return heldInitialEventsEnds;
        }
    }

    /**
     * Accepts only requests with {@code Authorization: Bearer T} for one of these tokens from now on
     * (others get 401 Unauthorized, as the real server answers an expired or unknown token); null or
     * an empty array: every request is accepted (the default). Open watches are not affected.
     */
    public void acceptTokens(String... tokens) {
        acceptedTokens = tokens == null || tokens.length == 0 ? null : Set.of(tokens);
    }

    /** The {@code User-Agent} headers of the requests served so far (the last 10000), in order. */
    public List<String> userAgents() {
        synchronized (requestLog) {
            return new ArrayList<>(userAgents);
        }
    }

    /**
     * How many requests so far were LISTs (GET of a collection without {@code watch}) or WATCHes
     * ({@code watch=true}, streaming lists included, whatever the answer) of a path, e.g.
     * {@code countRequests("/apis/discovery.k8s.io/v1/endpointslices", true)}. Counted from the
     * request log (the last 10000 requests).
     */
    public int countRequests(String path, boolean watch) {
        return countGets(path, query -> has(query, "watch", "true") || has(query, "watch", "1"), watch);
    }

    /**
     * How many of the WATCHes of a path ({@link #countRequests(String, boolean)}) were streaming
     * lists ({@code sendInitialEvents=true}), whatever the answer ({@link #setWatchList}).
     */
    public int countStreamingLists(String path) {
        return countGets(path, query -> (has(query, "watch", "true") || has(query, "watch", "1"))
                && has(query, "sendInitialEvents", "true"), true);
    }

    private int countGets(String path, Predicate<String> test, boolean want) {
        int n = 0;
        for (String r : requests()) {
            if (!r.startsWith("GET ")) {
                continue;
            }
            int q = r.indexOf('?');
            String p = q < 0 ? r.substring(4) : r.substring(4, q);
            String query = q < 0 ? "" : r.substring(q + 1);
            if (p.equals(path) && test.test(query) == want) {
                n++;
            }
        }
        return n;
    }

    private static boolean has(String rawQuery, String name, String value) {
        return ("&" + rawQuery + "&").contains("&" + name + "=" + value + "&");
    }

    /** The number of watches open right now. */
    public int activeWatches() {
        return store.watchCount();
    }

    /** The requests served so far (the last 10000), as {@code "GET /api/v1/services?watch=true"}. */
    public List<String> requests() {
        synchronized (requestLog) {
            return new ArrayList<>(requestLog);
        }
    }

    // ------------------------------------------------------------------------------- resources

    private static ResourceType type(String resource) {
        return ResourceType.byName(resource).orElseThrow(() -> new IllegalArgumentException(
                "unknown resource '" + resource + "'; the fake API server serves "
                        + ResourceType.ALL.stream().map(ResourceType::plural).toList()));
    }

    private static ResourceType typeOf(JsonNode obj) {
        String apiVersion = obj.path("apiVersion").asText("");
        String kind = obj.path("kind").asText("");
        return ResourceType.byApiVersionKind(apiVersion, kind).orElseThrow(() ->
                new IllegalArgumentException("no resource for apiVersion '" + apiVersion
                        + "' kind '" + kind + "'; the fake API server serves "
                        + ResourceType.ALL.stream().map(t -> t.apiVersion() + " " + t.kind()).toList()));
    }

    // ------------------------------------------------------------------------------- HTTP

    /** Thrown out of the handler to make the HTTP server close the connection abruptly. */
    private static final class AbortConnection extends RuntimeException {
        AbortConnection() {
            super("connection dropped by the fake API server", null, false, false);
        }
    }

    private record Route(ResourceType type, String namespace, String name, String subresource) {}

    private void handle(HttpExchange ex) {
        try {
            serve(ex);
        } catch (IOException e) {
            // the client went away
        }
        // Not reached for AbortConnection: the HTTP server then closes the connection without
        // the chunked body's last chunk, as a dropped connection looks to the client.
        ex.close();
    }

    private void serve(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        URI uri = ex.getRequestURI();
        String path = uri.getPath();
        String rawQuery = uri.getRawQuery();
        synchronized (requestLog) {
            requestLog.addLast(method + " " + path + (rawQuery == null ? "" : "?" + rawQuery));
            while (requestLog.size() > REQUEST_LOG_SIZE) {
                requestLog.removeFirst();
            }
            String ua = ex.getRequestHeaders().getFirst("User-Agent");
            userAgents.addLast(ua == null ? "" : ua);
            while (userAgents.size() > REQUEST_LOG_SIZE) {
                userAgents.removeFirst();
            }
        }
        byte[] body = ex.getRequestBody().readAllBytes();
        boolean fail;
        int code;
        synchronized (failRemaining) {
            fail = path.startsWith(failPrefix) && failRemaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
            code = failStatus;
        }
        if (fail) {
            send(ex, code, KubeApiException.status(code, KubeApiException.reasonFor(code),
                    "injected failure (FakeApiServer.failNextRequests)", null));
            return;
        }
        Set<String> tokens = acceptedTokens;
        if (tokens != null) {
            String auth = Optional.ofNullable(ex.getRequestHeaders().getFirst("Authorization")).orElse("");
            if (!auth.startsWith("Bearer ") || !tokens.contains(auth.substring(7).trim())) {
                send(ex, 401, KubeApiException.status(401, "Unauthorized", "Unauthorized", null));
                return;
            }
        }
        try {
            Optional<ObjectNode> doc = Discovery.document(path, "127.0.0.1:" + port);
            if (doc.isPresent()) {
                if (!method.equals("GET")) {
                    throw new KubeApiException(405, "MethodNotAllowed",
                            "the server does not allow this method on the requested resource");
                }
                send(ex, 200, doc.get());
                return;
            }
            Route r = route(path);
            Map<String, String> q = query(rawQuery);
            switch (method) {
                case "GET" -> {
                    if (r.name != null) {
                        ObjectNode o = store.get(r.type, r.namespace == null ? "" : r.namespace, r.name);
                        if (o == null) {
                            throw KubeApiException.notFound(r.type, r.name);
                        }
                        send(ex, 200, o);
                    } else if (isTrue(q.get("watch"))) {
                        watch(ex, r, q);
                    } else {
                        send(ex, 200, list(r, q));
                    }
                }
                case "POST" -> {
                    if (r.name != null) {
                        throw new KubeApiException(405, "MethodNotAllowed",
                                "the server does not allow this method on the requested resource");
                    }
                    ObjectNode in = parseObject(body);
                    if (r.type.statusSubresource()) {
                        in.remove("status");
                        if (r.type == ResourceType.PODS) {
                            in.putObject("status").put("phase", "Pending");
                        }
                    }
                    send(ex, 201, store.create(r.type, in, r.namespace));
                }
                case "PUT" -> {
                    requireName(r);
                    ObjectNode in = parseObject(body);
                    checkName(r, in);
                    boolean status = "status".equals(r.subresource);
                    send(ex, 200, store.update(r.type, in, r.namespace, status,
                            !status && r.type.statusSubresource()));
                }
                case "PATCH" -> {
                    requireName(r);
                    String ct = Optional.ofNullable(ex.getRequestHeaders().getFirst("Content-Type"))
                            .orElse("");
                    if (!ct.startsWith("application/merge-patch+json")) {
                        throw new KubeApiException(415, "UnsupportedMediaType",
                                "the body of the request was in an unknown format - accepted media"
                                        + " types include: application/merge-patch+json (the fake API"
                                        + " server implements only JSON merge patches)");
                    }
                    JsonNode patch = JSON.readTree(body);
                    boolean status = "status".equals(r.subresource);
                    ObjectNode updated;
                    synchronized (store) {
                        ObjectNode cur = store.get(r.type, r.namespace == null ? "" : r.namespace, r.name);
                        if (cur == null) {
                            throw KubeApiException.notFound(r.type, r.name);
                        }
                        JsonNode merged = Strategies.mergePatch(cur, patch);
                        if (!(merged instanceof ObjectNode mo)) {
                            throw KubeApiException.badRequest("the patch must be a JSON object");
                        }
                        checkName(r, mo);
                        updated = store.update(r.type, mo, r.namespace, status,
                                !status && r.type.statusSubresource());
                    }
                    send(ex, 200, updated);
                }
                case "DELETE" -> {
                    requireName(r);
                    send(ex, 200, store.delete(r.type, r.namespace, r.name));
                }
                default -> throw new KubeApiException(405, "MethodNotAllowed",
                        "the server does not allow this method on the requested resource");
            }
        } catch (KubeApiException e) {
            send(ex, e.code(), e.toStatus());
        } catch (JsonProcessingException e) {
            send(ex, 400, KubeApiException.status(400, "BadRequest",
                    "the body of the request is not valid JSON: " + e.getOriginalMessage(), null));
        } catch (AbortConnection | IOException e) {
            throw e;
        } catch (RuntimeException e) {
            send(ex, 500, KubeApiException.status(500, "InternalError",
                    "Internal error occurred: " + e, null));
        }
    }

    private static void requireName(Route r) {
        if (r.name == null) {
            throw new KubeApiException(405, "MethodNotAllowed",
                    "the server does not allow this method on the requested resource");
        }
    }

    private static void checkName(Route r, ObjectNode in) {
        String name = in.path("metadata").path("name").asText("");
        if (!name.equals(r.name)) {
            throw KubeApiException.badRequest("the name of the object (" + name
                    + ") does not match the name on the URL (" + r.name + ")");
        }
    }

    private static ObjectNode parseObject(byte[] body) throws IOException {
        JsonNode n = JSON.readTree(body);
        if (!(n instanceof ObjectNode o)) {
            throw KubeApiException.badRequest("Object 'Kind' is missing in the request body");
        }
        return o;
    }

    private static boolean isTrue(String s) {
        return s != null && (s.equals("true") || s.equals("1") || s.equalsIgnoreCase("true"));
    }

    private static Route route(String path) {
        String[] seg = path.replaceAll("^/+|/+$", "").split("/+");
        String group;
        String version;
        int i;
        if (seg.length >= 2 && seg[0].equals("api")) {
            group = "";
            version = seg[1];
            i = 2;
        } else if (seg.length >= 3 && seg[0].equals("apis")) {
            group = seg[1];
            version = seg[2];
            i = 3;
        } else {
            throw notFoundPath();
        }
        int n = seg.length - i;
        if (n >= 3 && seg[i].equals("namespaces")) {
            Optional<ResourceType> t = ResourceType.byGroupVersionPlural(group, version, seg[i + 2]);
            if (t.isPresent() && t.get().namespaced()) {
                if (n == 3) {
                    return new Route(t.get(), seg[i + 1], null, null);
                }
                if (n == 4) {
                    return new Route(t.get(), seg[i + 1], seg[i + 3], null);
                }
                if (n == 5 && seg[i + 4].equals("status") && t.get().statusSubresource()) {
                    return new Route(t.get(), seg[i + 1], seg[i + 3], "status");
                }
                throw notFoundPath();
            }
        }
        if (n < 1) {
            throw notFoundPath();
        }
        ResourceType t = ResourceType.byGroupVersionPlural(group, version, seg[i])
                .orElseThrow(FakeApiServer::notFoundPath);
        if (n == 1) {
            return new Route(t, null, null, null);
        }
        if (t.namespaced()) {
            throw notFoundPath();
        }
        if (n == 2) {
            return new Route(t, null, seg[i + 1], null);
        }
        if (n == 3 && seg[i + 2].equals("status") && t.statusSubresource()) {
            return new Route(t, null, seg[i + 1], "status");
        }
        throw notFoundPath();
    }

    private static KubeApiException notFoundPath() {
        return new KubeApiException(404, "NotFound", "the server could not find the requested resource",
                JSON.createObjectNode());
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            m.putIfAbsent(k, v);
        }
        return m;
    }

    private static void send(HttpExchange ex, int code, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("Cache-Control", "no-cache, private");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    // ------------------------------------------------------------------------------- LIST

    private Predicate<ObjectNode> filter(Route r, Map<String, String> q) {
        LabelSelector labels;
        FieldSelector fields;
        try {
            labels = LabelSelector.parse(q.get("labelSelector"));
            fields = FieldSelector.parse(q.get("fieldSelector"), r.type);
        } catch (IllegalArgumentException e) {
            throw KubeApiException.badRequest(e.getMessage());
        }
        String ns = r.namespace;
        return o -> (ns == null || ns.equals(o.path("metadata").path("namespace").asText()))
                && labels.matches(o) && fields.matches(r.type, o);
    }

    private ObjectNode list(Route r, Map<String, String> q) {
        Predicate<ObjectNode> matches = filter(r, q);
        String rvParam = q.getOrDefault("resourceVersion", "");
        String match = q.getOrDefault("resourceVersionMatch", "");
        String cont = q.getOrDefault("continue", "");
        int limit = parseLimit(q.get("limit"));
        boolean selectors = !q.getOrDefault("labelSelector", "").isBlank()
                || !q.getOrDefault("fieldSelector", "").isBlank();
        if (!match.isEmpty() && !match.equals("Exact") && !match.equals("NotOlderThan")) {
            throw KubeApiException.badRequest("resourceVersionMatch: Unsupported value: \"" + match
                    + "\": supported values: \"Exact\", \"NotOlderThan\"");
        }
        if (!match.isEmpty() && rvParam.isEmpty()) {
            throw KubeApiException.badRequest(
                    "resourceVersionMatch is forbidden unless resourceVersion is provided");
        }
        long listRv;
        String startKey = null;
        NavigableMap<String, ObjectNode> state;
        if (!cont.isEmpty()) {
            if (!rvParam.isEmpty()) {
                throw KubeApiException.badRequest(
                        "specifying resource version is not allowed when using continue");
            }
            long[] rvOut = new long[1];
            startKey = decodeContinue(cont, rvOut);
            listRv = rvOut[0];
            try {
                state = store.stateAt(r.type, listRv);
            } catch (KubeApiException e) {
                if (e.code() == 410) {
                    throw KubeApiException.expired("The provided continue parameter is too old to"
                            + " display a consistent list result. You can start a new list without"
                            + " the continue parameter.");
                }
                throw e;
            }
        } else if (rvParam.isEmpty() || rvParam.equals("0")) {
            if (rvParam.equals("0")) {
                limit = 0;
                if (match.equals("Exact")) {
                    throw KubeApiException.badRequest(
                            "resourceVersionMatch \"Exact\" is forbidden for resourceVersion \"0\"");
                }
            }
            synchronized (store) {
                listRv = store.resourceVersion();
                state = store.stateAt(r.type, listRv);
            }
        } else {
            long want = parseRv(rvParam);
            boolean exact = match.equals("Exact") || (match.isEmpty() && limit > 0);
            if (exact) {
                listRv = want;
                state = store.stateAt(r.type, want);
            } else {
                try {
                    if (!store.awaitVersion(want, 3000)) {
                        throw store.tooLarge(want);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw store.tooLarge(want);
                }
                synchronized (store) {
                    listRv = store.resourceVersion();
                    state = store.stateAt(r.type, listRv);
                }
            }
        }
        NavigableMap<String, ObjectNode> rest = startKey == null ? state : state.tailMap(startKey, true);
        ObjectNode out = JSON.createObjectNode();
        out.put("kind", r.type.listKind());
        out.put("apiVersion", r.type.apiVersion());
        ObjectNode meta = out.putObject("metadata");
        meta.put("resourceVersion", Long.toString(listRv));
        ArrayNode items = out.putArray("items");
        int taken = 0;
        String lastKey = null;
        boolean more = false;
        int remaining = 0;
        for (Map.Entry<String, ObjectNode> e : rest.entrySet()) {
            if (!matches.test(e.getValue())) {
                continue;
            }
            if (limit > 0 && taken >= limit) {
                more = true;
                remaining++;
                continue;
            }
            ObjectNode item = e.getValue().deepCopy();
            if (r.type.builtIn()) {
                item.remove("kind");
                item.remove("apiVersion");
            }
            items.add(item);
            taken++;
            lastKey = e.getKey();
        }
        if (more) {
            meta.put("continue", encodeContinue(listRv, lastKey + "\u0000"));
            if (!selectors) {
                meta.put("remainingItemCount", remaining);
            }
        }
        return out;
    }

    private static int parseLimit(String s) {
        if (s == null || s.isEmpty()) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(s));
        } catch (NumberFormatException e) {
            throw KubeApiException.badRequest("limit: Invalid value: \"" + s + "\": must be an integer");
        }
    }

    private static long parseRv(String s) {
        try {
            long v = Long.parseLong(s);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw KubeApiException.badRequest("resourceVersion: Invalid value: \"" + s
                    + "\": must be a non-negative integer");
        }
    }

    private static String encodeContinue(long rv, String start) {
        ObjectNode t = JSON.createObjectNode();
        t.put("v", "meta.k8s.io/v1");
        t.put("rv", rv);
        t.put("start", start);
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(t));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String decodeContinue(String token, long[] rvOut) {
        try {
            JsonNode t = JSON.readTree(Base64.getUrlDecoder().decode(token));
            if (!"meta.k8s.io/v1".equals(t.path("v").asText()) || !t.path("rv").canConvertToLong()
                    || !t.path("start").isTextual()) {
                throw new IllegalArgumentException();
            }
            rvOut[0] = t.get("rv").asLong();
            return t.get("start").asText();
        } catch (IllegalArgumentException | IOException e) {
            throw KubeApiException.badRequest("continue key is not valid: incorrect encoded start"
                    + " resourceVersion (version meta.k8s.io/v1)");
        }
    }

    // ------------------------------------------------------------------------------- WATCH

    private void watch(HttpExchange ex, Route r, Map<String, String> q) throws IOException {
        Predicate<ObjectNode> matches = filter(r, q);
        String rvParam = q.getOrDefault("resourceVersion", "");
        boolean bookmarks = isTrue(q.get("allowWatchBookmarks"));
        String sendInitial = q.get("sendInitialEvents");
        String match = q.getOrDefault("resourceVersionMatch", "");
        WatchListSupport support = watchList;
        if (support == WatchListSupport.IGNORED) {
            sendInitial = null;
            match = "";
        } else if (support == WatchListSupport.BAD_REQUEST && (sendInitial != null || !match.isEmpty())) {
            throw KubeApiException.badRequest("unsupported query parameter \""
                    + (sendInitial != null ? "sendInitialEvents" : "resourceVersionMatch") + "\" for a watch");
        }
        checkWatchOptions(sendInitial, match, bookmarks, support == WatchListSupport.SUPPORTED);
        boolean initialEvents = isTrue(sendInitial);
        // sendInitialEvents=false: from the version given, or from now (no synthetic ADDED events)
        boolean fromNow = sendInitial != null && !initialEvents && (rvParam.isEmpty() || rvParam.equals("0"));
        long timeoutSeconds = 0;
        String ts = q.get("timeoutSeconds");
        if (ts != null && !ts.isEmpty()) {
            try {
                timeoutSeconds = Long.parseLong(ts);
            } catch (NumberFormatException e) {
                throw KubeApiException.badRequest("timeoutSeconds: Invalid value: \"" + ts + "\"");
            }
        }
        if (timeoutSeconds <= 0) {
            // as the real server: no timeout asked for means --min-request-timeout (30m) to twice that
            timeoutSeconds = ThreadLocalRandom.current().nextLong(1800, 3600);
        }
        long fromRv = rvParam.isEmpty() || rvParam.equals("0") ? -1 : parseRv(rvParam);

        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.getResponseHeaders().set("Cache-Control", "no-cache, private");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        out.flush(); // the headers go out now, as the real server's do, even before any event

        ObjectStore.Subscription sub;
        long initialRv;
        try {
            if (fromRv > store.resourceVersion()) {
                try {
                    store.awaitVersion(fromRv, 3000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (store) {
                initialRv = store.resourceVersion();
                if (initialEvents && fromRv > initialRv) {
                    throw store.tooLarge(fromRv);
                }
                // initial events: the current state, which is not older than any version asked for
                sub = store.watch(r.type, initialEvents ? -1 : fromNow ? initialRv : fromRv);
            }
        } catch (KubeApiException e) {
            writeEvent(out, "ERROR", e.toStatus());
            return;
        }
        try {
            for (ObjectStore.Event e : sub.initial) {
                ObjectStore.Event v = ObjectStore.viewOf(e, matches);
                if (v != null) {
                    writeEvent(out, v.type(), v.object());
                }
            }
            if (initialEvents) {
                if (!awaitInitialEventsEnd(sub)) {
                    return;
                }
                ObjectNode bm = bookmarkObject(r.type, initialRv);
                ((ObjectNode) bm.get("metadata")).putObject("annotations")
                        .put("k8s.io/initial-events-end", "true");
                writeEvent(out, "BOOKMARK", bm);
            }
            long now = System.nanoTime();
            long deadline = now + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            long interval = bookmarkInterval.toNanos();
            long nextBookmark = nextBookmark(now, interval, deadline);
            int bookmarkNo = 0;
            while (true) {
                now = System.nanoTime();
                if (now - deadline >= 0) {
                    return;
                }
                long wait = deadline - now;
                if (bookmarks) {
                    if (now - nextBookmark >= 0) {
                        store.bookmark(sub);
                        nextBookmark = nextBookmark(now, interval, deadline);
                        if (nextBookmark - now <= 0) {
                            nextBookmark = deadline;
                        }
                    }
                    wait = Math.min(wait, Math.max(0, nextBookmark - now));
                }
                Object item = sub.queue.poll(Math.max(1, wait), TimeUnit.NANOSECONDS);
                if (item == null) {
                    continue;
                }
                if (item == ObjectStore.DROP) {
                    throw new AbortConnection();
                }
                if (item == ObjectStore.END) {
                    return;
                }
                if (item instanceof ObjectStore.Bookmark b) {
                    BookmarkShape shape = bookmarkShape;
                    boolean go = shape == BookmarkShape.GO_EMPTY_OBJECT
                            || (shape == BookmarkShape.ALTERNATE && bookmarkNo % 2 == 1);
                    bookmarkNo++;
                    // counted before the write: a test that saw the bookmark at the client must see it counted
                    bookmarksSent.incrementAndGet();
                    writeEvent(out, "BOOKMARK", go ? goEmptyObject(r.type, b.rv()) : bookmarkObject(r.type, b.rv()));
                } else if (item instanceof ObjectStore.Event e) {
                    ObjectStore.Event v = ObjectStore.viewOf(e, matches);
                    if (v != null) {
                        writeEvent(out, v.type(), v.object());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AbortConnection();
        } finally {
            store.unsubscribe(sub);
        }
    }

    /**
     * kube-apiserver's checks of a watch's {@code sendInitialEvents}/{@code resourceVersionMatch}
     * (422 {@code ListOptions.meta.k8s.io "" is invalid}); {@code gate}: its WatchList feature gate.
     */
    private static void checkWatchOptions(String sendInitial, String match, boolean bookmarks, boolean gate) {
        List<String[]> problems = new ArrayList<>();
        if (sendInitial != null) {
            if (!match.equals("NotOlderThan")) {
                problems.add(new String[] {"resourceVersionMatch",
                        "Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"});
            }
            if (!gate) {
                problems.add(new String[] {"sendInitialEvents",
                        "Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled"});
            } else if (isTrue(sendInitial) && !bookmarks) {
                problems.add(new String[] {"allowWatchBookmarks",
                        "Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true"});
            }
        }
        if (!match.isEmpty()) {
            if (sendInitial == null) {
                problems.add(new String[] {"resourceVersionMatch",
                        "Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"});
            }
            if (!match.equals("NotOlderThan")) {
                problems.add(new String[] {"resourceVersionMatch",
                        "Unsupported value: \"" + match + "\": supported values: \"NotOlderThan\""});
            }
        }
        if (!problems.isEmpty()) {
            throw KubeApiException.invalidListOptions(problems);
        }
    }

    /**
     * Waits while {@link #holdInitialEventsEnd()} holds the initial-events-end bookmark back;
     * false when the watch was ended meanwhile ({@link #endAllWatches()}).
     */
    private boolean awaitInitialEventsEnd(ObjectStore.Subscription sub) throws InterruptedException {
        synchronized (initialEventsEndLock) {
            if (!holdingInitialEventsEnd) {
                return true;
            }
            heldInitialEventsEnds++;
        }
        try {
            while (true) {
                synchronized (initialEventsEndLock) {
                    if (!holdingInitialEventsEnd) {
                        return true;
                    }
                    initialEventsEndLock.wait(50);
                }
                if (sub.queue.contains(ObjectStore.DROP)) {
                    throw new AbortConnection();
                }
                if (sub.queue.contains(ObjectStore.END)) {
                    return false;
                }
            }
        } finally {
            synchronized (initialEventsEndLock) {
                heldInitialEventsEnds--;
            }
        }
    }

    /** The next bookmark: one interval from now, but a little before the watch's deadline. */
    private static long nextBookmark(long now, long interval, long deadline) {
        long next = now + interval;
        long beforeDeadline = deadline - TimeUnit.SECONDS.toNanos(2);
        if (beforeDeadline - now > 0 && beforeDeadline - next < 0) {
            return beforeDeadline;
        }
        return next;
    }

    private static ObjectNode bookmarkObject(ResourceType type, long rv) {
        ObjectNode o = JSON.createObjectNode();
        o.put("kind", type.kind());
        o.put("apiVersion", type.apiVersion());
        o.putObject("metadata").put("resourceVersion", Long.toString(rv));
        return o;
    }

    /**
     * A bookmark as kube-apiserver encodes an empty Go object of a built-in kind: the fields
     * without {@code omitempty} are written with their zero values ({@code null} for nil slices
     * and maps and for the zero {@code metav1.Time}, {@code ""} for strings, {@code {}} for
     * structs). Custom resources are unstructured there, so their bookmark stays bare.
     */
    private static ObjectNode goEmptyObject(ResourceType type, long rv) {
        ObjectNode o = bookmarkObject(type, rv);
        if (!type.builtIn()) {
            return o;
        }
        ((ObjectNode) o.get("metadata")).putNull("creationTimestamp");
        switch (type.kind()) {
            case "EndpointSlice" -> {
                o.put("addressType", "");
                o.putNull("endpoints");
            }
            case "Pod" -> {
                o.putObject("spec").putNull("containers");
                o.putObject("status");
            }
            case "Service" -> {
                o.putObject("spec");
                o.putObject("status").putObject("loadBalancer");
            }
            case "Namespace" -> {
                o.putObject("spec");
                o.putObject("status");
            }
            default -> {
            }
        }
        return o;
    }

    private static void writeEvent(OutputStream out, String type, ObjectNode object)
            throws IOException {
        ObjectNode e = JSON.createObjectNode();
        e.put("type", type);
        e.set("object", object);
        byte[] line = JSON.writeValueAsBytes(e);
        out.write(line);
        out.write('\n');
        out.flush();
    }
}
