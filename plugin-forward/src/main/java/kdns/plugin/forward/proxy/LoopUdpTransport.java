package kdns.plugin.forward.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.unix.Errors;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import kdns.netty.BatchReadBuffers;

/**
 * UDP to one upstream on the event loops of the server's epoll UDP listener
 * ({@link kdns.api.Request#eventLoop()}): per loop one connected epoll socket registered on that
 * loop, so a query is sent, its reply read and the reply written back to the client on the one
 * thread that read the query, with no reader thread and no hand-off. The queries one loop round
 * sends to this upstream leave together with one {@code sendmmsg} (a flush task per round, run
 * after the round's reads), and the replies are read with {@code recvmmsg}; the listener sends the
 * replies to the clients together the same way. On a 2-core machine a forwarded query cost about
 * one context switch in four with a reader thread (benchmarks/results/earlier.md, s8-C).
 *
 * <p>Everything a socket holds is touched on its loop only. It behaves as {@link UdpTransport}'s
 * kept sockets: a random ID per query, a reply matched by ID and dropped when nobody waits for it,
 * a datagram that is not a reply ignored, connection refused failing every query in flight on the
 * socket, a socket idle for {@code expire} replaced (a connection-cache miss), retired sockets
 * closed once their queries are answered or timed out. Timeouts are timers of the loop, one per
 * socket at the deadline of its oldest query: the read timeout is the upstream's and the same for
 * every query, so the queries' deadlines come in the order they were sent. That order is a list
 * linked through the queries themselves, and an answered query leaves it at once wherever it is:
 * at saturation an upstream drops some queries, and a queue that kept the answered ones behind
 * such a query for its 2 s held about 150,000 of them (5 MiB promoted to the old generation,
 * benchmarks/results/earlier.md, s10-A).
 */
final class LoopUdpTransport {

    /**
     * The largest reply read here: the queries that come this way ask for no more
     * ({@link #serves}), since the query sent upstream carries the client's EDNS0 buffer size.
     */
    static final int MAX_REPLY = 4096;
    /** Replies read by one {@code recvmmsg}. */
    private static final int BATCH = 16;
    /** The queries of one loop round are written into one buffer of this size (a larger query gets its own). */
    private static final int QUERY_SLAB = 64 << 10;
    /** Queries in flight one socket can hold (a power of two; IDs are 16 bits). */
    private static final int IN_FLIGHT_SLOTS = 16384;
    private static final long NO_SWEEP = Long.MAX_VALUE;
    private static final boolean EPOLL = epoll();
    /**
     * Pooled direct memory in 512 KiB chunks, as the listener's (host's EpollUdpListener explains
     * why): the 64 KiB buffer of each batched read stays within a chunk that is kept.
     */
    private static final ByteBufAllocator ALLOC = EPOLL ? new PooledByteBufAllocator(true, 0,
            Math.max(1, Runtime.getRuntime().availableProcessors()), 8192, 6) : null;

    private final Upstream upstream;
    private final InetSocketAddress address;
    /** The socket in use on each loop. */
    private final Map<EventLoop, LoopSocket> sockets = new ConcurrentHashMap<>();
    /** Every socket not yet closed, those retired included. */
    private final Set<LoopSocket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    LoopUdpTransport(Upstream upstream, InetSocketAddress address) {
        this.upstream = upstream;
        this.address = address;
    }

    private static boolean epoll() {
        try {
            return Epoll.isAvailable();
        } catch (LinkageError e) {
            return false; // no native transport on this platform: every query takes UdpTransport
        }
    }

    /**
     * The loop to exchange a query on, or null when {@link UdpTransport} takes it: this transport
     * serves a query whose chain runs on an epoll event loop (the calling thread) and whose reply
     * fits {@link #MAX_REPLY}.
     */
    static EventLoop serves(Executor loop, int replyLimit) {
        if (EPOLL && replyLimit <= MAX_REPLY && loop instanceof EventLoop el && el.inEventLoop()) {
            return el;
        }
        return null;
    }

    /**
     * Sends {@code wire} with a fresh ID on {@code loop}'s socket (the calling thread is that loop)
     * and calls back on the loop with the reply or an error after {@code timeoutNanos}; errors found
     * while sending are reported in a later task of the loop, never from within this call.
     */
    void send(EventLoop loop, byte[] wire, long timeoutNanos, ReplyCallback callback) {
        LoopSocket socket;
        try {
            socket = socket(loop);
        } catch (IOException e) {
            later(loop, callback, e);
            return;
        }
        socket.send(wire, timeoutNanos, callback);
    }

    private static void later(EventLoop loop, ReplyCallback callback, IOException e) {
        loop.execute(() -> callback.error(e));
    }

    private LoopSocket socket(EventLoop loop) throws IOException {
        if (closed) {
            throw new IOException("proxy: transport stopped");
        }
        long now = System.nanoTime();
        LoopSocket s = sockets.get(loop);
        // A socket closed under it (its loop shutting down) is replaced like an expired one.
        if (s != null && !s.retiring && s.channel.isOpen() && now - s.lastUsed <= upstream.expireNanos()) {
            s.lastUsed = now;
            upstream.series().cacheHit("udp");
            return s;
        }
        if (s != null) {
            sockets.remove(loop, s);
            s.retire();
        }
        upstream.series().cacheMiss("udp");
        s = new LoopSocket(loop);
        sockets.put(loop, s);
        if (closed) {
            // close() ran while this socket was made and may not have seen it.
            sockets.remove(loop, s);
            s.retire();
            throw new IOException("proxy: transport stopped");
        }
        return s;
    }

    /** Retires sockets idle for longer than the expiry (on their loops). */
    void cleanup() {
        long expire = upstream.expireNanos();
        for (LoopSocket s : sockets.values()) {
            s.onLoop(() -> {
                if (System.nanoTime() - s.lastUsed > expire) {
                    sockets.remove(s.loop, s);
                    s.retire();
                }
            });
        }
    }

    /** No new queries; each socket closes once its queries are answered or timed out. */
    void close() {
        closed = true;
        for (LoopSocket s : sockets.values()) {
            sockets.remove(s.loop, s);
            s.onLoop(s::retire);
        }
    }

    /** How many sockets are open, retired ones included (for tests of the connection cache). */
    int openSockets() {
        return open.size();
    }

    /**
     * Queries {@code loop}'s socket holds for their timeouts, counted along the send order (tests:
     * an answered query must not stay there behind an older one still waiting). Runs on {@code loop}.
     */
    int waiting(EventLoop loop) {
        LoopSocket s = sockets.get(loop);
        int n = 0;
        for (Pending p = s == null ? null : s.oldest; p != null; p = p.newer) {
            n++;
        }
        return n;
    }

    /**
     * A query in flight: its ID on the socket, when it times out, who waits for it, and its
     * neighbours in the send order (only queries in flight are linked).
     */
    private static final class Pending {
        final int id;
        final long deadline;
        final ReplyCallback callback;
        Pending older;
        Pending newer;

        Pending(int id, long deadline, ReplyCallback callback) {
            this.id = id;
            this.deadline = deadline;
            this.callback = callback;
        }
    }

    /** One upstream socket on one loop; every method but {@link #onLoop} runs on that loop. */
    private final class LoopSocket extends ChannelInboundHandlerAdapter {
        final EventLoop loop;
        final EpollDatagramChannel channel;
        /** The queries in flight by their ID's low bits; an ID whose slot is taken is not used. */
        private final Pending[] slots = new Pending[IN_FLIGHT_SLOTS];
        /** The same queries in the order sent, which is their deadlines' order: the ends of the list. */
        private Pending oldest;
        private Pending newest;
        private int inFlight;
        private long sweepDue = NO_SWEEP;
        private boolean flushQueued;
        private final Runnable flush = this::flushNow;
        /**
         * The queries written since the last flush, one after the other, each sent as a slice: no
         * pool allocation (nor leak-detector sample, a stack trace of one buffer in 128) per query.
         * Reused from the start after a flush that sent every slice; when some wait in the socket's
         * queue they keep this one and the next query makes another.
         */
        private ByteBuf queries;
        private int queriesUsed;
        volatile long lastUsed = System.nanoTime();
        volatile boolean retiring;

        LoopSocket(EventLoop loop) throws IOException {
            this.loop = loop;
            channel = address.getAddress() instanceof Inet4Address
                    ? new EpollDatagramChannel(InternetProtocolFamily.IPv4)
                    : new EpollDatagramChannel(InternetProtocolFamily.IPv6);
            channel.config().setOption(ChannelOption.ALLOCATOR, ALLOC);
            channel.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_REPLY);
            channel.config().setOption(ChannelOption.RCVBUF_ALLOCATOR, new BatchReadBuffers(MAX_REPLY, BATCH));
            channel.config().setOption(ChannelOption.SO_RCVBUF, 1 << 20);
            channel.pipeline().addLast(this);
            // On the loop's own thread registering and connecting a datagram socket complete
            // within these calls.
            ChannelFuture registered = loop.register(channel);
            if (!registered.isDone() || !registered.isSuccess()) {
                channel.unsafe().closeForcibly();
                throw new IOException("udp socket to " + upstream.addr() + ": " + registered.cause());
            }
            ChannelFuture connected = channel.connect(address);
            if (!connected.isDone() || !connected.isSuccess()) {
                channel.close();
                throw new IOException("dial udp " + upstream.addr() + ": " + connected.cause());
            }
            open.add(this);
            channel.closeFuture().addListener(f -> open.remove(this));
        }

        /** Runs {@code task} on the loop; closes the socket when the loop is gone. */
        void onLoop(Runnable task) {
            try {
                loop.execute(task);
            } catch (RejectedExecutionException e) {
                channel.close();
            }
        }

        void send(byte[] wire, long timeoutNanos, ReplyCallback callback) {
            long deadline = System.nanoTime() + timeoutNanos;
            Pending p = null;
            for (int tries = 0; tries < 32 && p == null; tries++) {
                int id = ThreadLocalRandom.current().nextInt(65536);
                int slot = id & (IN_FLIGHT_SLOTS - 1);
                if (slots[slot] == null) {
                    p = new Pending(id, deadline, callback);
                    slots[slot] = p;
                }
            }
            if (p == null) {
                later(loop, callback, new IOException("too many queries in flight to " + upstream.addr()));
                return;
            }
            inFlight++;
            p.older = newest;
            if (newest != null) {
                newest.newer = p;
            } else {
                oldest = p;
            }
            newest = p;
            sweepBy(deadline);
            ByteBuf out = queryBuffer(wire);
            out.setShort(0, p.id);
            channel.write(out, channel.voidPromise());
            if (!flushQueued) {
                flushQueued = true;
                loop.execute(flush);
            }
        }

        private void flushNow() {
            flushQueued = false;
            channel.flush();
            if (queriesUsed > 0) {
                queriesUsed = 0;
                if (queries.refCnt() > 1) {
                    queries.release();
                    queries = null;
                }
            }
        }

        /** {@code wire} in a direct buffer the channel can send from: a slice of the round's slab when it fits. */
        private ByteBuf queryBuffer(byte[] wire) {
            if (queries == null) {
                queries = BatchReadBuffers.UNTRACKED.directBuffer(QUERY_SLAB);
            }
            if (queriesUsed + wire.length <= queries.capacity()) {
                queries.setBytes(queriesUsed, wire);
                ByteBuf out = queries.retainedSlice(queriesUsed, wire.length);
                queriesUsed += wire.length;
                return out;
            }
            return channel.alloc().directBuffer(wire.length).writeBytes(wire);
        }

        /** Removes {@code p} from the table; false when it was no longer there. */
        private boolean remove(Pending p) {
            int slot = p.id & (IN_FLIGHT_SLOTS - 1);
            if (slots[slot] != p) {
                return false;
            }
            slots[slot] = null;
            if (p.older != null) {
                p.older.newer = p.newer;
            } else {
                oldest = p.newer;
            }
            if (p.newer != null) {
                p.newer.older = p.older;
            } else {
                newest = p.older;
            }
            p.older = null;
            p.newer = null;
            inFlight--;
            return true;
        }

        private void sweepBy(long deadline) {
            if (sweepDue != NO_SWEEP && sweepDue - deadline <= 0) {
                return;
            }
            sweepDue = deadline;
            loop.schedule(() -> sweep(deadline), Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        /** Fails the queries past their deadline; only the timer of the sweep now due does anything. */
        private void sweep(long due) {
            if (sweepDue != due) {
                return;
            }
            sweepDue = NO_SWEEP;
            long now = System.nanoTime();
            List<ReplyCallback> expired = new ArrayList<>();
            while (oldest != null && oldest.deadline - now <= 0) {
                Pending p = oldest;
                remove(p);
                expired.add(p.callback);
            }
            if (oldest != null) {
                sweepBy(oldest.deadline);
            }
            for (ReplyCallback callback : expired) {
                callback.error(new SocketTimeoutException("read udp " + upstream.addr() + ": i/o timeout"));
            }
            released();
        }

        /** No new queries; closed once the ones in flight are answered or timed out. */
        void retire() {
            retiring = true;
            released();
        }

        private void released() {
            if (retiring && inFlight == 0 && channel.isOpen()) {
                channel.close();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            try {
                ByteBuf c = packet.content();
                int n = c.readableBytes();
                int at = c.readerIndex();
                if (n < 12 || (c.getByte(at + 2) & 0x80) == 0) {
                    // Too short, or not a reply (QR clear): our own query come back when the system
                    // gave this socket the port of a local upstream that is down. No answer; the
                    // query times out and fails over like any other.
                    return;
                }
                int id = c.getUnsignedShort(at);
                Pending p = slots[id & (IN_FLIGHT_SLOTS - 1)];
                if (p == null || p.id != id) {
                    return; // late (timed out) or unsolicited: dropped
                }
                byte[] bytes = new byte[n];
                c.getBytes(at, bytes);
                DecodedReply reply = DecodedReply.of(upstream, bytes, n);
                remove(p);
                reply.deliver(p.callback);
                released();
            } finally {
                packet.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (refused(cause)) {
                failAll(new PortUnreachableException("read udp " + upstream.addr() + ": connection refused"));
            } else if (channel.isOpen()) {
                failAll(cause instanceof IOException io ? io : new IOException(cause));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            failAll(new IOException("proxy: transport stopped"));
            // The queue's slices were released when the channel closed; the slab is ours alone.
            if (queries != null) {
                queries.release();
                queries = null;
                queriesUsed = 0;
            }
        }

        /** ICMP port unreachable, reported by the connected socket on a read or a send. */
        private static boolean refused(Throwable cause) {
            return cause instanceof PortUnreachableException
                    || cause instanceof Errors.NativeIoException e && e.expectedErr() == Errors.ERROR_ECONNREFUSED_NEGATIVE;
        }

        /** Fails every query in flight; those the callbacks send meanwhile are not among them. */
        private void failAll(IOException e) {
            List<ReplyCallback> callbacks = new ArrayList<>(inFlight);
            while (oldest != null) {
                Pending p = oldest;
                remove(p);
                callbacks.add(p.callback);
            }
            for (ReplyCallback callback : callbacks) {
                callback.error(e);
            }
            released();
        }
    }
}
