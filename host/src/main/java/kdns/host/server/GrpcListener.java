package kdns.host.server;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNegotiator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSessionContext;
import kdns.api.Log;
import kdns.api.Transport;
import kdns.api.grpc.DnsPacket;
import org.xbill.DNS.Message;

/**
 * A {@code grpc://} server: CoreDNS's {@code coredns.dns.DnsService/Query} ({@link GrpcDnsService})
 * with grpc-java on Netty, over HTTP/2 in TLS (ALPN {@code h2}) when the block has the {@code tls}
 * plugin and in the clear otherwise, as CoreDNS's {@code server_grpc.go}:
 *
 * <ul>
 *   <li>messages up to {@code dns.MaxMsgSize} (65535 bytes) plus the 4 bytes of protobuf around
 *       it, in and out; a larger one is refused by gRPC with RESOURCE_EXHAUSTED;</li>
 *   <li>a DNS message that is not a query miekg/dns would accept (shorter than a header, a
 *       response, an opcode other than QUERY or NOTIFY, section counts over 1/1/1/2) or that does
 *       not parse fails the call with UNKNOWN, as a Go handler's plain error does; a protobuf
 *       encoding that does not parse fails it with INTERNAL;</li>
 *   <li>a query the chain does not answer (a plugin dropped it) gets the query itself back, which
 *       is what CoreDNS's response writer holds until a plugin writes;</li>
 *   <li>at most 256 concurrent calls per connection and 200 connections (further connections wait
 *       in the accept queue until one closes: Go's {@code netutil.LimitListener}).</li>
 * </ul>
 *
 * <p>The socket is bound when the listener is created; calls that arrive before {@link #start()}
 * wait for it. A reload hands the listener the block's new TLS settings ({@link #tls}): connections
 * made from then on use the new certificate.
 */
public final class GrpcListener implements AutoCloseable {

    private static final Log LOG = Log.plain();

    /** {@code dns.MaxMsgSize}. */
    static final int MAX_DNS_MESSAGE = 65535;
    /** CoreDNS's {@code maxProtobufPayloadBytes}: the tag byte and a 3-byte length around the largest message. */
    static final int MAX_PROTOBUF_MESSAGE = MAX_DNS_MESSAGE + 4;
    /** CoreDNS's {@code DefaultGRPCMaxStreams}. */
    public static final int DEFAULT_MAX_STREAMS = 256;
    /** CoreDNS's {@code DefaultGRPCMaxConnections}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 200;

    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /**
     * grpc-java logs, through java.util.logging and with a stack trace, every over-sized or
     * undecodable message (WARNING) and every connection that does not speak HTTP/2 or fails
     * its handshake (INFO). The client gets its error status or a closed connection, CoreDNS logs
     * nothing, and a client must not be able to fill the log. Held here: the logging framework
     * keeps loggers only weakly.
     */
    private static final List<Logger> QUIET = List.of(quiet("io.grpc.netty.NettyServerStream"),
            quiet("io.grpc.netty.NettyServerTransport"));

    private static Logger quiet(String name) {
        Logger l = Logger.getLogger(name);
        l.setLevel(Level.SEVERE);
        return l;
    }

    private final Supplier<QueryProcessor> processor;
    private final int maxStreams;
    private final int maxConnections;
    private final CountDownLatch started = new CountDownLatch(1);
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private volatile SwappableSslContext ssl; // null: plaintext
    private volatile Server server;
    private volatile EventLoopGroup boss;
    private volatile EventLoopGroup workers;
    private volatile LimitedServerChannel channel;
    private volatile InetSocketAddress bound;
    private volatile boolean closed;

    /**
     * Binds {@code address} and serves {@code processor}'s chains there once started.
     *
     * @param tls the block's TLS settings, or null for plaintext HTTP/2 (h2c)
     * @throws IOException when the address cannot be bound
     */
    public GrpcListener(InetSocketAddress address, Supplier<QueryProcessor> processor, ServerTls tls) throws IOException {
        this(address, processor, tls, DEFAULT_MAX_STREAMS, DEFAULT_MAX_CONNECTIONS);
    }

    /**
     * A listener with the {@code grpc_server} plugin's limits.
     *
     * @param maxStreams     concurrent calls per connection, 0 for no limit
     * @param maxConnections connections served at once, 0 for no limit (more wait to be accepted)
     */
    public GrpcListener(InetSocketAddress address, Supplier<QueryProcessor> processor, ServerTls tls, int maxStreams,
                        int maxConnections) throws IOException {
        this.processor = processor;
        this.maxStreams = maxStreams <= 0 ? Integer.MAX_VALUE : maxStreams;
        this.maxConnections = maxConnections <= 0 ? Integer.MAX_VALUE : maxConnections;
        this.ssl = tls == null ? null : new SwappableSslContext(sslContext(tls));
        try {
            bind(address);
        } catch (IOException e) {
            executor.shutdownNow();
            throw e;
        }
    }

    private synchronized void bind(InetSocketAddress address) throws IOException {
        DefaultThreadFactory bossThreads = new DefaultThreadFactory("grpc-accept-" + address.getPort(), true);
        DefaultThreadFactory workerThreads = new DefaultThreadFactory("grpc-io-" + address.getPort(), true);
        EventLoopGroup b = new NioEventLoopGroup(1, bossThreads);
        EventLoopGroup w = new NioEventLoopGroup(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())),
                workerThreads);
        ServerServiceDefinition service = ServerServiceDefinition.builder(DnsPacket.SERVICE)
                .addMethod(GrpcDnsService.SERVER_QUERY, new QueryHandler())
                .build();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(address)
                .channelFactory(() -> {
                    LimitedServerChannel c = new LimitedServerChannel(maxConnections);
                    channel = c;
                    return c;
                })
                .bossEventLoopGroup(b)
                .workerEventLoopGroup(w)
                .withOption(ChannelOption.SO_REUSEADDR, true)
                .withChildOption(ChannelOption.TCP_NODELAY, true)
                .executor(executor)
                .maxInboundMessageSize(MAX_PROTOBUF_MESSAGE)
                .maxConcurrentCallsPerConnection(maxStreams)
                .addService(service);
        SwappableSslContext s = ssl;
        if (s != null) {
            builder.sslContext(s);
        }
        Server srv = builder.build();
        try {
            srv.start();
        } catch (IOException | RuntimeException e) {
            srv.shutdownNow();
            b.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            w.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IOException("cannot listen on grpc " + address + ": " + rootMessage(e), e);
        }
        server = srv;
        boss = b;
        workers = w;
        bound = listening(srv, address);
    }

    private static InetSocketAddress listening(Server s, InetSocketAddress requested) {
        for (SocketAddress a : s.getListenSockets()) {
            if (a instanceof InetSocketAddress i) {
                return i;
            }
        }
        return new InetSocketAddress(requested.getAddress(), s.getPort());
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** Starts answering (calls that came in since the socket was bound included). */
    public void start() {
        started.countDown();
    }

    /** The bound address (the last one, while a rebuild after a TLS change failed to bind). */
    public InetSocketAddress address() {
        return bound;
    }

    /** Open client connections. */
    public int openConnections() {
        LimitedServerChannel c = channel;
        return c == null ? 0 : c.open();
    }

    /**
     * The TLS settings for connections made from now on (a reload). A new certificate or client
     * authentication mode is swapped in place; a block that gains or loses the {@code tls} plugin
     * has its server rebuilt on the same port (open connections are closed then).
     */
    public synchronized void tls(ServerTls next) {
        if (closed) {
            return;
        }
        SwappableSslContext current = ssl;
        if (current != null && next != null) {
            current.swap(sslContext(next));
            return;
        }
        if (current == null && next == null) {
            return;
        }
        InetSocketAddress at = address();
        stopServer(0);
        ssl = next == null ? null : new SwappableSslContext(sslContext(next));
        try {
            bind(at);
            LOG.info(name(at) + " now serves " + (next == null ? "without TLS" : "with TLS"));
        } catch (IOException e) {
            LOG.error(name(at) + " could not be opened again after its TLS settings changed: " + e.getMessage());
        }
    }

    private static String name(InetSocketAddress a) {
        String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return "grpc://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** The block's TLS settings as Netty's: the JDK engine, TLS 1.2/1.3, HTTP/2's cipher suites, ALPN h2. */
    static JdkSslContext sslContext(ServerTls tls) {
        ClientAuth auth = tls.needClientCertificate() ? ClientAuth.REQUIRE
                : tls.wantClientCertificate() ? ClientAuth.OPTIONAL : ClientAuth.NONE;
        return new JdkSslContext(tls.context(), false, Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE,
                new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "h2"),
                auth, PROTOCOLS, false);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        started.countDown();
        stopServer(1);
        executor.shutdownNow();
    }

    /** Stops the server, giving calls in progress {@code graceSeconds}; then the event loops. */
    private void stopServer(int graceSeconds) {
        Server s = server;
        if (s == null) {
            return;
        }
        s.shutdown();
        try {
            if (!s.awaitTermination(graceSeconds, TimeUnit.SECONDS)) {
                s.shutdownNow();
                s.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            s.shutdownNow();
            Thread.currentThread().interrupt();
        }
        EventLoopGroup b = boss;
        EventLoopGroup w = workers;
        if (b != null) {
            b.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
        if (w != null) {
            w.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
        server = null;
        channel = null;
    }

    // ---- the call --------------------------------------------------------------------------------

    /** Unary {@code Query}: one request message, then the answer (or an error status) once the chain replied. */
    private final class QueryHandler implements ServerCallHandler<byte[], byte[]> {
        @Override
        public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> call, Metadata headers) {
            call.request(2); // a second message is an error, as grpc-java's own unary calls see it
            return new ServerCall.Listener<>() {
                private byte[] request;
                private boolean failed;

                @Override
                public void onMessage(byte[] message) {
                    if (request != null) {
                        failed = true;
                        call.close(Status.INTERNAL.withDescription("Too many requests"), new Metadata());
                        return;
                    }
                    request = message;
                }

                @Override
                public void onHalfClose() {
                    if (failed) {
                        return;
                    }
                    if (request == null) {
                        call.close(Status.INTERNAL.withDescription("Half-closed without a request"), new Metadata());
                        return;
                    }
                    serve(call, request);
                }
            };
        }
    }

    private void serve(ServerCall<byte[], byte[]> call, byte[] proto) {
        Exchange exchange = new Exchange(call);
        byte[] msg;
        try {
            msg = DnsPacket.decode(proto);
        } catch (DnsPacket.MalformedPacketException e) {
            // grpc-go's codec failure
            exchange.fail(Status.INTERNAL.withDescription("grpc: error unmarshalling request: " + e.getMessage()));
            return;
        }
        if (msg.length > MAX_DNS_MESSAGE) {
            exchange.fail(Status.UNKNOWN.withDescription("dns message exceeds size limit: " + msg.length));
            return;
        }
        String rejected = rejection(msg);
        if (rejected != null) {
            exchange.fail(Status.UNKNOWN.withDescription(rejected));
            return;
        }
        Message query;
        try {
            query = new Message(msg);
        } catch (IOException | RuntimeException e) {
            exchange.fail(Status.UNKNOWN.withDescription("dns: " + e.getMessage()));
            return;
        }
        exchange.query = query;
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.fail(Status.UNAVAILABLE.withDescription("server stopping"));
            return;
        }
        if (closed) {
            exchange.fail(Status.UNAVAILABLE.withDescription("server stopping"));
            return;
        }
        InetSocketAddress remote = inet(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        InetSocketAddress local = inet(call.getAttributes().get(Grpc.TRANSPORT_ATTR_LOCAL_ADDR));
        if (!processor.get().handle(msg, msg.length, Transport.GRPC, remote, local, exchange)) {
            exchange.none();
        }
    }

    private static InetSocketAddress inet(SocketAddress a) {
        return a instanceof InetSocketAddress i ? i : null;
    }

    /**
     * Why miekg/dns's default accept function (which CoreDNS's {@code dnsutil.UnpackRequest} applies
     * to gRPC requests) turns {@code msg} away, in CoreDNS's words, or null when it is accepted.
     */
    static String rejection(byte[] msg) {
        if (msg.length < 12) {
            return "dns: buffer size too small";
        }
        int flags = ((msg[2] & 0xff) << 8) | (msg[3] & 0xff);
        int opcode = (flags >>> 11) & 0xf;
        boolean response = (flags & 0x8000) != 0;
        if (response || (opcode != 0 && opcode != 4) || u16(msg, 4) != 1 || u16(msg, 6) > 1 || u16(msg, 8) > 1
                || u16(msg, 10) > 2) {
            return "dns request rejected";
        }
        return null;
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    /**
     * One call's answer: the first reply the chain writes, or the query itself when the chain
     * writes none. Replies may come from any thread; the call is completed exactly once.
     */
    private static final class Exchange implements ReplySink {
        private final ServerCall<byte[], byte[]> call;
        volatile Message query;
        private boolean done;

        Exchange(ServerCall<byte[], byte[]> call) {
            this.call = call;
        }

        @Override
        public void send(byte[] wire, int length) {
            complete(length == wire.length ? wire : Arrays.copyOf(wire, length));
        }

        @Override
        public void none() {
            Message q = query;
            if (q != null) {
                complete(q.toWire());
            }
        }

        private synchronized void complete(byte[] reply) {
            if (done) {
                return; // a zone transfer's later messages: a unary call carries one
            }
            done = true;
            try {
                call.sendHeaders(new Metadata());
                call.sendMessage(reply);
                call.close(Status.OK, new Metadata());
            } catch (RuntimeException e) {
                LOG.debug("grpc reply not sent: " + e);
            }
        }

        synchronized void fail(Status status) {
            if (done) {
                return;
            }
            done = true;
            try {
                call.close(status, new Metadata());
            } catch (RuntimeException e) {
                LOG.debug("grpc error not sent: " + e);
            }
        }
    }

    // ---- TLS whose certificate a reload can replace ----------------------------------------------

    /** A server SslContext that hands out the engines of whichever context was set last. */
    static final class SwappableSslContext extends SslContext {
        private volatile JdkSslContext current;

        SwappableSslContext(JdkSslContext first) {
            this.current = first;
        }

        void swap(JdkSslContext next) {
            current = next;
        }

        @Override
        public boolean isClient() {
            return false;
        }

        @Override
        public List<String> cipherSuites() {
            return current.cipherSuites();
        }

        @Override
        @SuppressWarnings("deprecation")
        public ApplicationProtocolNegotiator applicationProtocolNegotiator() {
            return current.applicationProtocolNegotiator();
        }

        @Override
        public SSLEngine newEngine(ByteBufAllocator alloc) {
            return current.newEngine(alloc);
        }

        @Override
        public SSLEngine newEngine(ByteBufAllocator alloc, String peerHost, int peerPort) {
            return current.newEngine(alloc, peerHost, peerPort);
        }

        @Override
        public SSLSessionContext sessionContext() {
            return current.sessionContext();
        }
    }

    // ---- at most maxConnections connections ------------------------------------------------------

    /**
     * A server socket that stops accepting while {@code limit} connections are open and resumes when
     * one closes, so further clients wait in the accept queue (Go's {@code netutil.LimitListener}).
     * The count and the switch live on the accepting event loop.
     */
    static final class LimitedServerChannel extends NioServerSocketChannel {
        private final int limit;
        private volatile int open;

        LimitedServerChannel(int limit) {
            this.limit = limit;
        }

        int open() {
            return open;
        }

        @Override
        protected int doReadMessages(List<Object> buf) throws Exception {
            int before = buf.size();
            int n = super.doReadMessages(buf);
            for (int i = before; i < buf.size(); i++) {
                if (buf.get(i) instanceof Channel child) {
                    open++;
                    child.closeFuture().addListener(f -> {
                        try {
                            eventLoop().execute(this::closed);
                        } catch (RejectedExecutionException e) {
                            // the listener is shutting down
                        }
                    });
                }
            }
            if (open >= limit) {
                config().setAutoRead(false);
            }
            return n;
        }

        private void closed() {
            open--;
            if (open < limit && !config().isAutoRead() && isOpen()) {
                config().setAutoRead(true);
            }
        }
    }
}
