package kdns.benchmarks;

import java.net.InetSocketAddress;
import java.util.List;
import kdns.api.Handler;
import kdns.api.ResponseWriter;
import kdns.api.Transport;
import kdns.host.server.BlockChain;
import kdns.host.server.QueryProcessor;
import kdns.host.server.ReplySink;
import kdns.host.server.ZoneRouter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.infra.Blackhole;
import org.xbill.DNS.TextParseException;

/**
 * A benchmark of one server block's handler chain fed a data set of A queries: the queries
 * ({@link QueryCycle}), a writer and a reply sink that hand every reply to JMH's blackhole, and
 * {@link #queryPath}, everything the server does for one UDP query to the block. A subclass's
 * {@code @Setup} builds the chain and calls {@link #serve}.
 */
public abstract class ChainBenchmark extends BenchmarkSettings {

    static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 53);

    /** The data set's queries, in the order asked. */
    QueryCycle queries;
    /** A writer whose replies go to the blackhole. */
    ResponseWriter writer;
    private InetSocketAddress client;
    private QueryProcessor processor;
    private Blackhole hole;
    private ReplySink sink;

    /**
     * Serves {@code names} from {@code client} through {@code chain}, the block of {@code zone};
     * a query the chain fails fails the run.
     */
    final void serve(Handler chain, String zone, List<String> names, InetSocketAddress client, Blackhole bh)
            throws TextParseException {
        this.client = client;
        processor = new QueryProcessor(new ZoneRouter(List.of(new BlockChain(zone, "dns://" + zone + ":53", chain, false))),
                (key, t) -> {
                    throw new IllegalStateException("the chain of " + zone + " failed in " + key, t);
                });
        queries = new QueryCycle(names, client, LOCAL, zone);
        hole = bh;
        writer = new ConsumingWriter(bh, client, LOCAL);
        sink = (wire, len) -> hole.consume(wire);
    }

    /** Everything the server does for one UDP query to the block, bytes in and bytes out. */
    @Benchmark
    public boolean queryPath() {
        byte[] q = queries.nextWire();
        return processor.handle(q, q.length, Transport.UDP, client, LOCAL, sink);
    }
}
