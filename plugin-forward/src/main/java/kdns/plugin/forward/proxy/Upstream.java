package kdns.plugin.forward.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Message;

/**
 * One upstream server (CoreDNS's {@code proxy.Proxy}): its address, its UDP sockets and cached
 * TCP/TLS connections (or, for DNS-over-HTTPS, its HTTP client), its fail count and its health
 * check. Thread-safe.
 */
public final class Upstream {

    /** CoreDNS's read timeout for one exchange. */
    public static final long READ_TIMEOUT_NANOS = 2_000_000_000L;
    private static final long CLEANUP_NANOS = 10_000_000_000L;

    private final String addr;
    private final InetSocketAddress address;
    private final TlsSettings tls;
    private final ProxyMetrics metrics;
    private final UpstreamSeries series;
    private final AtomicInteger fails = new AtomicInteger();
    private final UdpTransport udp;
    private final LoopUdpTransport loopUdp;
    private final StreamTransport stream;
    private final HttpsTransport https;
    private final HealthCheck health;
    private volatile long expireNanos = UpstreamOptions.DEFAULTS.expireNanos();
    private volatile int maxIdleConns = UpstreamOptions.DEFAULTS.maxIdleConns();
    private volatile int maxFails = UpstreamOptions.DEFAULTS.maxFails();
    private volatile long readTimeoutNanos = READ_TIMEOUT_NANOS;
    private ScheduledFuture<?> cleanup;
    private volatile boolean stopped;

    /**
     * @param addr    the {@code to} label: {@code IP:port} as configured
     * @param address where it listens
     * @param tls     the DNS-over-TLS settings, or null for plain DNS
     */
    public Upstream(String addr, InetSocketAddress address, TlsSettings tls, ProxyMetrics metrics) {
        this.addr = addr;
        this.address = address;
        this.tls = tls;
        this.metrics = metrics;
        this.series = metrics.series(addr);
        this.udp = new UdpTransport(this, address);
        this.loopUdp = new LoopUdpTransport(this, address);
        this.stream = new StreamTransport(this, address, tls);
        this.https = null;
        this.health = new HealthCheck(this);
    }

    /**
     * A DNS-over-HTTPS upstream: {@code https://address/dns-query}.
     *
     * @param addr    the {@code to} label: {@code IP:port} as configured
     * @param address where it listens
     * @param tls     the TLS settings (CAs, client certificate, server name)
     * @param get     true to send GET requests ({@code doh_method GET}), false for POST
     */
    public static Upstream https(String addr, InetSocketAddress address, TlsSettings tls, boolean get,
                                 ProxyMetrics metrics) {
        return new Upstream(addr, address, tls, get, metrics);
    }

    private Upstream(String addr, InetSocketAddress address, TlsSettings tls, boolean get, ProxyMetrics metrics) {
        this.addr = addr;
        this.address = address;
        this.tls = Objects.requireNonNull(tls, "tls");
        this.metrics = metrics;
        this.series = metrics.series(addr);
        this.udp = new UdpTransport(this, address);
        this.loopUdp = new LoopUdpTransport(this, address);
        this.stream = new StreamTransport(this, address, null);
        this.https = new HttpsTransport(this, address, tls, get);
        this.health = new HealthCheck(this);
    }

    /** Connection cache and health-check settings (from the forward stanza). */
    public void configure(UpstreamOptions options) {
        this.expireNanos = options.expireNanos();
        this.maxIdleConns = options.maxIdleConns();
        this.maxFails = options.maxFails();
        health.configure(options.healthCheck());
    }

    /** Shortens the read timeout (tests). */
    public void readTimeout(long nanos) {
        this.readTimeoutNanos = nanos;
    }

    public String addr() {
        return addr;
    }

    public InetSocketAddress address() {
        return address;
    }

    /** True for a DNS-over-TLS upstream ({@code tls://}). */
    public boolean tls() {
        return tls != null && https == null;
    }

    /** True for a DNS-over-HTTPS upstream ({@code https://}). */
    public boolean https() {
        return https != null;
    }

    /** The server name the certificate is checked against, or null for the upstream's IP. */
    public String serverName() {
        return tls == null ? null : tls.serverName();
    }

    /** The DoH URL and method, e.g. {@code POST https://10.0.0.1:443/dns-query}; null otherwise. */
    public String dohRequest() {
        return https == null ? null : https.method() + " " + https.uri();
    }

    ProxyMetrics metrics() {
        return metrics;
    }

    UpstreamSeries series() {
        return series;
    }

    long expireNanos() {
        return expireNanos;
    }

    int maxIdleConns() {
        return maxIdleConns;
    }

    int maxFails() {
        return maxFails;
    }

    StreamTransport stream() {
        return stream;
    }

    HttpsTransport httpsTransport() {
        return https;
    }

    public int fails() {
        return fails.get();
    }

    int incrementFails() {
        return fails.updateAndGet(f -> f == Integer.MAX_VALUE ? f : f + 1);
    }

    int resetFails() {
        return fails.getAndSet(0);
    }

    /** Down when it has more fails than {@code maxfails}; never down when that is 0. */
    public boolean down(int maxfails) {
        return maxfails != 0 && fails.get() > maxfails;
    }

    /** Starts a round of health checks unless one is running. */
    public void healthcheck() {
        health.trigger();
    }

    /** True while a health-check probe runs. */
    public boolean probing() {
        return health.running();
    }

    /**
     * Sends a query over UDP without blocking; the callback runs on another thread.
     *
     * @param wire the query; its first two bytes are replaced by a fresh ID
     */
    public void exchangeUdp(byte[] wire, ReplyCallback callback) {
        exchangeUdp(wire, null, Integer.MAX_VALUE, callback);
    }

    /**
     * Sends a query over UDP without blocking. When the calling thread is {@code eventLoop}, the
     * epoll event loop of the server's UDP listener ({@link kdns.api.Request#eventLoop()}), and the
     * reply may be at most {@code replyLimit} bytes, the exchange runs on that loop, with the
     * callback on it; otherwise the callback runs on another thread. A socket used for one query
     * only ({@code expire 0}) is never on a loop.
     *
     * @param wire       the query; its first two bytes are replaced by a fresh ID
     * @param eventLoop  the request's event loop, or null
     * @param replyLimit the largest reply the client takes over UDP ({@link kdns.api.Request#size()})
     */
    public void exchangeUdp(byte[] wire, Executor eventLoop, int replyLimit, ReplyCallback callback) {
        io.netty.channel.EventLoop loop = expireNanos > 0 ? LoopUdpTransport.serves(eventLoop, replyLimit) : null;
        if (stopped) {
            IOException e = new IOException("proxy: transport stopped");
            if (loop != null) {
                loop.execute(() -> callback.error(e));
            } else {
                ForwardTimer.virtual("forward-error", () -> callback.error(e));
            }
            return;
        }
        if (loop != null) {
            loopUdp.send(loop, wire, readTimeoutNanos, callback);
        } else {
            udp.send(wire, readTimeoutNanos, callback);
        }
    }

    /**
     * Sends a query over TCP (or TLS for a {@code tls://} upstream) on a virtual thread.
     */
    public void exchangeStream(byte[] wire, ReplyCallback callback) {
        ForwardTimer.virtual("forward-" + stream.proto() + "-" + addr, () -> {
            Message reply;
            try {
                if (stopped) {
                    throw new IOException("proxy: transport stopped");
                }
                reply = stream.exchange(wire.clone(), readTimeoutNanos);
            } catch (IOException e) {
                callback.error(e);
                return;
            }
            callback.reply(reply);
        });
    }

    /**
     * Sends a query to a DNS-over-HTTPS upstream without blocking; the callback runs on a virtual
     * thread.
     */
    public void exchangeHttps(byte[] wire, ReplyCallback callback) {
        if (stopped || https == null) {
            ForwardTimer.virtual("forward-error", () -> callback.error(new IOException(
                    https == null ? "not a DNS-over-HTTPS upstream: " + this : "proxy: transport stopped")));
            return;
        }
        https.exchange(wire, readTimeoutNanos, callback);
    }

    /** The error an unparseable reply from this upstream is reported as. */
    public IOException badReply(IOException parseError) {
        return new IOException("bad reply from " + addr + ": " + parseError.getMessage(), parseError);
    }

    /** Records one answered exchange in the request metrics. */
    public void observe(int rcode, long nanos) {
        series.observe(rcode, nanos);
    }

    /** Starts the periodic clean-up of expired connections. */
    public synchronized void start() {
        if (cleanup == null && !stopped) {
            cleanup = ForwardTimer.every(CLEANUP_NANOS, () -> {
                udp.cleanup();
                loopUdp.cleanup();
                stream.cleanup();
            });
        }
    }

    /**
     * Stops health checks at once and closes every connection after {@code graceNanos}, so queries
     * still in flight (or routed to the old chain during a reload) are answered.
     */
    public synchronized void stop(long graceNanos) {
        health.stop();
        if (cleanup != null) {
            cleanup.cancel(false);
        }
        Runnable close = () -> {
            stopped = true;
            stream.close();
            udp.close();
            loopUdp.close();
            if (https != null) {
                https.close();
            }
        };
        if (graceNanos <= 0) {
            close.run();
        } else {
            ForwardTimer.after(graceNanos, close);
        }
    }

    /** True once the connections are closed for good. */
    public boolean stopped() {
        return stopped;
    }

    /** Open UDP sockets and idle stream connections (for tests of the connection cache). */
    public int[] openConnections() {
        return new int[] {udp.openSockets() + loopUdp.openSockets(), stream.idleConnections()};
    }

    /**
     * Queries the UDP socket of {@code loop} holds for their timeouts (tests: only those not yet
     * answered). Runs on {@code loop}.
     */
    public int loopUdpWaiting(io.netty.channel.EventLoop loop) {
        return loopUdp.waiting(loop);
    }

    /** An error as a log line says it (some JDK exceptions carry no message). */
    public static String describe(IOException e) {
        return HealthCheck.describe(e);
    }

    @Override
    public String toString() {
        return (https != null ? "https://" : tls != null ? "tls://" : "") + addr;
    }
}
