package kdns.host.server;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import kdns.api.Log;
import kdns.api.Transport;

/**
 * DNS over TCP on one address (RFC 7766): a virtual thread per connection, several queries per
 * connection (pipelined; deferred answers may go out in any order, matched by ID), a read timeout
 * for a message once its length is announced, an idle timeout between messages and a limit on
 * open connections. A connection over the limit is closed at once.
 */
public final class TcpListener implements AutoCloseable {

    private static final Log LOG = Log.plain();

    /**
     * Limits and timeouts; the defaults are CoreDNS's (read 3s, idle 10s, no limit on the queries of
     * one connection).
     *
     * @param maxQueries the queries one connection may send before it is closed, -1 for no limit
     */
    public record Limits(Duration readTimeout, Duration idleTimeout, int maxConnections, int maxQueries) {
        public static final Limits DEFAULT = new Limits(Duration.ofSeconds(3), Duration.ofSeconds(10), 10_000, -1);

        public Limits(Duration readTimeout, Duration idleTimeout, int maxConnections) {
            this(readTimeout, idleTimeout, maxConnections, -1);
        }
    }

    private final ServerSocket server;
    private final Supplier<QueryProcessor> processor;
    private final Transport transport;
    private volatile Limits limits;
    private volatile ServerTls tls;
    private final Semaphore slots;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private Thread acceptor;
    private volatile boolean closed;

    public TcpListener(InetSocketAddress address, Limits limits, Supplier<QueryProcessor> processor) throws IOException {
        this(address, limits, processor, Transport.TCP, null);
    }

    /**
     * A listener of {@code transport}: {@link Transport#TLS} for DNS over TLS (RFC 7858), whose
     * connections are wrapped with {@code tls}, or served in the clear when it is null (a
     * {@code tls://} block without the {@code tls} plugin, as CoreDNS serves it).
     */
    public TcpListener(InetSocketAddress address, Limits limits, Supplier<QueryProcessor> processor, Transport transport,
                       ServerTls tls) throws IOException {
        this.processor = processor;
        this.transport = transport;
        this.tls = tls;
        this.limits = limits;
        this.slots = new Semaphore(limits.maxConnections());
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(address, 1024);
        } catch (IOException e) {
            s.close();
            throw new IOException("cannot listen on tcp " + address + ": " + e.getMessage(), e);
        }
        this.server = s;
    }

    /**
     * New timeouts and query limit for the connections accepted from now on (a reload); the
     * connection limit stays the one the listener was opened with.
     */
    public void limits(Limits next) {
        limits = new Limits(next.readTimeout(), next.idleTimeout(), limits.maxConnections(), next.maxQueries());
    }

    /** The TLS settings for the connections accepted from now on (a reload with a new certificate). */
    public void tls(ServerTls next) {
        tls = next;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** How many client connections are open now. */
    public int openConnections() {
        return open.size();
    }

    public void start() {
        acceptor = Thread.ofPlatform().daemon().name("tcp-accept-" + address().getPort()).start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOG.error("tcp accept on " + address() + " failed: " + e.getMessage());
                continue;
            }
            if (!slots.tryAcquire()) {
                closeQuietly(s); // over the connection limit
                continue;
            }
            open.add(s);
            Thread.ofVirtual().name("tcp-conn").start(() -> {
                try {
                    serveConnection(s);
                } finally {
                    open.remove(s);
                    closeQuietly(s);
                    slots.release();
                }
            });
        }
    }

    private void serveConnection(Socket raw) {
        Limits limits = this.limits;
        ServerTls tls = this.tls;
        InetSocketAddress remote = (InetSocketAddress) raw.getRemoteSocketAddress();
        InetSocketAddress local = (InetSocketAddress) raw.getLocalSocketAddress();
        AtomicInteger sent = new AtomicInteger();
        int expected = 0;
        int queries = 0;
        try {
            raw.setTcpNoDelay(true);
            Socket s = raw;
            if (tls != null) {
                // The handshake must finish within the read timeout, so a client that never sends a
                // ClientHello cannot hold the connection.
                raw.setSoTimeout((int) limits.readTimeout().toMillis());
                SSLSocket ssl = tls.wrap(raw);
                ssl.startHandshake();
                s = ssl;
            }
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            ReplySink sink = (wire, len) -> {
                try {
                    byte[] framed = new byte[len + 2];
                    framed[0] = (byte) (len >>> 8);
                    framed[1] = (byte) len;
                    System.arraycopy(wire, 0, framed, 2, len);
                    synchronized (out) {
                        out.write(framed);
                        out.flush();
                    }
                } catch (IOException e) {
                    closeQuietly(raw);
                } finally {
                    sent.incrementAndGet();
                }
            };
            while (!closed) {
                s.setSoTimeout((int) limits.idleTimeout().toMillis());
                int length = readLength(in);
                if (length < 0) {
                    break;
                }
                s.setSoTimeout((int) limits.readTimeout().toMillis());
                byte[] msg = new byte[length];
                in.readFully(msg);
                if (processor.get().handle(msg, length, transport, remote, local, sink)) {
                    expected++;
                }
                if (limits.maxQueries() > 0 && ++queries >= limits.maxQueries()) {
                    break; // the timeouts plugin's maxtcpqueries: answer what came, then close
                }
            }
            awaitReplies(sent, expected, limits);
        } catch (SocketTimeoutException | EOFException e) {
            // idle or slow client: close, as RFC 7766 allows
        } catch (SocketException e) {
            // reset by peer or closed by us
        } catch (SSLException e) {
            LOG.debug("tls handshake with " + remote + " failed: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.debug("tcp connection from " + remote + " ended: " + e);
        }
    }

    /** Gives deferred replies a bounded time to go out before the connection is closed. */
    private void awaitReplies(AtomicInteger sent, int expected, Limits limits) {
        long deadline = System.nanoTime() + limits.readTimeout().toNanos();
        while (sent.get() < expected && System.nanoTime() < deadline && !closed) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The 2-byte length prefix, or -1 at a clean end of stream. A zero length ends the connection. */
    private static int readLength(InputStream in) throws IOException {
        int hi = in.read();
        if (hi < 0) {
            return -1;
        }
        int lo = in.read();
        if (lo < 0) {
            return -1;
        }
        int len = (hi << 8) | lo;
        return len == 0 ? -1 : len;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closing
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        if (acceptor != null) {
            try {
                acceptor.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
