package kdns.host.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.prometheus.metrics.core.metrics.Counter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Date;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import kdns.api.Log;
import kdns.api.Transport;
import org.xbill.DNS.Message;

/**
 * DNS over HTTPS (RFC 8484) on one address, as CoreDNS's {@code https://} servers: HTTP/2 and
 * HTTP/1.1 inside TLS (ALPN {@code h2}, then {@code http/1.1}) with the block's {@code tls}
 * certificate, or HTTP/1.1 in the clear when the block has no {@code tls} plugin. {@code GET
 * /dns-query?dns=...} and {@code POST /dns-query} run the query through the block chain with the
 * client's address (the TCP peer; no forwarding header is trusted) and answer {@code 200
 * application/dns-message} with {@code Cache-Control: max-age=} the reply's minimal TTL; another
 * path is {@code 404}, another method or a query that cannot be read {@code 400}, a chain that
 * writes no reply {@code 500}. Every answer is counted in {@code coredns_dns_https_responses_total}.
 *
 * <p>Timeouts, as Go's {@code http.Server} applies CoreDNS's: the TLS handshake and the first
 * request must arrive within the read timeout; a later HTTP/1.1 request within the read timeout of
 * its first byte; a connection without a request in progress (HTTP/1.1) or without an open stream
 * (HTTP/2) is closed after the idle timeout; an HTTP/2 stream whose request does not arrive whole
 * within the read timeout is reset; a reply not written within {@value #WRITE_TIMEOUT_SECONDS}
 * seconds (CoreDNS's write timeout) ends the exchange without one. A request body is read up to
 * {@value DohMessages#MAX_QUERY_SIZE} octets. At most {@code maxConnections} connections are
 * served at once; more wait to be accepted (Go's {@code netutil.LimitListener}).
 *
 * <p>The sockets run on Netty event loops; each query runs on a virtual thread, as a TCP
 * connection's do, so a plugin that blocks holds no event loop.
 */
public final class HttpsListener implements AutoCloseable {

    private static final Log LOG = Log.plain();

    /** CoreDNS's {@code DefaultHTTPSMaxConnections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 200;
    static final int WRITE_TIMEOUT_SECONDS = 5;
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(WRITE_TIMEOUT_SECONDS);
    /** The request line and the headers of a request, each: room for the longest {@code dns} parameter. */
    private static final int MAX_HEADER_BYTES = 128 * 1024;
    /** Go's HTTP/2 server's default limit of concurrent streams per connection. */
    private static final int MAX_CONCURRENT_STREAMS = 250;
    private static final String[] ALPN = {"h2", "http/1.1"};

    private final EventLoopGroup group;
    private final Channel server;
    private final Supplier<QueryProcessor> processor;
    private final Counter responses;
    private final String label;
    private final int maxConnections;
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private volatile TcpListener.Limits limits;
    private volatile ServerTls tls;
    private volatile boolean started;
    private volatile boolean closed;

    /**
     * Binds {@code address}; connections are accepted once {@link #start()} is called.
     *
     * @param limits         the read and idle timeouts (the connection limit is {@code maxConnections})
     * @param tls            the certificate, or null to serve HTTP in the clear
     * @param maxConnections the connections served at once, 0 for no limit
     * @param responses      {@code coredns_dns_https_responses_total} (labels server and status), or null
     * @param label          this server's {@code server} label, {@code https://:443}
     */
    public HttpsListener(InetSocketAddress address, TcpListener.Limits limits, Supplier<QueryProcessor> processor,
                         ServerTls tls, int maxConnections, Counter responses, String label) throws IOException {
        this.processor = processor;
        this.limits = limits;
        this.tls = tls;
        this.maxConnections = maxConnections;
        this.responses = responses;
        this.label = label;
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        this.group = new NioEventLoopGroup(threads, new DefaultThreadFactory("https-" + address.getPort(), true));
        ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.AUTO_READ, false) // nothing is accepted before start()
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted(ch);
                    }
                });
        ChannelFuture bound = b.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            Throwable cause = bound.cause();
            throw new IOException("cannot listen on tcp " + address + ": " + cause.getMessage(), cause);
        }
        this.server = bound.channel();
    }

    /** New timeouts for the connections accepted from now on (a reload). */
    public void limits(TcpListener.Limits next) {
        limits = next;
    }

    /** The TLS settings for the connections accepted from now on (a reload with a new certificate). */
    public void tls(ServerTls next) {
        tls = next;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** How many client connections are open now. */
    public int openConnections() {
        return open.size();
    }

    public void start() {
        started = true;
        server.config().setAutoRead(true);
    }

    // ---- connections ----------------------------------------------------------------------------

    private void accepted(SocketChannel ch) {
        if (closed || (maxConnections > 0 && open.size() >= maxConnections)) {
            ch.close(); // accepted in the same batch as the one that reached the limit
            return;
        }
        open.add(ch);
        if (maxConnections > 0 && open.size() >= maxConnections) {
            server.config().setAutoRead(false); // the rest wait in the backlog
        }
        ch.closeFuture().addListener(f -> {
            open.remove(ch);
            if (started && !closed && !server.config().isAutoRead()
                    && (maxConnections <= 0 || open.size() < maxConnections)) {
                server.config().setAutoRead(true);
            }
        });
        Connection conn = new Connection(ch, limits);
        ServerTls tls = this.tls;
        ChannelPipeline p = ch.pipeline();
        p.addLast("activity", conn);
        if (tls != null) {
            SSLEngine engine = tls.engine(ALPN);
            SslHandler ssl = new SslHandler(engine);
            ssl.setHandshakeTimeoutMillis(conn.limits.readTimeout().toMillis());
            p.addLast("tls", ssl);
            p.addLast("alpn", new AlpnSwitch(conn, engine));
        } else {
            http1(p, conn);
        }
        p.addLast("errors", new Errors());
        conn.read(); // the handshake and the first request within the read timeout
    }

    /**
     * One connection's timers, all run on its event loop: the read deadline of a request in
     * progress, the idle deadline between requests (HTTP/1.1) or while no stream is open (HTTP/2).
     */
    private static final class Connection extends ChannelInboundHandlerAdapter {
        final Channel ch;
        final TcpListener.Limits limits;
        private ScheduledFuture<?> timer;
        private boolean idle;
        private boolean http2;
        private int streams;

        Connection(Channel ch, TcpListener.Limits limits) {
            this.ch = ch;
            this.limits = limits;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (idle && !http2) {
                read(); // the first bytes of the next HTTP/1.1 request
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancel();
            ctx.fireChannelInactive();
        }

        void read() {
            idle = false;
            arm(limits.readTimeout(), "read");
        }

        void idle() {
            idle = true;
            arm(limits.idleTimeout(), "idle");
        }

        /** A request arrived whole; the reply is bounded by the write timeout instead. */
        void busy() {
            idle = false;
            cancel();
        }

        void http2() {
            http2 = true;
            idle();
        }

        void streamOpened() {
            streams++;
            busy();
        }

        void streamClosed() {
            if (--streams == 0 && ch.isActive()) {
                idle();
            }
        }

        private void arm(Duration d, String what) {
            cancel();
            timer = ch.eventLoop().schedule(() -> {
                LOG.debug("https connection from " + ch.remoteAddress() + " closed: " + what + " timeout");
                ch.close();
            }, d.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void cancel() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
    }

    /**
     * After the TLS handshake: HTTP/2 when the client chose {@code h2}, HTTP/1.1 otherwise. What
     * arrives before the switch is held and passed on after it.
     */
    private final class AlpnSwitch extends ChannelInboundHandlerAdapter {
        private final Connection conn;
        private final SSLEngine engine;
        private final ArrayDeque<Object> early = new ArrayDeque<>();

        AlpnSwitch(Connection conn, SSLEngine engine) {
            this.conn = conn;
            this.engine = engine;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            early.add(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (!(evt instanceof SslHandshakeCompletionEvent done)) {
                super.userEventTriggered(ctx, evt);
                return;
            }
            ChannelPipeline p = ctx.pipeline();
            if (!done.isSuccess()) {
                LOG.debug("tls handshake with " + ctx.channel().remoteAddress() + " failed: " + done.cause());
                drop();
                ctx.close();
                return;
            }
            if ("h2".equals(engine.getApplicationProtocol())) {
                http2(p, conn);
            } else {
                http1(p, conn);
            }
            Object m;
            while ((m = early.poll()) != null) {
                ctx.fireChannelRead(m);
            }
            p.remove(this);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            drop();
        }

        private void drop() {
            Object m;
            while ((m = early.poll()) != null) {
                ReferenceCountUtil.release(m);
            }
        }
    }

    private void http1(ChannelPipeline p, Connection conn) {
        String before = p.get("errors") != null ? "errors" : null;
        HttpServerCodec codec = new HttpServerCodec(MAX_HEADER_BYTES, MAX_HEADER_BYTES, 8192);
        Http1Exchange exchange = new Http1Exchange(conn);
        if (before == null) {
            p.addLast("http", codec).addLast("aggregate", new Aggregator(false)).addLast("doh", exchange);
        } else {
            p.addBefore(before, "http", codec).addBefore(before, "aggregate", new Aggregator(false))
                    .addBefore(before, "doh", exchange);
        }
    }

    private void http2(ChannelPipeline p, Connection conn) {
        Http2Settings settings = Http2Settings.defaultSettings().maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                .maxHeaderListSize(MAX_HEADER_BYTES);
        p.addBefore("errors", "h2", Http2FrameCodecBuilder.forServer().initialSettings(settings).build());
        p.addBefore("errors", "streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                conn.streamOpened();
                StreamExchange exchange = new StreamExchange(stream, conn.limits);
                stream.closeFuture().addListener(f -> {
                    exchange.cancel();
                    conn.streamClosed();
                });
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true), new Aggregator(true), exchange,
                        new Errors());
            }
        }));
        conn.http2();
    }

    /** Whole requests of at most {@value DohMessages#MAX_QUERY_SIZE} octets; a larger body is {@code 400}. */
    private final class Aggregator extends HttpObjectAggregator {
        private final boolean stream;

        Aggregator(boolean stream) {
            super(DohMessages.MAX_QUERY_SIZE);
            this.stream = stream;
        }

        /**
         * {@code 400}, as CoreDNS once it has read past the limit. The rest of the body is read and
         * dropped: on HTTP/2 until the stream ends or its read deadline resets it (Go's server resets
         * it with {@code NO_ERROR} at once, which the JDK's client takes for a failure); an HTTP/1.1
         * connection is closed half a second later, so the client reads the answer before the close
         * (Go waits as long).
         */
        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            LOG.debug("DoH request could not be parsed: http: request body too large");
            FullHttpResponse r = error(HttpResponseStatus.BAD_REQUEST, "invalid request", true);
            if (stream) {
                ctx.writeAndFlush(r);
                return;
            }
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(f -> ctx.channel().eventLoop().schedule(
                    () -> ctx.channel().close(), 500, TimeUnit.MILLISECONDS));
        }
    }

    /**
     * The requests of one HTTP/1.1 connection, answered one at a time and in order: reading stops
     * while a query is served, and requests that came in the same read wait their turn.
     */
    private final class Http1Exchange extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Connection conn;
        private final ArrayDeque<FullHttpRequest> waiting = new ArrayDeque<>();
        private boolean busy;

        Http1Exchange(Connection conn) {
            this.conn = conn;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            waiting.add(request.retain());
            if (!busy) {
                next(ctx);
            }
        }

        private void next(ChannelHandlerContext ctx) {
            FullHttpRequest request = waiting.poll();
            if (request == null) {
                ctx.channel().config().setAutoRead(true);
                conn.idle();
                return;
            }
            busy = true;
            conn.busy();
            ctx.channel().config().setAutoRead(false);
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            try {
                serve(request, ctx.channel(), ctx.channel(), new Reply() {
                    @Override
                    public void send(FullHttpResponse response, boolean closeAfter) {
                        boolean close = closeAfter || !keepAlive;
                        if (close) {
                            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                        }
                        ctx.writeAndFlush(response).addListener(f -> {
                            if (!f.isSuccess() || close) {
                                ctx.close();
                                return;
                            }
                            busy = false;
                            if (ctx.channel().isActive()) {
                                next(ctx);
                            }
                        });
                    }

                    @Override
                    public void abort() {
                        ctx.close(); // the write timeout: the connection ends without a reply
                    }
                });
            } finally {
                request.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            FullHttpRequest r;
            while ((r = waiting.poll()) != null) {
                r.release();
            }
            ctx.fireChannelInactive();
        }
    }

    /** One HTTP/2 stream: its request must arrive whole within the read timeout. */
    private final class StreamExchange extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Http2StreamChannel stream;
        private final ScheduledFuture<?> deadline;

        StreamExchange(Http2StreamChannel stream, TcpListener.Limits limits) {
            this.stream = stream;
            this.deadline = stream.eventLoop().schedule(() -> {
                LOG.debug("https stream from " + stream.parent().remoteAddress() + " reset: read timeout");
                stream.close();
            }, limits.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }

        void cancel() {
            deadline.cancel(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            cancel();
            serve(request, stream, stream.parent(), new Reply() {
                @Override
                public void send(FullHttpResponse response, boolean close) {
                    // The stream ends with the answer; there is no connection to close.
                    ctx.writeAndFlush(response).addListener(f -> {
                        if (!f.isSuccess()) {
                            stream.close();
                        }
                    });
                }

                @Override
                public void abort() {
                    stream.close(); // RST_STREAM
                }
            });
        }
    }

    /** Where an answer goes; called on the exchange's event loop. */
    private interface Reply {
        void send(FullHttpResponse response, boolean close);

        void abort();
    }

    /** Closes a connection or stream whose handlers failed (a reset, a TLS record that is not one). */
    private static final class Errors extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("https connection from " + ctx.channel().remoteAddress() + " ended: " + cause);
            ctx.close();
        }
    }

    // ---- one request ----------------------------------------------------------------------------

    /** Answers one request, now (an error) or once the chain has written its reply. */
    private void serve(FullHttpRequest request, Channel exchange, Channel connection, Reply reply) {
        if (!request.decoderResult().isSuccess()) {
            // Refused by the HTTP server itself, before CoreDNS's handler: not counted.
            boolean tooLong = request.decoderResult().cause() instanceof TooLongFrameException;
            reply.send(error(tooLong ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST, tooLong ? "" : "Bad Request", false), true);
            return;
        }
        String path;
        try {
            path = DohMessages.path(request.uri());
        } catch (DohMessages.Invalid e) {
            reply.send(error(HttpResponseStatus.BAD_REQUEST, "Bad Request", false), true);
            return;
        }
        if (!path.equals(DohMessages.PATH)) {
            reply.send(error(HttpResponseStatus.NOT_FOUND, "", true), false);
            return;
        }
        byte[] wire;
        try {
            if (request.method().equals(HttpMethod.GET)) {
                wire = DohMessages.fromGet(request.uri());
            } else if (request.method().equals(HttpMethod.POST)) {
                wire = ByteBufUtil.getBytes(request.content());
            } else {
                throw new DohMessages.Invalid("method not allowed: " + request.method());
            }
            DohMessages.accept(wire);
        } catch (DohMessages.Invalid e) {
            LOG.debug("DoH request could not be parsed: " + e.getMessage());
            reply.send(error(HttpResponseStatus.BAD_REQUEST, "invalid request", true), false);
            return;
        }
        InetSocketAddress remote = (InetSocketAddress) connection.remoteAddress();
        InetSocketAddress local = (InetSocketAddress) connection.localAddress();
        CompletableFuture<FullHttpResponse> answered = new CompletableFuture<>();
        ReplySink sink = new ReplySink() {
            @Override
            public void send(byte[] bytes, int length) {
                if (!answered.isDone()) {
                    answered.complete(ok(Arrays.copyOf(bytes, length)));
                }
            }

            @Override
            public void none() {
                answered.complete(null);
            }
        };
        QueryProcessor qp = processor.get();
        ScheduledFuture<?> timeout = exchange.eventLoop().schedule(
                () -> answered.completeExceptionally(new TimeoutException()),
                WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        answered.whenComplete((response, failure) -> {
            try {
                exchange.eventLoop().execute(() -> {
                    timeout.cancel(false);
                    if (failure != null) {
                        LOG.debug("DoH reply to " + remote + " not written within " + WRITE_TIMEOUT_SECONDS + "s");
                        reply.abort();
                    } else if (response == null) {
                        reply.send(error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "No response", true), false);
                    } else {
                        count(HttpResponseStatus.OK);
                        reply.send(response, false);
                    }
                });
            } catch (RejectedExecutionException e) {
                if (response != null) {
                    response.release(); // the listener closed meanwhile
                }
            }
        });
        Thread.ofVirtual().name("doh").start(() -> {
            try {
                if (!qp.handle(wire, wire.length, Transport.HTTPS, remote, local, sink)) {
                    answered.complete(null);
                }
            } catch (RuntimeException | LinkageError e) {
                LOG.error("DoH query from " + remote + " failed: " + e);
                answered.complete(null);
            }
        });
    }

    /** A {@code 200} with the reply and CoreDNS's headers. */
    private static FullHttpResponse ok(byte[] wire) {
        long age;
        try {
            age = DohMessages.maxAge(new Message(wire), System.currentTimeMillis() / 1000);
        } catch (IOException e) {
            age = 5;
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(wire));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, DohMessages.MIME_TYPE)
                .set(HttpHeaderNames.CACHE_CONTROL, "max-age=" + age)
                .set(HttpHeaderNames.CONTENT_LENGTH, wire.length)
                .set(HttpHeaderNames.DATE, DateFormatter.format(new Date()));
        return r;
    }

    /** Go's {@code http.Error}: the text and a line break, as plain text; counted when CoreDNS counts it. */
    private FullHttpResponse error(HttpResponseStatus status, String text, boolean counted) {
        if (counted) {
            count(status);
        }
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set("x-content-type-options", "nosniff")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.DATE, DateFormatter.format(new Date()));
        return r;
    }

    private void count(HttpResponseStatus status) {
        if (responses != null) {
            responses.labelValues(label, Integer.toString(status.code())).inc();
        }
    }

    @Override
    public void close() {
        closed = true;
        server.close().awaitUninterruptibly(2000);
        for (Channel ch : open) {
            ch.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3000);
    }
}
