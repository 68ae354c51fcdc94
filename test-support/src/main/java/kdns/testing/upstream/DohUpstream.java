package kdns.testing.upstream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import kdns.testing.upstream.ScriptedUpstream.Script;
import kdns.testing.upstream.ScriptedUpstream.Via;
import org.xbill.DNS.Message;

/**
 * A DNS-over-HTTPS (RFC 8484) upstream for forward tests on the JDK's HTTPS server: HTTP/1.1 only
 * (an HTTP/2 client falls back to it), {@code /dns-query} on a free port of 127.0.0.1, POST with an
 * {@code application/dns-message} body or GET with {@code ?dns=} base64url. The DNS answer comes
 * from a {@link Script} (which sees {@link Via#TLS}); a {@link Fault} can replace the HTTP reply
 * (status, content type, body). Every request is recorded; {@link #stop()} and {@link #restart()}
 * kill the server and bring it back on the same port.
 */
public final class DohUpstream extends ScriptedServer<DohUpstream.Request> {

    /** RFC 8484's media type. */
    public static final String MEDIA_TYPE = "application/dns-message";

    /** One HTTP request as received; {@code query} is null when no DNS message could be read. */
    public record Request(String method, String path, String contentType, String accept, Message query,
                          String remote) {
        /** The query name as sent (case kept), or null. */
        public String name() {
            return query == null || query.getQuestion() == null ? null : query.getQuestion().getName().toString();
        }
    }

    /** The HTTP reply to send. */
    public record Reply(int status, String contentType, byte[] body) {
    }

    /** Replaces the normal reply: gets the query and the script's answer in wire form (or null). */
    @FunctionalInterface
    public interface Fault {
        Reply reply(Message query, byte[] answer);
    }

    private final SSLContext tls;
    private final boolean needClientAuth;
    private final Set<String> clients = ConcurrentHashMap.newKeySet();
    private volatile Fault fault;
    private HttpsServer server;
    private ExecutorService executor;

    private DohUpstream(int port, SSLContext tls, boolean needClientAuth) {
        super(port, Request::name);
        this.tls = tls;
        this.needClientAuth = needClientAuth;
    }

    /** Serves with this server context (see {@link TestCertificate}); every A query gets 192.0.2.1. */
    public static DohUpstream start(SSLContext context) throws IOException {
        return start(context, false);
    }

    /** As {@link #start(SSLContext)}; with {@code needClientAuth} clients must present a trusted certificate. */
    public static DohUpstream start(SSLContext context, boolean needClientAuth) throws IOException {
        DohUpstream u = new DohUpstream(FreePorts.tcpAndUdp(), context, needClientAuth);
        u.open();
        return u;
    }

    // ---- faults ----------------------------------------------------------------------------

    /** Every request gets this status (and a text body). */
    public static Fault status(int status) {
        return (q, a) -> new Reply(status, "text/plain", ("status " + status + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The script's answer, with this content type. */
    public static Fault contentType(String type) {
        return (q, a) -> new Reply(200, type, a);
    }

    /** Status 200 and the right content type, but a body that is not a DNS message. */
    public static Fault garbage() {
        return (q, a) -> new Reply(200, MEDIA_TYPE, "<html>not dns</html>".getBytes(StandardCharsets.UTF_8));
    }

    // ---- control ---------------------------------------------------------------------------

    /** Replaces every reply (null: normal replies again). */
    public void fault(Fault f) {
        this.fault = f;
    }

    /** Every request received so far (health checks included). */
    public List<Request> requests() {
        return received.all();
    }

    /** Requests for {@code name} (case-insensitive, fully qualified). */
    public List<Request> requests(String name) {
        return received.named(name);
    }

    public void clearRequests() {
        received.clear();
        clients.clear();
    }

    /** Distinct client connections (remote address and port) seen since the last clear. */
    public int clientConnections() {
        return clients.size();
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public synchronized boolean running() {
        return server != null;
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    synchronized void open() throws IOException {
        bindRetrying(at -> {
            HttpsServer s = HttpsServer.create(at, 50);
            s.setHttpsConfigurator(new HttpsConfigurator(tls) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters p = tls.getDefaultSSLParameters();
                    p.setNeedClientAuth(needClientAuth);
                    params.setSSLParameters(p);
                }
            });
            s.createContext("/", this::handle);
            ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor();
            s.setExecutor(ex);
            s.start();
            server = s;
            executor = ex;
        });
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            clients.add(String.valueOf(ex.getRemoteAddress()));
            URI uri = ex.getRequestURI();
            String method = ex.getRequestMethod();
            byte[] wire = null;
            if (method.equals("POST")) {
                try (InputStream in = ex.getRequestBody()) {
                    wire = in.readAllBytes();
                }
            } else if (method.equals("GET") && uri.getRawQuery() != null) {
                for (String kv : uri.getRawQuery().split("&")) {
                    if (kv.startsWith("dns=")) {
                        try {
                            wire = Base64.getUrlDecoder().decode(kv.substring(4));
                        } catch (IllegalArgumentException e) {
                            wire = null;
                        }
                    }
                }
            }
            Message query = null;
            if (wire != null) {
                try {
                    query = new Message(wire);
                } catch (IOException e) {
                    query = null;
                }
            }
            received.add(new Request(method, uri.getPath(), ex.getRequestHeaders().getFirst("Content-Type"),
                    ex.getRequestHeaders().getFirst("Accept"), query, String.valueOf(ex.getRemoteAddress())));
            if (!uri.getPath().equals("/dns-query")) {
                send(ex, new Reply(404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8)));
                return;
            }
            if (query == null) {
                send(ex, new Reply(400, "text/plain", "no DNS query\n".getBytes(StandardCharsets.UTF_8)));
                return;
            }
            byte[] answer;
            try {
                Message a = script().answer(query, Via.TLS);
                answer = a == null ? null : a.toWire(65535);
            } catch (RuntimeException e) {
                answer = null;
            }
            long d = delay().toMillis();
            if (d > 0) {
                try {
                    Thread.sleep(d);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            Fault f = fault;
            if (f != null) {
                send(ex, f.reply(query, answer));
            } else if (answer == null) {
                send(ex, new Reply(500, "text/plain", "no answer\n".getBytes(StandardCharsets.UTF_8)));
            } else {
                send(ex, new Reply(200, MEDIA_TYPE, answer));
            }
        }
    }

    private void send(HttpExchange ex, Reply r) throws IOException {
        byte[] body = r.body() == null ? new byte[0] : r.body();
        if (r.contentType() != null) {
            ex.getResponseHeaders().set("Content-Type", r.contentType());
        }
        ex.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
        served.incrementAndGet();
    }
}
