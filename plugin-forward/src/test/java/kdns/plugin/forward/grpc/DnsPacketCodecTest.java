package kdns.plugin.forward.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** DnsPacket's protobuf form: field 1 as bytes; other fields skipped; malformed input refused. */
class DnsPacketCodecTest {

    @Test
    void roundTripsIncludingALongMessage() {
        byte[] small = {1, 2, 3};
        assertArrayEquals(new byte[] {0x0a, 3, 1, 2, 3}, DnsPacketCodec.encode(small));
        assertArrayEquals(small, DnsPacketCodec.decode(DnsPacketCodec.encode(small)));
        byte[] big = new byte[65535];
        big[65534] = 7;
        byte[] enc = DnsPacketCodec.encode(big);
        assertArrayEquals(new byte[] {0x0a, (byte) 0xff, (byte) 0xff, 0x03}, java.util.Arrays.copyOf(enc, 4));
        assertArrayEquals(big, DnsPacketCodec.decode(enc));
        assertArrayEquals(new byte[0], DnsPacketCodec.encode(new byte[0]));
        assertArrayEquals(new byte[0], DnsPacketCodec.decode(new byte[0]));
    }

    @Test
    void unknownFieldsAreSkippedAndTheLastMsgWins() {
        byte[] b = {0x10, 0x05, 0x0a, 1, 9, 0x1d, 0, 0, 0, 0, 0x0a, 2, 4, 5, 0x21, 0, 0, 0, 0, 0, 0, 0, 0};
        assertArrayEquals(new byte[] {4, 5}, DnsPacketCodec.decode(b));
    }

    @Test
    void malformedIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> DnsPacketCodec.decode(new byte[] {0x0a, 5, 1}));
        assertThrows(IllegalArgumentException.class, () -> DnsPacketCodec.decode(new byte[] {(byte) 0x80}));
        assertThrows(IllegalArgumentException.class, () -> DnsPacketCodec.decode(new byte[] {0x02, 0}));
    }
}
