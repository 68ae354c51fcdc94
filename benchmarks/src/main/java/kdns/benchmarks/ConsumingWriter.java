package kdns.benchmarks;

import java.net.InetSocketAddress;
import kdns.api.ResponseWriter;
import org.openjdk.jmh.infra.Blackhole;
import org.xbill.DNS.Message;

/** A writer that hands every reply to JMH's blackhole, so that building it is not optimised away. */
final class ConsumingWriter implements ResponseWriter {

    private final Blackhole hole;
    private final InetSocketAddress client;
    private final InetSocketAddress local;

    ConsumingWriter(Blackhole hole, InetSocketAddress client, InetSocketAddress local) {
        this.hole = hole;
        this.client = client;
        this.local = local;
    }

    @Override
    public void write(Message reply) {
        hole.consume(reply);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return client;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }
}
