package kdns.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;

/**
 * The read buffers of one batched epoll UDP socket: one direct buffer of {@code maxSlots} slots
 * of {@code slot} bytes, made once and lent to every read, instead of a 64 KiB buffer from the
 * pool per read; and as many slots offered to each {@code recvmmsg} as the reads need. Two kinds
 * of socket read this way: the server's epoll listener its queries (host's
 * {@code EpollUdpListener}), and forward's upstream sockets on the same event loops their replies
 * (plugin-forward's {@code LoopUdpTransport}).
 *
 * <p>Why. At a moderate rate (20k queries/s on this machine) a read carries one to three
 * datagrams, and profiles (perf, host/README.md, plugin-forward/README.md) showed per read: a pool
 * allocation of the 64 KiB buffer, too large for the thread caches, with its lock and its free;
 * Netty's leak detector, which takes a stack trace of one buffer in 128 at allocation and release
 * ({@code Throwable.fillInStackTrace}); and the native {@code recvmmsg} setting up all 16 slots (a
 * JNI field read per slot) before the call. Here the buffer is lent again when the last read's
 * datagrams have all been released (Netty hands each one out as a retained slice; the reader
 * copies and releases it at once), and a read offers twice the slots the previous read filled (at
 * least {@link #MIN_SLOTS}): a full read doubles the next one, so a burst reaches all slots within
 * a few reads, and a socket with more queued is read again at once by the level-triggered loop.
 * While a slice of the last read is still held the pool serves, as before.
 *
 * <p>Why a module of its own: a plugin reaches the host only through module-api, which carries
 * no Netty, so the host and the forward plugin each require this one (it sits in the boot layer
 * beside the Netty both run on) rather than keeping a copy each.
 */
public final class BatchReadBuffers extends DefaultMaxMessagesRecvByteBufAllocator {

    /**
     * Direct buffers outside the pool and the leak detector, with a cleaner (the collector frees
     * them when unreachable); for buffers that live as long as their socket.
     */
    public static final ByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(true, true, false);
    /** The fewest slots a read offers. */
    public static final int MIN_SLOTS = 2;

    private final int slot;
    private final int maxSlots;

    /**
     * @param slot the bytes of one slot: the largest datagram a read takes whole
     * @param maxSlots the most datagrams one {@code recvmmsg} reads, and the slots the first read offers
     * @throws IllegalArgumentException when {@code slot} is not positive or {@code maxSlots} is below {@link #MIN_SLOTS}
     */
    public BatchReadBuffers(int slot, int maxSlots) {
        super(1);
        if (slot <= 0 || maxSlots < MIN_SLOTS) {
            throw new IllegalArgumentException("slot " + slot + " and slots " + maxSlots + " (at least " + MIN_SLOTS + ")");
        }
        this.slot = slot;
        this.maxSlots = maxSlots;
    }

    @Override
    public Handle newHandle() {
        return new Lender();
    }

    /** One socket's handle: its buffer and the number of slots the next read offers. */
    private final class Lender extends MaxMessageHandle {
        /** Made at the first read; no leak tracking, freed by the collector with the socket's handle. */
        private ByteBuf buffer;
        private int slots = maxSlots;

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            int size = slots * slot;
            if (buffer == null) {
                buffer = UNTRACKED.directBuffer(maxSlots * slot);
            }
            if (buffer.refCnt() == 1) {
                return buffer.retainedSlice(0, size).clear();
            }
            return alloc.ioBuffer(size);
        }

        @Override
        public int guess() {
            return slots * slot;
        }

        @Override
        public void lastBytesRead(int bytes) {
            super.lastBytesRead(bytes);
            // Netty reports a batch as its datagrams times the slot size (one slot per datagram).
            if (bytes > 0) {
                int filled = Math.max(1, bytes / slot);
                slots = Math.min(maxSlots, Math.max(MIN_SLOTS, 2 * filled));
            }
        }
    }
}
