package kdns.plugin.forward.proxy;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.xbill.DNS.Message;

/**
 * TCP or DNS-over-TLS to one upstream with CoreDNS's connection cache: a query takes an idle
 * connection (the oldest first) or dials a new one, uses it alone, and gives it back; connections
 * idle for longer than {@code expire} are closed. Blocking I/O, always called on a virtual thread.
 */
final class StreamTransport {

    private static final long MIN_DIAL_NANOS = 1_000_000_000L;
    private static final long MAX_DIAL_NANOS = 30_000_000_000L;

    private final Upstream upstream;
    private final InetSocketAddress address;
    private final TlsSettings tls;
    private final String proto;
    private final ConcurrentLinkedDeque<Conn> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private final AtomicLong avgDialNanos = new AtomicLong(MAX_DIAL_NANOS / 2);
    private volatile boolean closed;

    StreamTransport(Upstream upstream, InetSocketAddress address, TlsSettings tls) {
        this.upstream = upstream;
        this.address = address;
        this.tls = tls;
        this.proto = tls == null ? "tcp" : "tcp-tls";
    }

    String proto() {
        return proto;
    }

    /** One exchange: sends {@code wire} with a fresh ID and returns the reply with that ID. */
    Message exchange(byte[] wire, long readTimeoutNanos) throws IOException {
        // A cached connection the upstream has closed meanwhile is retried on another one.
        for (int round = 0; ; round++) {
            Conn c = takeIdle();
            boolean cached = c != null;
            if (cached) {
                upstream.series().cacheHit(proto);
            } else {
                upstream.series().cacheMiss(proto);
                c = dial();
            }
            try {
                Message reply = c.exchange(wire, readTimeoutNanos);
                giveBack(c);
                return reply;
            } catch (EOFException | SocketException e) {
                c.close();
                if (cached && round < 64) {
                    continue;
                }
                throw e;
            } catch (IOException | RuntimeException e) {
                c.close();
                throw e;
            }
        }
    }

    private Conn takeIdle() {
        long expire = upstream.expireNanos();
        long now = System.nanoTime();
        Conn c;
        while ((c = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            if (now - c.used > expire) {
                c.close();
                continue;
            }
            return c;
        }
        return null;
    }

    private void giveBack(Conn c) {
        c.used = System.nanoTime();
        if (closed || upstream.expireNanos() <= 0 || !reserveIdleSlot(upstream.maxIdleConns())) {
            c.close();
            return;
        }
        idle.addLast(c);
        if (closed && idle.remove(c)) {
            idleCount.decrementAndGet();
            c.close();
        }
    }

    /**
     * Counts one more idle connection unless {@code max} (0: no limit) are idle already; atomic, so
     * connections given back at the same moment cannot all take the last place.
     */
    private boolean reserveIdleSlot(int max) {
        while (true) {
            int n = idleCount.get();
            if (max > 0 && n >= max) {
                return false;
            }
            if (idleCount.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Dials a new connection with CoreDNS's self-tuning dial timeout (1s to 30s). */
    Conn dial() throws IOException {
        if (closed) {
            throw new IOException("proxy: transport stopped");
        }
        long avg = avgDialNanos.get();
        long timeout = avg < MIN_DIAL_NANOS ? MIN_DIAL_NANOS : avg < MAX_DIAL_NANOS / 2 ? 2 * avg : MAX_DIAL_NANOS;
        long start = System.nanoTime();
        try {
            return connect(timeout, 2_000_000_000L);
        } finally {
            long took = System.nanoTime() - start;
            long cur = avgDialNanos.get();
            avgDialNanos.addAndGet((took - cur) / 4);
        }
    }

    /** A new connection (also used by health checks, which never cache theirs). */
    Conn connect(long dialTimeoutNanos, long ioTimeoutNanos) throws IOException {
        Socket raw = new Socket();
        try {
            raw.setTcpNoDelay(true);
            raw.connect(address, (int) Math.max(1, dialTimeoutNanos / 1_000_000));
            raw.setSoTimeout((int) Math.max(1, ioTimeoutNanos / 1_000_000));
            if (tls == null) {
                return new Conn(raw);
            }
            SSLContext ctx = tls.context();
            String peer = tls.serverName() != null ? tls.serverName() : address.getAddress().getHostAddress();
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, peer, address.getPort(), true);
            SSLParameters params = tls.parameters(s.getSSLParameters());
            s.setSSLParameters(params);
            s.setUseClientMode(true);
            s.startHandshake();
            return new Conn(s);
        } catch (IOException | RuntimeException e) {
            try {
                raw.close();
            } catch (IOException ignored) {
                // already failing
            }
            if (e instanceof IOException io) {
                throw new IOException("dial " + proto + " " + upstream.addr() + ": " + io.getMessage(), io);
            }
            throw new IOException("dial " + proto + " " + upstream.addr() + ": " + e, e);
        }
    }

    void cleanup() {
        long expire = upstream.expireNanos();
        long now = System.nanoTime();
        for (Iterator<Conn> it = idle.iterator(); it.hasNext(); ) {
            Conn c = it.next();
            if (now - c.used > expire && idle.remove(c)) {
                idleCount.decrementAndGet();
                c.close();
            }
        }
    }

    void close() {
        closed = true;
        Conn c;
        while ((c = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            c.close();
        }
    }

    int idleConnections() {
        return idleCount.get();
    }

    /** One TCP or TLS connection, used by one query at a time. */
    static final class Conn {
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;
        volatile long used = System.nanoTime();

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            this.out = socket.getOutputStream();
        }

        Message exchange(byte[] wire, long readTimeoutNanos) throws IOException {
            int id = ThreadLocalRandom.current().nextInt(65536);
            byte[] out = new byte[wire.length + 2];
            out[0] = (byte) (wire.length >>> 8);
            out[1] = (byte) wire.length;
            System.arraycopy(wire, 0, out, 2, wire.length);
            out[2] = (byte) (id >>> 8);
            out[3] = (byte) id;
            socket.setSoTimeout((int) Math.max(1, readTimeoutNanos / 1_000_000));
            this.out.write(out);
            this.out.flush();
            long deadline = System.nanoTime() + readTimeoutNanos;
            while (true) {
                int len = in.readUnsignedShort();
                byte[] msg = new byte[len];
                in.readFully(msg);
                if (len >= 2 && (((msg[0] & 0xff) << 8) | (msg[1] & 0xff)) == id) {
                    return new Message(msg);
                }
                // an out-of-order reply (a late one for an earlier query): skip it
                if (System.nanoTime() > deadline) {
                    throw new SocketTimeoutException("read timeout");
                }
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
