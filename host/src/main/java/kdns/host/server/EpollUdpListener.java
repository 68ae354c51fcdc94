package kdns.host.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import kdns.api.Log;
import kdns.api.Transport;
import kdns.netty.BatchReadBuffers;

/**
 * UDP on one address through Netty's native epoll transport: one {@code SO_REUSEPORT} socket per
 * event-loop thread, read with {@code recvmmsg} (up to {@link #BATCH} queries per system call), the
 * chain run inline for each query, and the replies of one read sent together with
 * {@code sendmmsg} when the read is complete. On this machine a system call, with the wake-up
 * around it, costs more than answering a query from memory, so batching is where the CPU per query
 * goes down (host/README.md has the figures). Replies written later from a plugin's own platform
 * thread (deferred answers, such as forward's) are sent by that thread itself on the same socket
 * ({@link DirectDatagramSender}); from a virtual thread they are handed to the socket's event loop
 * and sent at once. Replies written later on the event loop itself (a plugin's own channel on the
 * loop, given as {@link kdns.api.Request#eventLoop()}, such as forward's upstream sockets) are
 * queued and sent together with one {@code sendmmsg} when the loop has handled the I/O it is
 * doing, by one task per loop round. A read and the replies written during it use buffers of the
 * socket's own instead of the pool's ({@link BatchReadBuffers}, {@code Reader.replies}).
 */
final class EpollUdpListener implements UdpListener {

    private static final Log LOG = Log.plain();
    /**
     * The largest query read in a batch. A query is one question plus an OPT record; even padded to
     * 468 bytes (RFC 8467) it stays far below this. A longer datagram is cut here and answered
     * FORMERR, as a query that does not parse.
     */
    static final int MAX_QUERY = 4096;
    /** Queries read by one {@code recvmmsg}. */
    static final int BATCH = 16;
    /** The replies of one read are written into one buffer of this size (a larger reply gets its own). */
    static final int REPLY_SLAB = 64 << 10;
    /** Replies queued on a socket the kernel does not take (full send buffer): past this they are dropped, as UDP would. */
    private static final WriteBufferWaterMark QUEUE_LIMIT = new WriteBufferWaterMark(256 << 10, 1 << 20);

    private final EventLoopGroup loops;
    private final List<Channel> channels = new ArrayList<>();
    private final List<DirectDatagramSender> senders = new CopyOnWriteArrayList<>();
    private final Supplier<QueryProcessor> processor;
    private final InetSocketAddress boundAddress;
    private volatile boolean closed;

    /** True when Netty's native epoll library loads on this platform. */
    static boolean available() {
        return Epoll.isAvailable();
    }

    /** Why {@link #available()} is false (or "available"). */
    static String unavailabilityCause() {
        Throwable t = Epoll.unavailabilityCause();
        return t == null ? "available" : String.valueOf(t.getMessage());
    }

    EpollUdpListener(InetSocketAddress address, int sockets, Supplier<QueryProcessor> processor) throws IOException {
        this.processor = processor;
        int n = Math.max(1, sockets);
        loops = new EpollEventLoopGroup(n, readerThreads(address.getPort()));
        // Reads and the replies written during them use the socket's own buffers (BatchReadBuffers,
        // Reader.replies); the pool serves the rest (replies written outside a read, a read while
        // the last one's datagrams are still held). Pooled direct memory in 512 KiB chunks instead
        // of Netty's 4 MiB: a 64 KiB read buffer (too large for the thread caches) takes an eighth
        // of a chunk, so the chunk stays in the arena's first list, which keeps it when it empties.
        // With 128 KiB chunks every read that freed it freed the chunk, and the next read
        // allocated and zeroed a new one (seen in JFR at saturation behind forward).
        ByteBufAllocator alloc = new PooledByteBufAllocator(true, 0, n, 8192, 6);
        boolean ipv4 = address.getAddress() instanceof Inet4Address && !address.getAddress().isAnyLocalAddress();
        Bootstrap b = new Bootstrap().group(loops)
                .channelFactory(() -> ipv4 ? new EpollDatagramChannel(InternetProtocolFamily.IPv4)
                        : new EpollDatagramChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOCATOR, alloc)
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, QUEUE_LIMIT)
                .option(EpollChannelOption.SO_REUSEPORT, true)
                .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_QUERY)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new BatchReadBuffers(MAX_QUERY, BATCH))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Reader());
                    }
                });
        // The IPv4 wildcard binds the IPv6 wildcard of a dual-stack socket, as the JDK does, so
        // that a server without 'bind' answers both families.
        InetSocketAddress bindTo = address.getAddress() != null && address.getAddress().isAnyLocalAddress()
                && address.getAddress() instanceof Inet4Address && !ipv4
                ? new InetSocketAddress(InetAddress.getByAddress(new byte[16]), address.getPort()) : address;
        InetSocketAddress bound = null;
        try {
            for (int i = 0; i < n; i++) {
                ChannelFuture f = b.bind(bindTo).awaitUninterruptibly();
                if (!f.isSuccess()) {
                    throw new IOException(String.valueOf(f.cause().getMessage()), f.cause());
                }
                Channel ch = f.channel();
                channels.add(ch);
                if (bound == null) {
                    bound = (InetSocketAddress) ch.localAddress();
                    bindTo = new InetSocketAddress(bindTo.getAddress(), bound.getPort());
                }
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw new IOException("cannot listen on udp " + address + ": " + e.getMessage(), e);
        }
        // Report the address as asked (0.0.0.0 stays 0.0.0.0), with the port actually bound.
        this.boundAddress = new InetSocketAddress(address.getAddress(), bound.getPort());
    }

    private static ThreadFactory readerThreads(int port) {
        AtomicInteger next = new AtomicInteger();
        return r -> Thread.ofPlatform().daemon().name("udp-" + port + "-" + next.getAndIncrement()).unstarted(r);
    }

    @Override
    public InetSocketAddress address() {
        return boundAddress;
    }

    @Override
    public void start() {
        for (Channel ch : channels) {
            ch.config().setAutoRead(true);
        }
    }

    /**
     * One socket's reader, on its event-loop thread. {@code reading} is true while a batch is being
     * answered: replies written then wait for the batch's flush; any other reply is sent at once.
     */
    private final class Reader extends ChannelInboundHandlerAdapter {
        private boolean reading;
        /** A flush task is queued on the loop for replies written outside a read. */
        private boolean flushQueued;
        private DirectDatagramSender direct;
        private Channel channel;
        /**
         * The replies of the read being answered, one after the other, each sent as a slice: no
         * pool allocation (nor leak-detector sample) per reply. Reused from the start when every
         * slice was sent by the read's flush; when some wait in the socket's queue (a full send
         * buffer) they keep this one and the next read makes another.
         */
        private ByteBuf replies;
        private int repliesUsed;
        /**
         * Sends the replies queued outside a read. The loop runs its tasks after the I/O events of
         * a round, so every reply written while a plugin's channel on this loop was read in that
         * round (forward's upstream replies) leaves in one {@code sendmmsg}.
         */
        private final Runnable flushQueuedReplies = () -> {
            flushQueued = false;
            channel.flush();
            recycleReplies();
        };

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            direct = new DirectDatagramSender((Socket) ((EpollDatagramChannel) ctx.channel()).fd());
            senders.add(direct);
            channel = ctx.channel();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            reading = true;
            try {
                ByteBuf content = packet.content();
                byte[] query = new byte[content.readableBytes()];
                content.getBytes(content.readerIndex(), query);
                InetSocketAddress remote = packet.sender();
                Channel ch = ctx.channel();
                processor.get().handle(query, query.length, Transport.UDP, remote, boundAddress,
                        (wire, len) -> send(ch, wire, len, remote), ch.eventLoop());
            } catch (RuntimeException | StackOverflowError e) {
                // QueryProcessor catches plugin failures; this is a last line so a reader never dies.
                LOG.error("udp query from " + packet.sender() + " failed: " + e);
            } finally {
                packet.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            reading = false;
            ctx.flush();
            recycleReplies();
        }

        /**
         * After a flush of everything written: the reply buffer is reused from the start when
         * every slice was sent; when some wait in the socket's queue they keep it and a new one is made.
         */
        private void recycleReplies() {
            if (repliesUsed > 0) {
                repliesUsed = 0;
                if (replies.refCnt() > 1) {
                    replies.release();
                    replies = null;
                }
            }
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            if (replies != null) {
                replies.release();
                replies = null;
            }
        }

        /**
         * {@code wire[0, len)} in a direct buffer the channel can send from; in the reply buffer
         * when written on the loop (only the loop's thread touches that buffer), during a read or
         * after it (forward's replies read from its upstream socket on this loop), since each is
         * sent by a flush of the loop that recycles the buffer after it.
         */
        private ByteBuf replyBuffer(Channel ch, byte[] wire, int len, boolean onLoop) {
            if (onLoop) {
                if (replies == null) {
                    replies = BatchReadBuffers.UNTRACKED.directBuffer(REPLY_SLAB);
                }
                if (repliesUsed + len <= replies.capacity()) {
                    replies.setBytes(repliesUsed, wire, 0, len);
                    ByteBuf reply = replies.retainedSlice(repliesUsed, len);
                    repliesUsed += len;
                    return reply;
                }
            }
            return ch.alloc().directBuffer(len).writeBytes(wire, 0, len);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A failed read or send concerns one datagram; the socket stays open.
            if (!closed) {
                LOG.debug("udp on " + boundAddress + ": " + cause.getMessage());
            }
        }

        private void send(Channel ch, byte[] wire, int len, InetSocketAddress remote) {
            boolean inLoop = ch.eventLoop().inEventLoop();
            if (!inLoop && DirectDatagramSender.usableFromCurrentThread()) {
                try {
                    direct.send(wire, len, remote);
                } catch (IOException e) {
                    if (!closed) {
                        LOG.debug("udp reply to " + remote + " failed: " + e.getMessage());
                    }
                }
                return;
            }
            if (!ch.isWritable()) {
                LOG.debug("udp reply to " + remote + " dropped: the socket's queue is full");
                return;
            }
            DatagramPacket reply = new DatagramPacket(replyBuffer(ch, wire, len, inLoop), remote);
            if (reading && inLoop) {
                ch.write(reply, ch.voidPromise());
            } else if (inLoop) {
                ch.write(reply, ch.voidPromise());
                if (!flushQueued) {
                    flushQueued = true;
                    ch.eventLoop().execute(flushQueuedReplies);
                }
            } else {
                ch.writeAndFlush(reply, ch.voidPromise());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (DirectDatagramSender s : senders) {
            s.close();
        }
        for (Channel ch : channels) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
