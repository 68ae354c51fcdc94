package kdns.plugin.forward.grpc;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NegotiationType;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * One upstream of a {@code grpc} stanza (CoreDNS's {@code Proxy}): a lazily connecting channel and
 * asynchronous unary calls of {@code DnsService/Query}; nothing waits on a thread.
 */
final class GrpcUpstream {

    /** dns.MaxMsgSize, and the protobuf message around it (tag byte and a 3-byte length). */
    static final int MAX_DNS_MESSAGE = 65535;
    static final int MAX_PROTOBUF_MESSAGE = MAX_DNS_MESSAGE + 4;

    /** The outcome of one query: exactly one of the two methods is called, on a gRPC thread. */
    interface Callback {
        void reply(Message reply);

        void error(Exception error);
    }

    private final String addr;
    private final ManagedChannel channel;
    private final GrpcMetrics metrics;

    /**
     * @param addr the upstream as written ({@code host:port}), the {@code to} label of the metrics
     * @param ssl the client TLS context (null: plaintext)
     * @param serverName the TLS server name ({@code tls_servername}; null: the address)
     */
    GrpcUpstream(String addr, InetSocketAddress address, SSLContext ssl, String serverName, GrpcMetrics metrics) {
        this.addr = addr;
        this.metrics = metrics;
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(address)
                .maxInboundMessageSize(MAX_PROTOBUF_MESSAGE);
        if (ssl == null) {
            b.negotiationType(NegotiationType.PLAINTEXT);
        } else {
            b.negotiationType(NegotiationType.TLS).sslContext(sslContext(ssl));
            if (serverName != null && !serverName.isEmpty()) {
                // The authority is the name the certificate is checked against (and the SNI).
                b.overrideAuthority(serverName);
            }
        }
        this.channel = b.build();
    }

    /** The JDK context as Netty's: TLS 1.2 and 1.3, ALPN h2 (gRPC needs HTTP/2). */
    static SslContext sslContext(SSLContext ssl) {
        return new JdkSslContext(ssl, true, null, IdentityCipherSuiteFilter.INSTANCE,
                new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, "h2"),
                ClientAuth.NONE, new String[] {"TLSv1.3", "TLSv1.2"}, false);
    }

    String addr() {
        return addr;
    }

    /**
     * Sends {@code wire} and calls back when the call is over or {@code deadlineNanos} (a
     * {@link System#nanoTime()} instant) passed. A NOT_FOUND status is answered with NXDOMAIN, as
     * CoreDNS does.
     */
    void query(Message request, byte[] wire, long deadlineNanos, Callback cb) {
        long start = System.nanoTime();
        if (wire.length > MAX_DNS_MESSAGE) {
            cb.error(new IOException("dns message exceeds size limit: " + wire.length + " bytes (limit "
                    + MAX_DNS_MESSAGE + ")"));
            return;
        }
        ClientCall<byte[], byte[]> call;
        try {
            call = channel.newCall(DnsPacketCodec.QUERY,
                    CallOptions.DEFAULT.withDeadlineAfter(Math.max(1, deadlineNanos - start), TimeUnit.NANOSECONDS));
        } catch (RuntimeException e) {
            cb.error(e);
            return;
        }
        call.start(new ClientCall.Listener<>() {
            private byte[] reply;

            @Override
            public void onMessage(byte[] message) {
                reply = message;
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                if (!status.isOk()) {
                    if (status.getCode() == Status.Code.NOT_FOUND) {
                        cb.reply(nxdomain(request));
                    } else {
                        cb.error(status.asException(trailers));
                    }
                    return;
                }
                if (reply == null) {
                    cb.error(new IOException("no reply message"));
                    return;
                }
                Message m;
                try {
                    if (reply.length > MAX_DNS_MESSAGE) {
                        throw new IOException("dns message exceeds size limit: " + reply.length + " bytes (limit "
                                + MAX_DNS_MESSAGE + ")");
                    }
                    m = new Message(reply);
                } catch (IOException e) {
                    cb.error(e);
                    return;
                }
                metrics.observe(addr, m.getRcode(), System.nanoTime() - start);
                cb.reply(m);
            }
        }, new Metadata());
        call.request(2);
        try {
            call.sendMessage(wire);
            call.halfClose();
        } catch (RuntimeException e) {
            call.cancel("failed to send", e);
        }
    }

    /** miekg/dns's {@code SetRcode(req, NXDOMAIN)}: a reply with the question and the request's flags. */
    static Message nxdomain(Message request) {
        Message m = new Message(request.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setOpcode(request.getHeader().getOpcode());
        if (request.getHeader().getFlag(Flags.RD)) {
            m.getHeader().setFlag(Flags.RD);
        }
        if (request.getHeader().getFlag(Flags.CD)) {
            m.getHeader().setFlag(Flags.CD);
        }
        if (request.getQuestion() != null) {
            m.addRecord(request.getQuestion(), Section.QUESTION);
        }
        m.getHeader().setRcode(Rcode.NXDOMAIN);
        return m;
    }

    /** New calls fail from now on; calls in flight finish. */
    void shutdown() {
        channel.shutdown();
    }

    /** For tests: waits up to {@code millis} for the channel to terminate. */
    boolean awaitTermination(long millis) throws InterruptedException {
        return channel.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }
}
