package kdns.plugin.forward.grpc;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * CoreDNS's gRPC service ({@code pb/dns.proto}) on the client side, without generated code:
 *
 * <pre>
 * package coredns.dns;
 * message DnsPacket { bytes msg = 1; }
 * service DnsService { rpc Query (DnsPacket) returns (DnsPacket); }
 * </pre>
 *
 * <p>The host has the same few lines for its {@code grpc://} server ({@code GrpcDnsService}); they
 * are repeated here on purpose. Plugins see only {@code kdns.api}, and moving the codec there would
 * make module-api (which every plugin requires) depend on grpc-java.
 *
 * <p>On the wire a {@code DnsPacket} is the tag byte {@code 0x0a} (field 1, length-delimited), the
 * length as a varint and the DNS message; an empty message is no bytes at all (proto3). Decoding
 * keeps the last field 1 and skips every other field, as protobuf does.
 */
final class DnsPacketCodec {

    static final String SERVICE = "coredns.dns.DnsService";

    /** {@code coredns.dns.DnsService/Query}: DNS wire bytes in and out. */
    static final MethodDescriptor<byte[], byte[]> QUERY = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Query"))
            .setRequestMarshaller(Marshaller.INSTANCE)
            .setResponseMarshaller(Marshaller.INSTANCE)
            .build();

    private static final int TAG_MSG = (1 << 3) | 2;

    private DnsPacketCodec() {
    }

    static byte[] encode(byte[] msg) {
        if (msg.length == 0) {
            return new byte[0];
        }
        byte[] out = new byte[1 + varintSize(msg.length) + msg.length];
        out[0] = TAG_MSG;
        int at = 1;
        long v = msg.length;
        while (v >= 0x80) {
            out[at++] = (byte) (v | 0x80);
            v >>>= 7;
        }
        out[at++] = (byte) v;
        System.arraycopy(msg, 0, out, at, msg.length);
        return out;
    }

    /**
     * The {@code msg} field of an encoded {@code DnsPacket} (empty when absent).
     *
     * @throws IllegalArgumentException when the bytes are not a protobuf message
     */
    static byte[] decode(byte[] b) {
        byte[] msg = new byte[0];
        int[] at = {0};
        while (at[0] < b.length) {
            long tag = varint(b, at);
            long field = tag >>> 3;
            int type = (int) (tag & 7);
            if (field < 1 || field > (1 << 29) - 1) {
                throw new IllegalArgumentException("invalid field number");
            }
            switch (type) {
                case 0 -> varint(b, at);
                case 1 -> skip(b, at, 8);
                case 2 -> {
                    long len = varint(b, at);
                    if (len < 0 || len > b.length - at[0]) {
                        throw new IllegalArgumentException("unexpected EOF");
                    }
                    if (field == 1) {
                        msg = Arrays.copyOfRange(b, at[0], at[0] + (int) len);
                    }
                    at[0] += (int) len;
                }
                case 5 -> skip(b, at, 4);
                default -> throw new IllegalArgumentException("unsupported wire type " + type);
            }
        }
        return msg;
    }

    private static void skip(byte[] b, int[] at, int n) {
        if (b.length - at[0] < n) {
            throw new IllegalArgumentException("unexpected EOF");
        }
        at[0] += n;
    }

    private static long varint(byte[] b, int[] at) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at[0] >= b.length) {
                throw new IllegalArgumentException("unexpected EOF");
            }
            int x = b[at[0]++] & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if (x < 0x80) {
                return v;
            }
        }
        throw new IllegalArgumentException("variable length integer overflow");
    }

    private static int varintSize(long v) {
        int n = 1;
        while (v >= 0x80) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private enum Marshaller implements MethodDescriptor.Marshaller<byte[]> {
        INSTANCE;

        @Override
        public InputStream stream(byte[] msg) {
            return new ByteArrayInputStream(encode(msg));
        }

        @Override
        public byte[] parse(InputStream in) {
            try {
                return decode(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
