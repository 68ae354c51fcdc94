package kdns.testing.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

/**
 * A DNS-over-QUIC (RFC 9250) client for tests, on Netty's QUIC codec: one connection (ALPN
 * {@code doq}), one bidirectional stream per exchange. {@link #exchange} sends whatever octets it is
 * given on a fresh stream and returns what came back before the stream ended, so tests can send
 * malformed frames too; {@link #closed} reports the server's CONNECTION_CLOSE.
 */
public final class DoqClient implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 10;

    private final EventLoopGroup group;
    private final Channel datagram;
    private final QuicChannel connection;
    private final CompletableFuture<QuicConnectionCloseEvent> closeEvent = new CompletableFuture<>();

    private DoqClient(EventLoopGroup group, Channel datagram, QuicChannel connection) {
        this.group = group;
        this.datagram = datagram;
        this.connection = connection;
    }

    /**
     * Connects to {@code server}, trusting {@code trust} and presenting {@code key} (null: no
     * client certificate).
     *
     * @throws IOException when the handshake fails (a refused certificate, no server)
     */
    public static DoqClient connect(InetSocketAddress server, TrustManager trust, KeyManager key) throws IOException {
        QuicSslContextBuilder ssl = QuicSslContextBuilder.forClient().trustManager(trust).applicationProtocols("doq")
                .endpointIdentificationAlgorithm(null);
        if (key != null) {
            ssl.keyManager(key, null);
        }
        QuicSslContext context = ssl.build();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel datagram = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .handler(new QuicClientCodecBuilder().sslContext(context)
                            .maxIdleTimeout(30, TimeUnit.SECONDS)
                            .initialMaxData(4 * 1024 * 1024)
                            .initialMaxStreamDataBidirectionalLocal(1024 * 1024)
                            .initialMaxStreamDataBidirectionalRemote(1024 * 1024)
                            .build())
                    .bind(0).sync().channel();
            CompletableFuture<QuicConnectionCloseEvent> closeEvent = new CompletableFuture<>();
            QuicChannel quic = QuicChannel.newBootstrap(datagram)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                            if (evt instanceof QuicConnectionCloseEvent e) {
                                closeEvent.complete(e);
                            }
                            ctx.fireUserEventTriggered(evt);
                        }
                    })
                    .streamHandler(new ChannelInboundHandlerAdapter())
                    .remoteAddress(server)
                    .connect().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            DoqClient c = new DoqClient(group, datagram, quic);
            closeEvent.whenComplete((e, t) -> c.closeEvent.complete(e));
            return c;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IOException(e);
        } catch (ExecutionException | TimeoutException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IOException("QUIC handshake with " + server + " failed: " + e.getCause(), e);
        }
    }

    /** {@code message} behind its 2-octet length, as DoQ sends every message. */
    public static byte[] framed(byte[] message) {
        byte[] out = new byte[message.length + 2];
        out[0] = (byte) (message.length >>> 8);
        out[1] = (byte) message.length;
        System.arraycopy(message, 0, out, 2, message.length);
        return out;
    }

    /** One query: framed, sent with the stream's FIN; the reply's message (without its length). */
    public byte[] query(byte[] message) throws IOException {
        byte[] got = exchange(framed(message), true);
        if (got.length < 2) {
            throw new IOException("no reply on the stream (" + got.length + " octets)");
        }
        int length = ((got[0] & 0xff) << 8) | (got[1] & 0xff);
        if (got.length != length + 2) {
            throw new IOException("reply of " + got.length + " octets announces " + length);
        }
        byte[] out = new byte[length];
        System.arraycopy(got, 2, out, 0, length);
        return out;
    }

    /**
     * Opens a stream, writes {@code octets} (ending the stream when {@code fin}) and returns every
     * octet the server sent before its side of the stream ended, the stream was reset or the
     * connection closed (empty then).
     */
    public byte[] exchange(byte[] octets, boolean fin) throws IOException {
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try {
            QuicStreamChannel stream = connection.createStream(QuicStreamType.BIDIRECTIONAL,
                    new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf b = (ByteBuf) msg;
                            byte[] chunk = new byte[b.readableBytes()];
                            b.readBytes(chunk);
                            b.release();
                            got.writeBytes(chunk);
                        }

                        @Override
                        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                            if (evt instanceof ChannelInputShutdownEvent) {
                                reply.complete(got.toByteArray());
                            }
                        }

                        @Override
                        public void channelInactive(ChannelHandlerContext ctx) {
                            reply.complete(got.toByteArray());
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            reply.complete(got.toByteArray());
                        }
                    }).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            stream.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            var written = stream.writeAndFlush(Unpooled.wrappedBuffer(octets));
            if (fin) {
                written.addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            }
            return reply.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("DoQ exchange failed: " + e, e);
        }
    }

    /**
     * The server's CONNECTION_CLOSE once it came (waiting up to {@code seconds}), or null when the
     * connection is still open then.
     */
    public QuicConnectionCloseEvent closed(long seconds) {
        try {
            return closeEvent.get(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return null;
        }
    }

    /**
     * How many bidirectional streams the server lets this connection open (its {@code max_streams}),
     * read on the connection's event loop once the server's transport parameters are in (polled up
     * to the timeout: 0 until then).
     */
    public long allowedStreams() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        try {
            while (true) {
                long n = connection.eventLoop()
                        .submit(() -> connection.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL))
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                if (n > 0 || System.nanoTime() > deadline) {
                    return n;
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(e);
        }
    }

    /** True while the connection is open. */
    public boolean open() {
        return connection.isActive();
    }

    @Override
    public void close() {
        try {
            connection.close().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            datagram.close().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }
}
