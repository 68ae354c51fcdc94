package kdns.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import org.junit.jupiter.api.Test;

/**
 * The read buffers of the batched epoll sockets (the server's listener, forward's upstream sockets):
 * how many slots a read offers, and when the buffer is lent again.
 */
class BatchReadBuffersTest {

    private static final int SLOT = 4096;
    private final UnpooledByteBufAllocator pool = new UnpooledByteBufAllocator(true);

    @Test
    void theFirstReadOffersEverySlotAndLaterReadsTwiceWhatTheLastOneFilled() {
        RecvByteBufAllocator.Handle h = new BatchReadBuffers(SLOT, 16).newHandle();
        assertEquals(16 * SLOT, h.guess());
        h.lastBytesRead(SLOT); // one datagram
        assertEquals(2 * SLOT, h.guess());
        h.lastBytesRead(2 * SLOT); // a full read doubles the next
        assertEquals(4 * SLOT, h.guess());
        h.lastBytesRead(5 * SLOT);
        assertEquals(10 * SLOT, h.guess());
        h.lastBytesRead(10 * SLOT);
        assertEquals(16 * SLOT, h.guess());
        h.lastBytesRead(-1); // nothing read: the offer stays
        assertEquals(16 * SLOT, h.guess());
        ByteBuf b = h.allocate(pool);
        assertEquals(16 * SLOT, b.writableBytes());
        b.release();
    }

    @Test
    void theBufferIsLentAgainOnceEveryDatagramOfTheLastReadIsReleased() {
        RecvByteBufAllocator.Handle h = new BatchReadBuffers(SLOT, 4).newHandle();
        ByteBuf first = h.allocate(pool);
        ByteBuf datagram = first.retainedSlice(0, 100); // as Netty hands a datagram on
        first.release();
        // The datagram is still held: the pool serves this read.
        ByteBuf second = h.allocate(pool);
        assertNotSame(first.unwrap(), second.unwrap());
        assertEquals(4 * SLOT, second.writableBytes());
        second.release();
        datagram.release();
        ByteBuf third = h.allocate(pool);
        assertSame(first.unwrap(), third.unwrap());
        assertEquals(0, third.writerIndex());
        third.release();
    }

    @Test
    void aBatchOfFewerThanTwoSlotsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BatchReadBuffers(SLOT, 1));
        assertThrows(IllegalArgumentException.class, () -> new BatchReadBuffers(0, 16));
    }
}
