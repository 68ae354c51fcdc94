package kdns.plugin.forward.grpc;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import kdns.api.grpc.DnsPacket;

/**
 * CoreDNS's {@code coredns.dns.DnsService/Query} on the client side: grpc-java's method
 * descriptor over module-api's {@link DnsPacket} encoding (module-api itself stays free of
 * grpc-java, so the descriptor is built here and in the host's {@code grpc://} server).
 */
final class DnsPacketCodec {

    /** {@code coredns.dns.DnsService/Query}: DNS wire bytes in and out. */
    static final MethodDescriptor<byte[], byte[]> QUERY = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(DnsPacket.SERVICE, DnsPacket.QUERY))
            .setRequestMarshaller(Marshaller.INSTANCE)
            .setResponseMarshaller(Marshaller.INSTANCE)
            .build();

    private DnsPacketCodec() {
    }

    /** A reply that is not a {@code DnsPacket} fails the call (grpc-java cancels it). */
    private enum Marshaller implements MethodDescriptor.Marshaller<byte[]> {
        INSTANCE;

        @Override
        public InputStream stream(byte[] msg) {
            return new ByteArrayInputStream(DnsPacket.encode(msg));
        }

        @Override
        public byte[] parse(InputStream in) {
            try {
                return DnsPacket.decode(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (DnsPacket.MalformedPacketException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }
}
