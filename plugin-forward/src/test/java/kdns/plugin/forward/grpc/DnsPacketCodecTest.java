package kdns.plugin.forward.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

/** The client's method descriptor: CoreDNS's Query, DnsPacket bytes both ways, garbage refused. */
class DnsPacketCodecTest {

    @Test
    void theMethodIsCoreDnssQuery() {
        assertEquals("coredns.dns.DnsService/Query", DnsPacketCodec.QUERY.getFullMethodName());
        assertEquals(MethodDescriptor.MethodType.UNARY, DnsPacketCodec.QUERY.getType());
    }

    @Test
    void theMarshallerRoundTripsAndRefusesGarbage() {
        MethodDescriptor.Marshaller<byte[]> m = DnsPacketCodec.QUERY.getResponseMarshaller();
        byte[] msg = {1, 2, 3};
        assertArrayEquals(msg, m.parse(m.stream(msg)));
        assertThrows(IllegalArgumentException.class, () -> m.parse(new ByteArrayInputStream(new byte[] {0x0a, 5, 1})));
    }
}
