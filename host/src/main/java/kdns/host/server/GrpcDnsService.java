package kdns.host.server;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import kdns.api.grpc.DnsPacket;

/**
 * CoreDNS's {@code coredns.dns.DnsService/Query} for grpc-java, over module-api's
 * {@link DnsPacket} encoding: the method descriptor clients use, and the server's view of it.
 */
public final class GrpcDnsService {

    /** {@code coredns.dns.DnsService/Query}: a DNS message in, a DNS message out, both as raw wire bytes. */
    public static final MethodDescriptor<byte[], byte[]> QUERY = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(DnsPacket.SERVICE, DnsPacket.QUERY))
            .setRequestMarshaller(DnsPacketMarshaller.INSTANCE)
            .setResponseMarshaller(DnsPacketMarshaller.INSTANCE)
            .build();

    private GrpcDnsService() {
    }

    /** Encodes and decodes {@code DnsPacket} for grpc-java; a malformed message fails the call. */
    static final class DnsPacketMarshaller implements MethodDescriptor.Marshaller<byte[]> {
        static final DnsPacketMarshaller INSTANCE = new DnsPacketMarshaller();

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
                throw Status.INTERNAL.withDescription("grpc: error unmarshalling: " + e.getMessage())
                        .asRuntimeException();
            }
        }
    }

    /** Reads a request's protobuf bytes undecoded, so the server can answer a malformed one as CoreDNS does. */
    static final class RawMarshaller implements MethodDescriptor.Marshaller<byte[]> {
        static final RawMarshaller INSTANCE = new RawMarshaller();

        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream in) {
            try {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The server's view of {@link #QUERY}: the request's protobuf bytes as they came, the reply a {@code DnsPacket}. */
    static final MethodDescriptor<byte[], byte[]> SERVER_QUERY = QUERY.toBuilder(RawMarshaller.INSTANCE,
            DnsPacketMarshaller.INSTANCE).build();
}
