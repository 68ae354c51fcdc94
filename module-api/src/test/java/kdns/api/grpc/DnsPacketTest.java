package kdns.api.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * DnsPacket's protobuf form: field 1 as bytes; other fields skipped; malformed input refused. The
 * host's GrpcDnsServiceTest checks the same against protobuf-java.
 */
class DnsPacketTest {

    @Test
    void roundTripsIncludingALongMessage() throws Exception {
        byte[] small = {1, 2, 3};
        assertArrayEquals(new byte[] {0x0a, 3, 1, 2, 3}, DnsPacket.encode(small));
        assertArrayEquals(small, DnsPacket.decode(DnsPacket.encode(small)));
        byte[] big = new byte[65535];
        big[65534] = 7;
        byte[] enc = DnsPacket.encode(big);
        assertArrayEquals(new byte[] {0x0a, (byte) 0xff, (byte) 0xff, 0x03}, Arrays.copyOf(enc, 4));
        assertArrayEquals(big, DnsPacket.decode(enc));
        assertArrayEquals(new byte[0], DnsPacket.encode(new byte[0]));
        assertArrayEquals(new byte[0], DnsPacket.decode(new byte[0]));
    }

    @Test
    void unknownFieldsAreSkippedAndTheLastMsgWins() throws Exception {
        byte[] b = {0x10, 0x05, 0x0a, 1, 9, 0x1d, 0, 0, 0, 0, 0x0a, 2, 4, 5, 0x21, 0, 0, 0, 0, 0, 0, 0, 0};
        assertArrayEquals(new byte[] {4, 5}, DnsPacket.decode(b));
    }

    @Test
    void malformedIsRefused() {
        assertThrows(DnsPacket.MalformedPacketException.class, () -> DnsPacket.decode(new byte[] {0x0a, 5, 1}));
        assertThrows(DnsPacket.MalformedPacketException.class, () -> DnsPacket.decode(new byte[] {(byte) 0x80}));
        assertThrows(DnsPacket.MalformedPacketException.class, () -> DnsPacket.decode(new byte[] {0x02, 0}));
    }
}
