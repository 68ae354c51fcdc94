package kdns.plugin.kubernetes.watch;

import com.google.gson.JsonObject;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.Pair;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.Config;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.credentials.ClientCertificateAuthentication;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import kdns.api.Log;
import kdns.api.MetricsRegistry;
import kdns.plugin.kubernetes.ConnectionSettings;
import kdns.plugin.kubernetes.spi.KubernetesApi;
import kdns.plugin.kubernetes.spi.WatchCalls;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.Call;
import okhttp3.ConnectionSpec;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The connection to the API server, configured the way CoreDNS builds its rest config:
 * {@code kubeconfig FILE [CONTEXT]} first, else {@code endpoint URL} (with {@code tls CERT KEY CACERT}),
 * else the in-cluster service account (token and CA under /var/run/secrets/kubernetes.io/serviceaccount
 * and KUBERNETES_SERVICE_HOST/PORT). Adds the client-side rate limit ({@code apiserver_qps},
 * {@code apiserver_burst}), the in-flight cap ({@code apiserver_max_inflight}) and CoreDNS's REST
 * client metrics as an OkHttp interceptor. No network traffic happens here.
 *
 * <p>kdns builds its requests itself ({@link #get}). When the credentials are at most a bearer token
 * (literal or from a file, the in-cluster one included) and the server is trusted through a CA
 * bundle or the JDK's trust store, the connection is a plain OkHttp client made here: the official
 * client's {@code ApiClient} is not made at all (its {@code JSON} class creates about 700 type
 * adapter factories, and it loads the JDK's trust store even for a plain-HTTP server or a cluster
 * CA: about 0.3 s of a start and 2-3 MiB of class metadata). Any other credentials (client
 * certificates, {@code exec}, auth providers, user name and password, {@code insecure-skip-tls-verify},
 * {@code tls CERT KEY CACERT}) go through client-java's {@code ApiClient}, which applies them.
 */
public final class ApiConnection implements KubernetesApi {

    /** What the generated request builders send as {@code Accept} (the first JSON type of their list). */
    private static final String ACCEPT = "application/json";
    /** The cluster and user fields the plain client handles; anything else goes through client-java. */
    private static final Set<String> PLAIN_CLUSTER_KEYS = Set.of("server", "certificate-authority",
            "certificate-authority-data");
    private static final Set<String> PLAIN_USER_KEYS = Set.of("token", "tokenFile");

    /** client-java's client when it applies the credentials, else null (kdns's own OkHttp client). */
    private final ApiClient client;
    private final OkHttpClient http;
    private final String basePath;
    private final String host;
    private final Limits limits;
    private final ApiMetrics apiMetrics;
    private final String userAgent;
    /** Resources whose streaming lists this server refused or ignored, with why (kept for the connection's life). */
    private final ConcurrentHashMap<String, String> notStreamed;

    private ApiConnection(ApiClient client, OkHttpClient http, String basePath, Limits limits, ApiMetrics apiMetrics,
                          String userAgent, ConcurrentHashMap<String, String> notStreamed) {
        this.client = client;
        this.http = http;
        this.basePath = basePath;
        this.limits = limits;
        this.apiMetrics = apiMetrics;
        this.userAgent = userAgent;
        this.notStreamed = notStreamed;
        HttpUrl url = HttpUrl.parse(basePath);
        this.host = url == null ? basePath : url.host() + ":" + url.port();
    }

    /**
     * This connection with another HTTP client (for tests that answer requests without a server);
     * the requests of {@link #get} and {@link #http} then go through {@code other}.
     */
    ApiConnection withHttpClient(OkHttpClient other) {
        if (client != null) {
            client.setHttpClient(other);
        }
        return new ApiConnection(client, other, basePath, limits, apiMetrics, userAgent, notStreamed);
    }

    /** Whether client-java's {@code ApiClient} applies this connection's credentials (else kdns's own client). */
    boolean throughApiClient() {
        return client != null;
    }

    @Override
    public Call get(String path, Map<String, String> query) throws ApiException {
        if (client != null) {
            // the generated builders' way: the client adds its credentials (authentication "BearerToken")
            List<Pair> pairs = new ArrayList<>();
            query.forEach((k, v) -> {
                if (v != null) {
                    pairs.add(new Pair(k, v));
                }
            });
            Map<String, String> headers = new HashMap<>();
            headers.put("Accept", ACCEPT);
            return client.buildCall(basePath, path, "GET", pairs, new ArrayList<>(), null, headers,
                    new HashMap<>(), new HashMap<>(), new String[] {"BearerToken"}, null);
        }
        HttpUrl url = HttpUrl.parse(basePath + path);
        if (url == null) {
            throw new ApiException("invalid API URL " + basePath + path);
        }
        HttpUrl.Builder b = url.newBuilder();
        query.forEach((k, v) -> {
            if (v != null) {
                b.addQueryParameter(k, v);
            }
        });
        return http.newCall(new Request.Builder().url(b.build()).header("Accept", ACCEPT).get().build());
    }

    /** The HTTP client of every request, with the User-Agent, credentials, limits and metrics. */
    OkHttpClient http() {
        return http;
    }

    /** The API server's {@code host:port}, the {@code host} label of the REST client metrics. */
    @Override
    public String host() {
        return host;
    }

    @Override
    public <T> SharedIndexInformer<?> informer(String resource, WatchCalls.PageCall pages, WatchCalls.WatchCall watch,
                                               Function<JsonObject, T> decode, Function<T, Object> convert,
                                               BiConsumer<Object, Object> put,
                                               BiConsumer<Object, V1ObjectMeta> remove,
                                               Consumer<Throwable> errors, Log log) {
        return SlimInformers.create(this, resource, pages, watch, decode, convert, put, remove, errors, log);
    }

    /** The LIST/WATCH counters by resource. */
    ApiMetrics apiMetrics() {
        return apiMetrics;
    }

    /**
     * Why the API server does not stream lists of {@code resource} (it refused or ignored
     * {@code sendInitialEvents}), or null while it is not known not to: then informers try a
     * streaming list first.
     */
    String notStreamed(String resource) {
        return notStreamed.get(resource);
    }

    /** Remembers that lists of {@code resource} are not streamed by this server; true the first time. */
    boolean notStreamed(String resource, String why) {
        return notStreamed.putIfAbsent(resource, why) == null;
    }

    /** The {@code User-Agent} of every request, e.g. {@code kdns/0.1.0 (linux/amd64) kubernetes}. */
    public String userAgent() {
        return userAgent;
    }

    /**
     * {@code kdns/<version> (<os>/<arch>) <component>}, the shape of client-go's default user agent
     * ({@code kube-controller-manager/v1.31.0 (linux/amd64) kubernetes/abc123}), so the API
     * server's audit log and its per-user-agent request metrics name kdns.
     *
     * @param serverVersion {@code kdns-0.1.0} ({@link kdns.api.Instance#serverVersion()}) or just the version
     * @param component     the plugin, {@code kubernetes} or {@code multicluster}
     */
    public static String userAgent(String serverVersion, String component) {
        String v = serverVersion == null || serverVersion.isBlank() ? "unknown" : serverVersion.strip();
        if (v.startsWith("kdns-")) {
            v = v.substring(5);
        }
        String os = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            os = "windows";
        } else if (os.startsWith("mac")) {
            os = "darwin";
        }
        String arch = switch (System.getProperty("os.arch", "unknown")) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> System.getProperty("os.arch", "unknown");
        };
        return "kdns/" + v + " (" + os.replaceAll("\\s+", "") + "/" + arch + ") " + component;
    }

    /** Runs {@code r} after every successful (2xx) API response, e.g. to log a recovery. */
    public void onSuccess(Runnable r) {
        limits.onSuccess = r;
    }

    /** The client for this configuration, its user agent {@code kdns/unknown (os/arch) kubernetes}. */
    public static ApiConnection create(ConnectionSettings config, MetricsRegistry metrics) throws IOException {
        return create(config, metrics, userAgent(null, "kubernetes"));
    }

    /** The client for this configuration, sending {@code userAgent} (see {@link #userAgent(String, String)}). */
    public static ApiConnection create(ConnectionSettings config, MetricsRegistry metrics, String userAgent)
            throws IOException {
        if (config.kubeconfig() != null) {
            Path file = Path.of(config.kubeconfig());
            if (!Files.isReadable(file)) {
                throw new IOException("kubeconfig " + file + " is not a readable file");
            }
            KubeConfig kc;
            try (Reader r = Files.newBufferedReader(file)) {
                kc = KubeConfig.loadKubeConfig(r);
            } catch (RuntimeException e) {
                throw new IOException("invalid kubeconfig " + file + ": " + e.getMessage(), e);
            }
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                kc.setFile(dir.resolve(file.getFileName()).toFile());
            }
            if (config.kubeContext() != null && !kc.setContext(config.kubeContext())) {
                throw new IOException("context \"" + config.kubeContext() + "\" does not exist in " + file);
            }
            if (kc.getServer() == null) {
                throw new IOException("kubeconfig " + file + " names no server for its current context");
            }
            Path tokenFile = userTokenFile(kc, dir);
            TokenFile tokens = tokenFile == null ? null : new TokenFile(tokenFile);
            Map<?, ?> user = current(kc.getUsers(), contextField(kc, "user"), "user");
            Map<?, ?> cluster = current(kc.getClusters(), contextField(kc, "cluster"), "cluster");
            if (cluster != null && PLAIN_CLUSTER_KEYS.containsAll(cluster.keySet())
                    && (user == null || PLAIN_USER_KEYS.containsAll(user.keySet()))) {
                byte[] ca = kc.getDataOrFileRelative(kc.getCertificateAuthorityData(),
                        kc.getCertificateAuthorityFile());
                String token = user == null || !(user.get("token") instanceof String t) || t.isBlank() ? null : t;
                return plain(kc.getServer(), ca, token, tokens, config, metrics, userAgent);
            }
            return finish(ClientBuilder.kubeconfig(kc).build(), config, metrics, userAgent, tokens);
        } else if (config.endpoint() != null) {
            if (config.tls().size() == 3) {
                ClientBuilder b = new ClientBuilder().setBasePath(config.endpoint());
                byte[] cert = Files.readAllBytes(Path.of(config.tls().get(0)));
                byte[] key = Files.readAllBytes(Path.of(config.tls().get(1)));
                b.setAuthentication(new ClientCertificateAuthentication(cert, key));
                b.setCertificateAuthority(Files.readAllBytes(Path.of(config.tls().get(2))));
                return finish(b.build(), config, metrics, userAgent, null);
            }
            return plain(config.endpoint(), null, null, null, config, metrics, userAgent);
        }
        String h = System.getenv("KUBERNETES_SERVICE_HOST");
        String p = System.getenv("KUBERNETES_SERVICE_PORT");
        if (h == null || h.isEmpty() || p == null || p.isEmpty()) {
            throw new IOException("unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and "
                    + "KUBERNETES_SERVICE_PORT must be defined (or use 'kubeconfig' or 'endpoint')");
        }
        String base;
        try {
            base = new HttpUrl.Builder().scheme("https").host(h).port(Integer.parseInt(p)).build().toString();
        } catch (IllegalArgumentException e) {
            throw new IOException("invalid in-cluster API address " + h + ":" + p + ": " + e.getMessage(), e);
        }
        byte[] ca = Files.readAllBytes(Path.of(Config.SERVICEACCOUNT_CA_PATH));
        return plain(base, ca, null, new TokenFile(Path.of(Config.SERVICEACCOUNT_TOKEN_PATH)), config, metrics,
                userAgent);
    }

    /** The current context's {@code field} ({@code cluster} or {@code user}), or null. */
    private static String contextField(KubeConfig kc, String field) {
        Map<?, ?> ctx = current(kc.getContexts(), kc.getCurrentContext(), "context");
        return ctx != null && ctx.get(field) instanceof String v ? v : null;
    }

    /** The {@code key} map of the entry named {@code name} in a kubeconfig list, or null. */
    private static Map<?, ?> current(List<Object> entries, String name, String key) {
        if (name == null || entries == null) {
            return null;
        }
        for (Object o : entries) {
            if (o instanceof Map<?, ?> entry && name.equals(entry.get("name")) && entry.get(key) instanceof Map<?, ?> m) {
                return m;
            }
        }
        return null;
    }

    /**
     * kdns's own client for {@code basePath}: the servers of {@code ca} (PEM certificates) trusted,
     * else the JDK's trust store (never loaded for a plain-HTTP server); a literal bearer
     * {@code token} or a token file's. As client-java's client builder: HTTP/2 or 1.1, a ping every
     * minute, no read timeout (watches stay open).
     */
    private static ApiConnection plain(String basePath, byte[] ca, String token, TokenFile tokens,
                                       ConnectionSettings config, MetricsRegistry metrics, String userAgent)
            throws IOException {
        String base = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
        HttpUrl url = HttpUrl.parse(base);
        if (url == null) {
            throw new IOException("invalid API server URL " + basePath);
        }
        OkHttpClient.Builder b = new OkHttpClient.Builder()
                .protocols(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1))
                .pingInterval(Duration.ofMinutes(1));
        if (!url.isHttps()) {
            b.connectionSpecs(List.of(ConnectionSpec.CLEARTEXT));
        } else if (ca != null) {
            X509TrustManager trust = trustManager(ca);
            try {
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[] {trust}, null);
                b.sslSocketFactory(ctx.getSocketFactory(), trust);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot set up TLS: " + e.getMessage(), e);
            }
        }
        if (token != null) {
            String header = "Bearer " + token;
            b.addInterceptor(chain -> chain.proceed(chain.request().newBuilder().header("Authorization", header)
                    .build()));
        }
        return finish(null, b, base, config, metrics, userAgent, tokens);
    }

    /** A trust manager that trusts the certificates of a PEM bundle (and nothing else). */
    static X509TrustManager trustManager(byte[] pem) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem))) {
                store.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new IOException("the certificate authority data holds no certificate");
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(store);
            for (TrustManager m : f.getTrustManagers()) {
                if (m instanceof X509TrustManager x) {
                    return x;
                }
            }
            throw new IOException("no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new IOException("invalid certificate authority data: " + e.getMessage(), e);
        }
    }

    /**
     * The {@code tokenFile} of the current context's user, resolved against the kubeconfig's
     * directory, or null when the user has none or a literal {@code token} (which wins, as in
     * client-go). The client reads that file once when it is built; kdns re-reads it as it does the
     * in-cluster token, so a kubeconfig that points at a projected, rotated token keeps working.
     */
    static Path userTokenFile(KubeConfig kc, Path dir) {
        String user = null;
        for (Object o : kc.getContexts() == null ? List.of() : kc.getContexts()) {
            if (o instanceof Map<?, ?> ctx && Objects.equals(ctx.get("name"), kc.getCurrentContext())
                    && ctx.get("context") instanceof Map<?, ?> c && c.get("user") instanceof String u) {
                user = u;
            }
        }
        if (user == null) {
            return null;
        }
        for (Object o : kc.getUsers() == null ? List.of() : kc.getUsers()) {
            if (o instanceof Map<?, ?> entry && user.equals(entry.get("name"))
                    && entry.get("user") instanceof Map<?, ?> u) {
                if (u.get("token") != null || !(u.get("tokenFile") instanceof String file) || file.isBlank()) {
                    return null;
                }
                Path p = Path.of(file);
                return p.isAbsolute() || dir == null ? p : dir.resolve(p);
            }
        }
        return null;
    }

    /**
     * A connection to {@code basePath} authenticated like the in-cluster configuration, with the
     * bearer token of {@code tokenFile} (for tests: the in-cluster paths are fixed).
     */
    static ApiConnection withTokenFile(String basePath, Path tokenFile, ConnectionSettings config,
                                       MetricsRegistry metrics, String userAgent) throws IOException {
        return plain(basePath, null, null, new TokenFile(tokenFile), config, metrics, userAgent);
    }

    private static ApiConnection finish(ApiClient client, ConnectionSettings config, MetricsRegistry metrics,
                                        String userAgent, TokenFile tokens) {
        client.setUserAgent(userAgent);
        return finish(client, client.getHttpClient().newBuilder(), client.getBasePath(), config, metrics, userAgent,
                tokens);
    }

    /** Adds the User-Agent, the token file's token, the limits and metrics to every request of {@code http}. */
    private static ApiConnection finish(ApiClient client, OkHttpClient.Builder http, String basePath,
                                        ConnectionSettings config, MetricsRegistry metrics, String userAgent,
                                        TokenFile tokens) {
        Limits limits = new Limits(config, metrics);
        http.readTimeout(0, TimeUnit.MILLISECONDS)
                // every request, whoever builds it (the generated APIs set the client's default header)
                .addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
                        .header("User-Agent", userAgent).build()));
        if (tokens != null) {
            http.addInterceptor(tokens);
        }
        http.addInterceptor(limits);
        OkHttpClient built = http.build();
        if (client != null) {
            client.setHttpClient(built);
        }
        return new ApiConnection(client, built, basePath, limits, new ApiMetrics(metrics), userAgent,
                new ConcurrentHashMap<>());
    }

    /**
     * The service-account token as a bearer token, read again whenever the file changes and after a
     * 401. The kubelet rotates a projected token (about hourly) by writing a new file and swapping
     * the {@code ..data} symlink; the client's own token authentication re-reads the file only once a
     * minute, so a server that already refuses the old token would answer 401 until then. A stat of
     * the resolved file per request is cheap next to the request (kdns makes few: lists and watches).
     * A 401 with a token that turns out to have changed is retried once with the new one.
     */
    static final class TokenFile implements Interceptor {
        private final Path path;
        private String token;
        private Object stamp;

        TokenFile(Path path) throws IOException {
            this.path = path;
            if (current(true) == null) {
                throw new IOException("cannot read the bearer token file " + path);
            }
        }

        private synchronized String current(boolean force) {
            try {
                Path real = path.toRealPath();
                BasicFileAttributes a = Files.readAttributes(real,
                        BasicFileAttributes.class);
                Object s = Arrays.asList(real.toString(), a.lastModifiedTime(), a.size(), a.fileKey());
                if (force || token == null || !s.equals(stamp)) {
                    String t = Files.readString(real).trim();
                    if (!t.isEmpty()) {
                        token = t;
                        stamp = s;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // in the middle of a swap, or gone: keep the last token
            }
            return token;
        }

        @Override
        public Response intercept(Chain chain) throws IOException {
            String used = current(false);
            Response resp = chain.proceed(withToken(chain.request(), used));
            if (resp.code() == 401) {
                String fresh = current(true);
                if (fresh != null && !fresh.equals(used)) {
                    resp.close();
                    return chain.proceed(withToken(chain.request(), fresh));
                }
            }
            return resp;
        }

        private static Request withToken(Request r, String token) {
            return token == null ? r : r.newBuilder().header("Authorization", "Bearer " + token).build();
        }
    }

    /** Rate limit, in-flight cap and metrics around every API request. */
    private static final class Limits implements Interceptor {
        private final Semaphore inflight;
        private final double qps;
        private final int burst;
        private double tokens;
        private long last = System.nanoTime();
        private final Histogram requestDuration;
        private final Histogram rateLimiterDuration;
        private final Counter requests;
        volatile Runnable onSuccess = () -> { };

        Limits(ConnectionSettings config, MetricsRegistry metrics) {
            this.inflight = config.apiserverMaxInflight() > 0 ? new Semaphore(config.apiserverMaxInflight(), true) : null;
            this.qps = config.apiserverQps();
            this.burst = Math.max(1, config.apiserverBurst() > 0 ? config.apiserverBurst() : (int) Math.ceil(qps));
            this.tokens = burst;
            double[] buckets = MetricsRegistry.timeBuckets();
            this.requestDuration = metrics.histogram("coredns_kubernetes_rest_client_request_duration_seconds",
                    "Request latency in seconds. Broken down by verb and host.", buckets, "verb", "host");
            this.rateLimiterDuration = metrics.histogram(
                    "coredns_kubernetes_rest_client_rate_limiter_duration_seconds",
                    "Client side rate limiter latency in seconds. Broken down by verb and host.", buckets, "verb",
                    "host");
            this.requests = metrics.counter("coredns_kubernetes_rest_client_requests_total",
                    "Number of HTTP requests, partitioned by status code, method, and host.", "code", "method", "host");
        }

        @Override
        public Response intercept(Chain chain) throws IOException {
            Request req = chain.request();
            String host = req.url().host() + ":" + req.url().port();
            String verb = req.url().queryParameter("watch") != null ? "WATCH" : req.method();
            long start = System.nanoTime();
            waitForToken();
            rateLimiterDuration.labelValues(verb, host).observe((System.nanoTime() - start) / 1e9);
            boolean acquired = false;
            try {
                if (inflight != null) {
                    inflight.acquire();
                    acquired = true;
                }
                long t0 = System.nanoTime();
                Response resp;
                try {
                    resp = chain.proceed(req);
                } catch (IOException e) {
                    requests.labelValues("<error>", req.method(), host).inc();
                    throw e;
                }
                requestDuration.labelValues(verb, host).observe((System.nanoTime() - t0) / 1e9);
                requests.labelValues(Integer.toString(resp.code()), req.method(), host).inc();
                if (resp.isSuccessful()) {
                    onSuccess.run();
                }
                return resp;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for an API request slot", e);
            } finally {
                if (acquired) {
                    inflight.release();
                }
            }
        }

        private void waitForToken() throws IOException {
            if (qps <= 0) {
                return;
            }
            long sleepNanos;
            synchronized (this) {
                long now = System.nanoTime();
                tokens = Math.min(burst, tokens + (now - last) / 1e9 * qps);
                last = now;
                tokens -= 1;
                sleepNanos = tokens >= 0 ? 0 : (long) (-tokens / qps * 1e9);
            }
            if (sleepNanos > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(sleepNanos));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted by the client rate limiter", e);
                }
            }
        }
    }
}
