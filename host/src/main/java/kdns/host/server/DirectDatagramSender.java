package kdns.host.server;

import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.StampedLock;

/**
 * Sends a deferred UDP reply straight from the thread that wrote it, with one {@code sendto} on
 * the event loop's own socket, instead of queueing it as a task for that loop. The kernel accepts
 * concurrent {@code sendto} calls on one datagram socket, and a task would cost the loop a wake-up
 * besides the send: for a forwarder, whose every reply is written by the thread that read the
 * upstream's answer, that was most of the CPU a query took (benchmarks/results/latest.md).
 *
 * <p>Only platform threads send here: each keeps a direct buffer for the copy the native call
 * needs, which would be one allocation per query on short-lived virtual threads; those use the
 * event loop as before. A full send buffer drops the reply, as the kernel would any datagram.
 */
final class DirectDatagramSender {

    private static final int FIRST_BUFFER = 4096;
    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(FIRST_BUFFER));

    private final Socket socket;
    // Readers are senders; close() takes the write side, so no send can reach a descriptor number
    // that was closed and handed to another socket.
    private final StampedLock closing = new StampedLock();
    private boolean closed;

    DirectDatagramSender(Socket socket) {
        this.socket = socket;
    }

    /** True when the calling thread may send here (a platform thread). */
    static boolean usableFromCurrentThread() {
        return !Thread.currentThread().isVirtual();
    }

    /**
     * Sends {@code wire[0, len)} to {@code remote}.
     *
     * @return false when the socket is closed (nothing sent)
     * @throws IOException when the system refuses the datagram (the reply is lost, as UDP would)
     */
    boolean send(byte[] wire, int len, InetSocketAddress remote) throws IOException {
        long stamp = closing.tryReadLock();
        if (stamp == 0L) {
            return false;
        }
        try {
            if (closed) {
                return false;
            }
            ByteBuffer buf = buffer(len);
            buf.clear();
            buf.put(wire, 0, len);
            socket.sendTo(buf, 0, len, remote.getAddress(), remote.getPort());
            return true;
        } finally {
            closing.unlockRead(stamp);
        }
    }

    /** No send starts after this returns; the ones under way have finished. */
    void close() {
        long stamp = closing.writeLock();
        closed = true;
        closing.unlockWrite(stamp);
    }

    private static ByteBuffer buffer(int len) {
        ByteBuffer buf = BUFFER.get();
        if (buf.capacity() < len) {
            buf = ByteBuffer.allocateDirect(Math.max(len, buf.capacity() * 2));
            BUFFER.set(buf);
        }
        return buf;
    }
}
