package kdns.plugin.forward.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * UDP to one upstream without a thread per query: a few connected sockets, each drained by one
 * reader thread that hands every reply to the query waiting for its (random) ID. A socket unused
 * for {@code expire} is closed and replaced on next use (a connection-cache miss); with
 * {@code expire 0} every query gets a socket of its own, as CoreDNS never reuses one then.
 */
final class UdpTransport {

    /**
     * Kept sockets per upstream, each with its reader thread: one per two processors, from one to
     * four. A reader with too little to do sleeps and is woken for nearly every reply; on a 2-core
     * machine at saturation behind one upstream, four readers cost about 0.2 context switches per
     * query more than one and 9-22% more CPU per query (benchmarks/results/earlier.md, s8-C).
     */
    static final int SOCKETS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
    /** Queries in flight one kept socket can hold (a power of two; IDs are 16 bits). */
    private static final int IN_FLIGHT_SLOTS = 16384;
    private static final long NO_SWEEP = Long.MAX_VALUE;

    private final Upstream upstream;
    private final InetSocketAddress address;
    private final UdpSocket[] slots = new UdpSocket[SOCKETS];
    private final AtomicInteger robin = new AtomicInteger();
    private volatile boolean closed;

    UdpTransport(Upstream upstream, InetSocketAddress address) {
        this.upstream = upstream;
        this.address = address;
    }

    /**
     * Sends {@code wire} with a fresh ID and calls back with the reply or an error after
     * {@code timeoutNanos}. Never blocks; errors are reported on another thread.
     */
    void send(byte[] wire, long timeoutNanos, ReplyCallback callback) {
        UdpSocket socket;
        try {
            socket = socket();
        } catch (IOException e) {
            asyncError(callback, e);
            return;
        }
        Pending p = null;
        long deadline = System.nanoTime() + timeoutNanos;
        for (int tries = 0; tries < 32 && p == null; tries++) {
            Pending candidate = new Pending(ThreadLocalRandom.current().nextInt(65536), deadline, callback);
            if (socket.pending.add(candidate)) {
                p = candidate;
            }
        }
        if (p == null) {
            asyncError(callback, new IOException("too many queries in flight to " + upstream.addr()));
            socket.released();
            return;
        }
        final int id = p.id;
        socket.sweepBy(deadline);
        byte[] out = wire.clone();
        out[0] = (byte) (id >>> 8);
        out[1] = (byte) id;
        try {
            socket.channel.write(ByteBuffer.wrap(out));
        } catch (IOException e) {
            if (socket.pending.remove(p)) {
                asyncError(callback, e instanceof PortUnreachableException
                        ? new PortUnreachableException("write udp " + upstream.addr() + ": connection refused") : e);
                socket.released();
            }
        }
    }

    private static void asyncError(ReplyCallback callback, IOException e) {
        ForwardTimer.virtual("forward-error", () -> callback.error(e));
    }

    private UdpSocket socket() throws IOException {
        if (closed) {
            throw new IOException("proxy: transport stopped");
        }
        long expire = upstream.expireNanos();
        long now = System.nanoTime();
        if (expire <= 0) {
            upstream.series().cacheMiss("udp");
            return open(true);
        }
        int slot = Math.floorMod(robin.getAndIncrement(), SOCKETS);
        synchronized (slots) {
            UdpSocket s = slots[slot];
            if (s != null && !s.closed && now - s.lastUsed <= expire) {
                s.lastUsed = now;
                upstream.series().cacheHit("udp");
                return s;
            }
            if (s != null) {
                s.retire();
            }
            upstream.series().cacheMiss("udp");
            s = open(false);
            slots[slot] = s;
            return s;
        }
    }

    private UdpSocket open(boolean singleUse) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.connect(address);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        UdpSocket s = new UdpSocket(ch, singleUse);
        // A kept socket gets a platform thread blocked in the read itself, so a reply wakes that
        // thread alone. A virtual thread there cost two wake-ups per reply (the JDK's poller, then
        // a carrier) and about a third of forward's CPU at 20k queries/s. A single-use socket
        // (expire 0) lives for one query, too short for a platform thread to pay.
        Thread.Builder reader = singleUse ? Thread.ofVirtual() : Thread.ofPlatform().daemon();
        reader.name("forward-udp-" + upstream.addr()).start(s::readLoop);
        return s;
    }

    /** Closes sockets idle for longer than the expiry. */
    void cleanup() {
        long expire = upstream.expireNanos();
        long now = System.nanoTime();
        synchronized (slots) {
            for (int i = 0; i < slots.length; i++) {
                UdpSocket s = slots[i];
                if (s != null && (s.closed || now - s.lastUsed > expire)) {
                    s.retire();
                    slots[i] = null;
                }
            }
        }
    }

    void close() {
        closed = true;
        synchronized (slots) {
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] != null) {
                    slots[i].retire();
                    slots[i] = null;
                }
            }
        }
    }

    /** How many sockets are open (for tests of the connection cache). */
    int openSockets() {
        int n = 0;
        synchronized (slots) {
            for (UdpSocket s : slots) {
                if (s != null && !s.closed) {
                    n++;
                }
            }
        }
        return n;
    }

    /** A query in flight: its ID on the socket, when it times out, who waits for it. */
    private record Pending(int id, long deadline, ReplyCallback callback) {
    }

    /**
     * The queries in flight on one socket, in a slot per ID's low bits: adding, finding and
     * removing one is one compare-and-set or read of an array element, where a concurrent map
     * boxed the ID and hashed it for each (about 5% of forward's CPU). An ID whose slot is taken
     * is not used; the sender draws another, as it does for an ID in use.
     */
    private static final class InFlight {
        private final AtomicReferenceArray<Pending> slots;
        private final int mask;
        private final AtomicInteger count = new AtomicInteger();

        InFlight(int size) {
            slots = new AtomicReferenceArray<>(size);
            mask = size - 1;
        }

        boolean add(Pending p) {
            if (!slots.compareAndSet(p.id & mask, null, p)) {
                return false;
            }
            count.incrementAndGet();
            return true;
        }

        /** The query waiting for {@code id}, or null. */
        Pending get(int id) {
            Pending p = slots.get(id & mask);
            return p != null && p.id == id ? p : null;
        }

        /** Removes {@code p}; false when it was no longer there (answered, timed out, failed). */
        boolean remove(Pending p) {
            if (!slots.compareAndSet(p.id & mask, p, null)) {
                return false;
            }
            count.decrementAndGet();
            return true;
        }

        boolean isEmpty() {
            return count.get() == 0;
        }

        List<Pending> all() {
            List<Pending> out = new ArrayList<>();
            for (int i = 0; i < slots.length(); i++) {
                Pending p = slots.get(i);
                if (p != null) {
                    out.add(p);
                }
            }
            return out;
        }
    }

    private final class UdpSocket {
        final DatagramChannel channel;
        final InFlight pending;
        /**
         * When the next timeout sweep is due ({@link #NO_SWEEP}: none is). One timer for the socket
         * instead of one per query: a timer entry added and removed under the timer's lock for
         * every query cost more than the sweep, which at a steady load runs about once per read
         * timeout, at the deadline of the oldest query still unanswered.
         */
        final AtomicLong nextSweep = new AtomicLong(NO_SWEEP);
        final boolean singleUse;
        volatile long lastUsed = System.nanoTime();
        volatile boolean closed;
        volatile boolean retiring;

        UdpSocket(DatagramChannel channel, boolean singleUse) {
            this.channel = channel;
            this.singleUse = singleUse;
            this.pending = new InFlight(singleUse ? 1 : IN_FLIGHT_SLOTS);
        }

        /**
         * Makes sure a sweep runs by {@code deadline}, a query's that is already in
         * {@link #pending}: one is scheduled unless one is due earlier.
         */
        void sweepBy(long deadline) {
            while (true) {
                long due = nextSweep.get();
                if (due != NO_SWEEP && due - deadline <= 0) {
                    return;
                }
                if (nextSweep.compareAndSet(due, deadline)) {
                    ForwardTimer.after(Math.max(0, deadline - System.nanoTime()), () -> sweep(deadline));
                    return;
                }
            }
        }

        /**
         * Fails the queries whose deadline has passed and schedules the next sweep for the
         * earliest deadline left. A query added while this runs either is seen here or, finding
         * no sweep due, schedules its own. Only the timer of the sweep now due ({@code due} is
         * still {@link #nextSweep}) sweeps: a timer superseded by an earlier one returns at once.
         * Without that check every timer scanned the whole table, and the timers that queries
         * scheduled while a sweep ran (finding none due) added sweeps that each did the same, a
         * count that grew with every round of sweeps until the forward timer thread took most of
         * the CPU at saturation (JFR: most samples of a 10 s forward run in {@code all()}).
         */
        private void sweep(long due) {
            if (!nextSweep.compareAndSet(due, NO_SWEEP)) {
                return;
            }
            long now = System.nanoTime();
            long earliest = Long.MAX_VALUE;
            boolean any = false;
            for (Pending p : pending.all()) {
                if (p.deadline - now <= 0) {
                    if (pending.remove(p)) {
                        p.callback.error(new SocketTimeoutException("read udp " + upstream.addr() + ": i/o timeout"));
                        released();
                    }
                } else if (!any || p.deadline - earliest < 0) {
                    earliest = p.deadline;
                    any = true;
                }
            }
            if (any) {
                sweepBy(earliest);
            }
        }

        /** No new queries; closed once the ones in flight are answered or timed out. */
        void retire() {
            retiring = true;
            if (pending.isEmpty()) {
                close();
            }
        }

        /** Called after a query left {@link #pending}. */
        void released() {
            if ((retiring || singleUse) && pending.isEmpty()) {
                close();
            }
        }

        void close() {
            if (!closed) {
                closed = true;
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing: nothing to do
                }
            }
        }

        void readLoop() {
            // A kept socket's buffer is direct, so the JDK reads into it without a temporary buffer
            // and a copy per reply; a single-use socket's lives for one reply, too short to pay.
            ByteBuffer buf = singleUse ? ByteBuffer.allocate(65535) : ByteBuffer.allocateDirect(65535);
            while (!closed) {
                buf.clear();
                int n;
                try {
                    n = channel.read(buf);
                } catch (PortUnreachableException e) {
                    failAll(new PortUnreachableException("read udp " + upstream.addr() + ": connection refused"));
                    continue;
                } catch (ClosedChannelException e) {
                    break;
                } catch (IOException e) {
                    if (closed) {
                        break;
                    }
                    failAll(e);
                    continue;
                }
                if (n < 12) {
                    continue;
                }
                if ((buf.get(2) & 0x80) == 0) {
                    // Not a reply (QR clear): our own query come back, when the system gave this
                    // socket the port of a local upstream that is down, so the socket is connected
                    // to itself. It is no answer; the query times out and fails over like any other.
                    continue;
                }
                int id = ((buf.get(0) & 0xff) << 8) | (buf.get(1) & 0xff);
                Pending p = pending.get(id);
                if (p == null) {
                    continue; // late (timed out) or unsolicited: dropped
                }
                byte[] bytes = new byte[n];
                buf.get(0, bytes);
                DecodedReply reply = DecodedReply.of(upstream, bytes, n);
                if (pending.remove(p)) {
                    reply.deliver(p.callback);
                    released();
                }
            }
            failAll(new IOException("proxy: transport stopped"));
        }

        private void failAll(IOException e) {
            List<Pending> all = pending.all();
            for (Pending p : all) {
                if (pending.remove(p)) {
                    p.callback.error(e);
                }
            }
            released();
        }
    }
}
