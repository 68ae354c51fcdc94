package kdns.plugin.forward.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;

/**
 * The read buffers of one upstream socket of {@link LoopUdpTransport}: one direct buffer of
 * {@code maxSlots} slots of {@code slot} bytes, made once and lent to every read, instead of a
 * 64 KiB buffer from the pool per read; and as many slots offered to each {@code recvmmsg} as the
 * reads need. The server's epoll listener reads its queries the same way (host's
 * {@code BatchReadBuffers}, a copy of this class: a plugin reaches only module-api, which carries
 * no Netty, and its layer loads its own Netty, so one class for both would have to be a small
 * library jar that the host and the plugin each load; change both until then).
 *
 * <p>Why. Behind forward at 20k queries/s a read of the upstream socket carries one to three
 * replies, and perf showed per read a pool allocation of the 64 KiB buffer, Netty's leak detector
 * taking a stack trace of one buffer in 128 ({@code Throwable.fillInStackTrace}), and the native
 * {@code recvmmsg} setting up all 16 slots with JNI field writes. The buffer is lent again when
 * the last read's datagrams have all been released (the socket copies each reply and releases it
 * at once); while one is still held the pool serves, as before. A read offers twice the slots the
 * last one filled (at least {@link #MIN_SLOTS}), so a burst reaches all slots within a few reads.
 */
final class UpstreamReadBuffers extends DefaultMaxMessagesRecvByteBufAllocator {

    /**
     * Direct buffers outside the pool and the leak detector, with a cleaner (the collector frees
     * them when unreachable); for buffers that live as long as their socket.
     */
    static final ByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(true, true, false);
    /** The fewest slots a read offers. */
    static final int MIN_SLOTS = 2;

    private final int slot;
    private final int maxSlots;

    UpstreamReadBuffers(int slot, int maxSlots) {
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
