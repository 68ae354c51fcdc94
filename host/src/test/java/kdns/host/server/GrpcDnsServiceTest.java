package kdns.host.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import kdns.api.grpc.DnsPacket;
import org.junit.jupiter.api.Test;

/**
 * CoreDNS's {@code DnsPacket} without generated code, checked against protobuf-java itself:
 * {@code google.protobuf.BytesValue} ({@code bytes value = 1}) has the same wire form.
 */
class GrpcDnsServiceTest {

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void theMethodIsCoreDnssQuery() {
        assertEquals("coredns.dns.DnsService/Query", GrpcDnsService.QUERY.getFullMethodName());
        assertEquals(MethodDescriptor.MethodType.UNARY, GrpcDnsService.QUERY.getType());
        assertEquals("coredns.dns.DnsService/Query", GrpcDnsService.SERVER_QUERY.getFullMethodName());
    }

    @Test
    void encodingIsProtobufs() throws Exception {
        for (int n : new int[] {0, 1, 12, 127, 128, 300, 16383, 16384, 65535, 65536}) {
            byte[] msg = random(n, n);
            byte[] ours = DnsPacket.encode(msg);
            assertArrayEquals(BytesValue.of(ByteString.copyFrom(msg)).toByteArray(), ours, "length " + n);
            assertArrayEquals(msg, BytesValue.parseFrom(ours).getValue().toByteArray(), "length " + n);
            assertArrayEquals(msg, DnsPacket.decode(ours), "length " + n);
        }
        assertEquals(65535 + 4, DnsPacket.encode(new byte[65535]).length, "CoreDNS's maxProtobufPayloadBytes");
    }

    @Test
    void decodingFollowsProtobufsRules() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeUInt64(7, 1L << 60);         // unknown varint
        out.writeBytes(1, ByteString.copyFromUtf8("first"));
        out.writeFixed32(9, 5);                 // unknown fixed32
        out.writeFixed64(10, 6);                // unknown fixed64
        out.writeString(11, "unknown bytes");
        out.writeTag(12, 3);                    // a group with a nested group and a field 1 inside
        out.writeTag(13, 3);
        out.writeBytes(1, ByteString.copyFromUtf8("inside a group"));
        out.writeTag(13, 4);
        out.writeTag(12, 4);
        out.writeUInt32(1, 99);                 // field 1 with the wrong wire type: unknown
        out.writeBytes(1, ByteString.copyFromUtf8("last"));
        out.flush();
        byte[] proto = bytes.toByteArray();
        assertEquals("last", BytesValue.parseFrom(proto).getValue().toStringUtf8(), "protobuf-java agrees");
        assertArrayEquals("last".getBytes(), DnsPacket.decode(proto));
        assertArrayEquals(new byte[0], DnsPacket.decode(new byte[0]), "an empty message: an empty field");
    }

    @Test
    void malformedEncodingsAreErrors() {
        byte[][] bad = {
                {0x0a},                      // a tag without its length
                {0x0a, 0x05, 1, 2},          // shorter than its length
                {0x0a, (byte) 0xff},         // a truncated varint length
                {0x08},                      // a varint field without its value
                {0x00, 0x00},                // field number 0
                {0x0e, 0x00},                // wire type 6
                {0x0c},                      // an end group without a start
                {0x0b, 0x0a, 0x00},          // a group never ended
                {0x0b, 0x14},                // a group ended by another field's end marker
                {0x0d, 1, 2, 3},             // a short fixed32
                {0x08, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}, // an 11-byte varint
        };
        for (byte[] b : bad) {
            assertThrows(DnsPacket.MalformedPacketException.class, () -> DnsPacket.decode(b),
                    java.util.HexFormat.of().formatHex(b));
            assertThrows(com.google.protobuf.InvalidProtocolBufferException.class, () -> BytesValue.parseFrom(b),
                    "protobuf-java refuses " + java.util.HexFormat.of().formatHex(b) + " too");
        }
    }

    @Test
    void theClientMarshallerRoundTripsAndFailsTheCallOnGarbage() {
        byte[] msg = random(512, 1);
        MethodDescriptor.Marshaller<byte[]> m = GrpcDnsService.QUERY.getRequestMarshaller();
        assertArrayEquals(msg, m.parse(m.stream(msg)));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> m.parse(new java.io.ByteArrayInputStream(new byte[] {0x0a, 0x05})));
        assertEquals(io.grpc.Status.Code.INTERNAL, e.getStatus().getCode());
    }
}
