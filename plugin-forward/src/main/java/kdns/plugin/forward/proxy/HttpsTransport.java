package kdns.plugin.forward.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * DNS-over-HTTPS (RFC 8484) to one upstream: {@code https://IP:port/dns-query}, the query as an
 * {@code application/dns-message} body of a POST (or base64url in the {@code dns} parameter of a
 * GET), message ID 0. One JDK HTTP client per upstream, made on first use: HTTP/2 when the server
 * offers it by ALPN, else HTTP/1.1 with kept-alive connections; the client reuses its connections.
 * Nothing blocks: the reply is handed to the callback on a virtual thread.
 *
 * <p>A reply is accepted only with status 200, content type {@code application/dns-message} and a
 * body that is a DNS message with QR set, ID 0 and the query's question; anything else is an
 * upstream error (the next upstream is tried, as after a timeout).
 */
final class HttpsTransport {

    /** RFC 8484's media type. */
    static final String MEDIA_TYPE = "application/dns-message";
    /** CoreDNS's fixed path. */
    static final String PATH = "/dns-query";
    private static final int MAX_MESSAGE = 65535;
    /** Connecting (TCP and TLS handshake) is bounded by each attempt's own timeout as well. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Executor VIRTUAL = task -> Thread.ofVirtual().name("forward-https").start(task);

    private final Upstream upstream;
    private final URI uri;
    private final TlsSettings tls;
    private final boolean get;
    private HttpClient client; // guarded by this
    private boolean closed; // guarded by this

    HttpsTransport(Upstream upstream, InetSocketAddress address, TlsSettings tls, boolean get) {
        this.upstream = upstream;
        String ip = address.getAddress().getHostAddress();
        this.uri = URI.create("https://" + (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + address.getPort()
                + PATH);
        this.tls = tls;
        this.get = get;
    }

    URI uri() {
        return uri;
    }

    String method() {
        return get ? "GET" : "POST";
    }

    private synchronized HttpClient client() throws IOException {
        if (closed) {
            throw new IOException("proxy: transport stopped");
        }
        if (client == null) {
            SSLContext ctx = tls.httpsContext();
            client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_2)
                    .sslContext(ctx)
                    .sslParameters(tls.parameters(ctx.getDefaultSSLParameters()))
                    .connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .proxy(HttpClient.Builder.NO_PROXY)
                    .executor(VIRTUAL)
                    .build();
        }
        return client;
    }

    /** Closes the client and its connections; later exchanges fail at once. */
    void close() {
        HttpClient c;
        synchronized (this) {
            closed = true;
            c = client;
            client = null;
        }
        if (c != null) {
            c.shutdownNow();
        }
    }

    /**
     * Sends {@code wire} (its ID is replaced by 0) and calls back on a virtual thread with the reply
     * or an error; the attempt is given up after {@code timeoutNanos}.
     */
    void exchange(byte[] wire, long timeoutNanos, ReplyCallback callback) {
        byte[] query = wire.clone();
        query[0] = 0;
        query[1] = 0;
        CompletableFuture<HttpResponse<byte[]>> sent;
        try {
            sent = client().sendAsync(request(query, timeoutNanos), BODY);
        } catch (IOException | RuntimeException e) {
            IOException io = e instanceof IOException x ? x : new IOException(e.toString(), e);
            VIRTUAL.execute(() -> callback.error(io));
            return;
        }
        AtomicBoolean done = new AtomicBoolean();
        ScheduledFuture<?> timer = ForwardTimer.after(timeoutNanos, () -> {
            if (done.compareAndSet(false, true)) {
                sent.cancel(true);
                VIRTUAL.execute(() -> callback.error(timeout()));
            }
        });
        sent.whenCompleteAsync((response, failure) -> {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            timer.cancel(false);
            Message reply;
            try {
                reply = reply(response, failure, query);
            } catch (IOException e) {
                callback.error(e);
                return;
            }
            callback.reply(reply);
        }, VIRTUAL);
    }

    /**
     * A health check: the query's reply, blocking for up to {@code timeoutNanos} (on the health
     * check's virtual thread). Any DNS message in a 200 {@code application/dns-message} reply is
     * healthy.
     */
    void check(byte[] wire, long timeoutNanos) throws IOException {
        byte[] query = wire.clone();
        query[0] = 0;
        query[1] = 0;
        CompletableFuture<HttpResponse<byte[]>> sent = client().sendAsync(request(query, timeoutNanos),
                BODY);
        HttpResponse<byte[]> response;
        try {
            response = sent.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            sent.cancel(true);
            throw timeout();
        } catch (InterruptedException e) {
            sent.cancel(true);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        }
        new Message(body(response));
    }

    private HttpRequest request(byte[] query, long timeoutNanos) {
        HttpRequest.Builder b;
        if (get) {
            String dns = Base64.getUrlEncoder().withoutPadding().encodeToString(query);
            b = HttpRequest.newBuilder(URI.create(uri + "?dns=" + dns)).GET();
        } else {
            b = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(query))
                    .header("Content-Type", MEDIA_TYPE);
        }
        return b.header("Accept", MEDIA_TYPE)
                .timeout(Duration.ofNanos(Math.max(timeoutNanos, 1_000_000L)))
                .build();
    }

    private SocketTimeoutException timeout() {
        return new SocketTimeoutException(method() + " " + uri + ": i/o timeout");
    }

    /** The reply in {@code response}, or why there is none. */
    private Message reply(HttpResponse<byte[]> response, Throwable failure, byte[] query) throws IOException {
        if (failure != null) {
            throw failure(failure);
        }
        Message reply;
        try {
            reply = new Message(body(response));
        } catch (IOException e) {
            throw new IOException(method() + " " + uri + ": reply is not a DNS message: " + Upstream.describe(e), e);
        }
        if (reply.getHeader().getID() != 0) {
            throw new IOException(method() + " " + uri + ": reply has ID " + reply.getHeader().getID()
                    + ", the query had 0");
        }
        Record asked = new Message(query).getQuestion();
        Record got = reply.getQuestion();
        if (!reply.getHeader().getFlag(Flags.QR) || reply.getSection(Section.QUESTION).size() != 1
                || got == null || asked == null || got.getType() != asked.getType()
                || !got.getName().equals(asked.getName())) {
            throw new IOException(method() + " " + uri + ": reply does not answer the query's question");
        }
        return reply;
    }

    /** The DNS message of a 200 {@code application/dns-message} reply. */
    private byte[] body(HttpResponse<byte[]> response) throws IOException {
        int status = response.statusCode();
        if (status != 200) {
            throw new IOException(method() + " " + uri + ": HTTP status " + status);
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!isDnsMessage(type)) {
            throw new IOException(method() + " " + uri + ": content type '" + type + "', not " + MEDIA_TYPE);
        }
        byte[] body = response.body();
        if (body == null) {
            throw new IOException(method() + " " + uri + ": reply larger than " + MAX_MESSAGE + " bytes");
        }
        return body;
    }

    private IOException failure(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof CancellationException) {
            return timeout();
        }
        String why = t instanceof IOException io ? Upstream.describe(io) : t.toString();
        if (t instanceof ConnectException) {
            ConnectException c = new ConnectException(method() + " " + uri + ": " + why);
            c.initCause(t);
            return c;
        }
        return new IOException(method() + " " + uri + ": " + why, t);
    }

    /** {@code application/dns-message}, any case, parameters allowed. */
    static boolean isDnsMessage(String contentType) {
        int semi = contentType.indexOf(';');
        String media = (semi >= 0 ? contentType.substring(0, semi) : contentType).strip();
        return media.toLowerCase(Locale.ROOT).equals(MEDIA_TYPE);
    }

    /**
     * Reads the body only of a 200 {@code application/dns-message} reply, and at most 65535 bytes
     * of it (null when there is more); other bodies are discarded.
     */
    private static final HttpResponse.BodyHandler<byte[]> BODY = info -> {
        HttpHeaders h = info.headers();
        if (info.statusCode() != 200 || !isDnsMessage(h.firstValue("Content-Type").orElse(""))) {
            return HttpResponse.BodySubscribers.replacing(null);
        }
        return new LimitedBody(MAX_MESSAGE);
    };

    /** Collects a body of up to {@code max} bytes; a longer one is cut off and yields null. */
    private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        private Flow.Subscription subscription;

        LimitedBody(int max) {
            this.max = max;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if (out.size() + b.remaining() > max) {
                    subscription.cancel();
                    result.complete(null);
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                out.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }
}
