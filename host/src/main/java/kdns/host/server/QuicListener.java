package kdns.host.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.prometheus.metrics.core.metrics.Counter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import kdns.api.Log;
import kdns.api.Transport;

/**
 * DNS over QUIC (RFC 9250) on one UDP address, as CoreDNS's {@code quic://} servers
 * ({@code server_quic.go}): TLS 1.3 with the block's {@code tls} certificate and ALPN {@code doq},
 * in BoringSSL through Netty's QUIC codec (quiche). Each query comes on a client-initiated
 * bidirectional stream as a 2-octet length and the message, whose ID must be 0; the reply goes back
 * on that stream the same way, followed by the stream's FIN. A stream that breaks the rules
 * ({@link DoqMessages}), ends before its message is whole, or has not sent it within the read
 * timeout, closes the whole connection with {@code DOQ_PROTOCOL_ERROR}, as CoreDNS.
 *
 * <p>Limits, CoreDNS's defaults unless the {@code quic} plugin sets them: {@code maxStreams}
 * concurrent streams per connection (QUIC's stream credit), {@code workerPoolSize} queries being
 * answered at once over all connections (the rest wait for a worker), {@value #MAX_CONNECTIONS}
 * connections (one more is closed at once with error 0, {@code too many connections}); a connection
 * without traffic for the idle timeout is closed by QUIC. Every stream is counted in
 * {@code coredns_dns_quic_responses_total{server,status}} with status {@code 0x0} when its query
 * went through the chain, {@code 0x2} when it closed the connection.
 *
 * <p>The datagram socket and every connection run on one Netty event loop; each query runs on a
 * virtual thread, so a plugin that blocks holds no event loop.
 */
public final class QuicListener implements AutoCloseable {

    private static final Log LOG = Log.plain();

    /** CoreDNS's {@code DefaultMaxQUICStreams}. */
    public static final int DEFAULT_MAX_STREAMS = 256;
    /** CoreDNS's {@code DefaultQUICStreamWorkers}. */
    public static final int DEFAULT_WORKER_POOL_SIZE = 1024;
    /** CoreDNS's {@code DefaultQUICMaxConnections}. */
    static final int MAX_CONNECTIONS = 200;
    private static final String[] ALPN = {"doq"};
    /** Flow-control windows: a whole maximal message per stream, room for many streams per connection. */
    private static final long STREAM_WINDOW = 2 + 65535;
    private static final long CONNECTION_WINDOW = 16L * 1024 * 1024;

    private final EventLoopGroup group;
    private final Channel server;
    private final Supplier<QueryProcessor> processor;
    private final Counter responses;
    private final String label;
    private final Semaphore workers;
    private final Set<QuicChannel> open = ConcurrentHashMap.newKeySet();
    private volatile Duration readTimeout;
    private volatile QuicSslContext sslContext;

    /**
     * Binds {@code address}; datagrams are read once {@link #start()} is called (until then they wait
     * in the socket's buffer).
     *
     * @param limits         the read timeout (of a stream's query) and idle timeout (of a connection)
     * @param tls            the certificate; it must carry the key and trust managers
     * @param maxStreams     concurrent streams per connection
     * @param workerPoolSize queries answered at once over all connections
     * @param responses      {@code coredns_dns_quic_responses_total} (labels server and status), or null
     * @param label          this server's {@code server} label, {@code quic://:853}
     * @throws IOException when QUIC is not available here, {@code tls} is missing, or the bind fails
     */
    public QuicListener(InetSocketAddress address, TcpListener.Limits limits, Supplier<QueryProcessor> processor,
                        ServerTls tls, int maxStreams, int workerPoolSize, Counter responses, String label)
            throws IOException {
        if (!Quic.isAvailable()) {
            Throwable cause = Quic.unavailabilityCause();
            throw new IOException("cannot serve " + label + ": Netty's QUIC codec is not available on this machine ("
                    + (cause == null ? "no native library" : cause.getMessage()) + ")", cause);
        }
        this.processor = processor;
        this.readTimeout = limits.readTimeout();
        this.sslContext = sslContext(tls, label);
        this.responses = responses;
        this.workers = new Semaphore(workerPoolSize);
        ChannelHandler codec = new QuicServerCodecBuilder()
                .sslEngineProvider(ch -> sslContext.newEngine(ch.alloc()))
                .maxIdleTimeout(limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .initialMaxData(CONNECTION_WINDOW)
                .initialMaxStreamDataBidirectionalRemote(STREAM_WINDOW)
                .initialMaxStreamDataBidirectionalLocal(STREAM_WINDOW)
                .initialMaxStreamsBidirectional(maxStreams)
                .initialMaxStreamsUnidirectional(0) // DoQ uses bidirectional streams only
                // no token handler: Netty's default skips address validation (no Retry round trip), as quic-go's
                .handler(new ConnectionHandler())
                .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true) // the client's FIN ends only its side
                .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel ch) {
                        ch.pipeline().addLast(new QueryStream(ch));
                    }
                })
                .build();
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("quic-" + address.getPort(), true),
                NioIoHandler.newFactory());
        ChannelFuture bound = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.AUTO_READ, false) // datagrams wait in the socket until start()
                .handler(codec).bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            Throwable cause = bound.cause();
            throw new IOException("cannot listen on udp " + address + ": " + cause.getMessage(), cause);
        }
        this.server = bound.channel();
        // port 0 (tests) is counted under the port bound
        this.label = label.endsWith(":0") ? label.substring(0, label.length() - 1) + address().getPort() : label;
    }

    /** BoringSSL's context for the block's certificate, client authentication and ALPN {@code doq}. */
    static QuicSslContext sslContext(ServerTls tls, String label) throws IOException {
        if (tls == null) {
            throw new IOException("cannot serve " + label + ": DNS over QUIC needs the tls plugin in its blocks");
        }
        if (tls.managers() == null) {
            throw new IOException("cannot serve " + label + ": the TLS settings carry no key and trust managers");
        }
        ClientAuth auth = tls.needClientCertificate() ? ClientAuth.REQUIRE
                : tls.wantClientCertificate() ? ClientAuth.OPTIONAL : ClientAuth.NONE;
        return QuicSslContextBuilder.forServer(tls.managers().key(), null)
                .trustManager(tls.managers().trust())
                .clientAuth(auth)
                .applicationProtocols(ALPN)
                .earlyData(true) // CoreDNS's Allow0RTT
                .build();
    }

    /** New timeouts: the read timeout applies to streams opened from now on (the idle timeout is QUIC's, set at bind). */
    public void limits(TcpListener.Limits next) {
        readTimeout = next.readTimeout();
    }

    /** The certificate for connections made from now on (a reload). */
    public void tls(ServerTls next) throws IOException {
        sslContext = sslContext(next, label);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** How many QUIC connections are open now. */
    public int openConnections() {
        return open.size();
    }

    public void start() {
        server.config().setAutoRead(true);
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly();
        for (QuicChannel c : open) {
            c.close(true, DoqMessages.NO_ERROR, Unpooled.EMPTY_BUFFER);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private void count(int code) {
        if (responses != null) {
            responses.labelValues(label, "0x" + Integer.toHexString(code)).inc();
        }
    }

    /** Closes {@code connection} with an RFC 9250 error code, counting it as CoreDNS does. */
    private void closeConnection(Channel connection, int code) {
        if (connection instanceof QuicChannel quic && quic.isActive()) {
            quic.close(true, code, Unpooled.EMPTY_BUFFER);
        }
        if (code != DoqMessages.NO_ERROR) {
            count(code);
        }
    }

    /** Admits connections up to the limit and keeps the set of open ones. */
    @ChannelHandler.Sharable
    private final class ConnectionHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            QuicChannel quic = (QuicChannel) ctx.channel();
            if (open.size() >= MAX_CONNECTIONS) {
                quic.close(true, DoqMessages.NO_ERROR, Unpooled.copiedBuffer("too many connections",
                        StandardCharsets.US_ASCII));
                return;
            }
            open.add(quic);
            quic.closeFuture().addListener(f -> open.remove(quic));
            ctx.fireChannelActive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("QUIC connection " + ctx.channel().remoteAddress() + ": " + cause);
            ctx.close();
        }
    }

    /**
     * One query stream: collects the length and the message (on the connection's event loop), checks
     * them, runs the chain on a virtual thread and writes the reply with the stream's FIN.
     */
    private final class QueryStream extends ChannelInboundHandlerAdapter {
        private final QuicStreamChannel stream;
        private final ScheduledFuture<?> deadline;
        private final byte[] header = new byte[2];
        private int headerRead;
        private byte[] message;
        private int messageRead;
        private boolean done;

        QueryStream(QuicStreamChannel stream) {
            this.stream = stream;
            this.deadline = stream.eventLoop().schedule(() -> fail("no whole query within the read timeout"),
                    readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (done) {
                    return; // octets after the message: CoreDNS reads no further either
                }
                while (in.isReadable() && headerRead < 2) {
                    header[headerRead++] = in.readByte();
                }
                if (headerRead < 2) {
                    return;
                }
                if (message == null) {
                    try {
                        message = new byte[DoqMessages.announcedLength(header[0], header[1])];
                    } catch (DoqMessages.ProtocolError e) {
                        fail(e.getMessage());
                        return;
                    }
                }
                int n = Math.min(in.readableBytes(), message.length - messageRead);
                in.readBytes(message, messageRead, n);
                messageRead += n;
                if (messageRead == message.length) {
                    done = true;
                    deadline.cancel(false);
                    answer();
                }
            } finally {
                in.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent && !done) {
                fail("the stream ended before its message was whole");
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            deadline.cancel(false);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!done) {
                fail("reading the stream failed: " + cause);
            } else {
                ctx.close();
            }
        }

        /** A protocol error: the whole connection goes, as CoreDNS's {@code closeQUICConn}. */
        private void fail(String why) {
            if (done) {
                return; // the message is whole (being answered), or the connection is closing already
            }
            done = true;
            deadline.cancel(false);
            LOG.debug("closing QUIC connection from " + stream.parent().remoteSocketAddress() + ": " + why);
            closeConnection(stream.parent(), DoqMessages.PROTOCOL_ERROR);
        }

        private void answer() {
            byte[] wire = message;
            try {
                DoqMessages.accept(wire);
            } catch (DoqMessages.ProtocolError e) {
                LOG.debug("closing QUIC connection from " + stream.parent().remoteSocketAddress() + ": "
                        + e.getMessage());
                closeConnection(stream.parent(), DoqMessages.PROTOCOL_ERROR);
                return;
            }
            InetSocketAddress remote = inet(stream.parent().remoteSocketAddress());
            InetSocketAddress local = inet(stream.parent().localSocketAddress());
            ReplySink sink = new ReplySink() {
                @Override
                public void send(byte[] bytes, int length) {
                    stream.writeAndFlush(Unpooled.wrappedBuffer(DoqMessages.prefixed(bytes, length)))
                            .addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
                }

                @Override
                public void none() {
                    stream.shutdownOutput(); // nothing to send: the FIN alone, so the stream does not linger
                }
            };
            Thread.ofVirtual().name("doq").start(() -> serve(wire, remote, local, sink));
        }

        private void serve(byte[] wire, InetSocketAddress remote, InetSocketAddress local, ReplySink sink) {
            try {
                workers.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                if (!stream.isActive()) {
                    return; // the connection went while the query waited for a worker
                }
                if (!processor.get().handle(wire, wire.length, Transport.QUIC, remote, local, sink)) {
                    sink.none();
                }
                count(DoqMessages.NO_ERROR);
            } catch (RuntimeException | LinkageError e) {
                LOG.error("DoQ query from " + remote + " failed: " + e);
                closeConnection(stream.parent(), DoqMessages.INTERNAL_ERROR);
            } finally {
                workers.release();
            }
        }
    }

    private static InetSocketAddress inet(SocketAddress a) {
        return a instanceof InetSocketAddress i ? i : null;
    }
}
