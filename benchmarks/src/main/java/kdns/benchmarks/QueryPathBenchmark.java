package kdns.benchmarks;

import java.net.InetSocketAddress;
import java.util.List;
import kdns.api.Handler;
import kdns.api.Transport;
import kdns.host.server.BlockChain;
import kdns.host.server.QueryProcessor;
import kdns.host.server.ReplySink;
import kdns.host.server.ZoneRouter;
import kdns.plugin.standard.whoami.WhoamiPlugin;
import kdns.testing.TestController;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The server's query path without the kernel: bytes of a query in, bytes of the reply out, through
 * header screening, parsing, zone routing, the chain (whoami) and the reply writer.
 */
public class QueryPathBenchmark extends BenchmarkSettings {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40212);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 53);

    private QueryProcessor processor;
    private byte[] query;
    private Blackhole sinkHole;
    private ReplySink sink;

    @Setup
    public void setup(Blackhole bh) throws Exception {
        TestController c = TestController.of("whoami");
        new WhoamiPlugin().setup(c);
        Handler whoami = c.handler(null);
        processor = new QueryProcessor(new ZoneRouter(List.of(
                new BlockChain("example.org.", "dns://example.org.:53", whoami, false),
                new BlockChain(".", "dns://.:53", whoami, false))), (k, t) -> { });
        Message q = Message.newQuery(Record.newRecord(Name.fromConstantString("www.example.org."), Type.A, DClass.IN));
        query = q.toWire();
        sinkHole = bh;
        sink = (wire, len) -> sinkHole.consume(wire);
    }

    /** Everything the server does for one UDP query. */
    @Benchmark
    public boolean queryPath() {
        return processor.handle(query, query.length, Transport.UDP, CLIENT, LOCAL, sink);
    }

    /** Parsing alone (dnsjava). */
    @Benchmark
    public Message parse() throws Exception {
        return new Message(query);
    }

    /** Rendering a small reply alone (dnsjava). */
    @Benchmark
    public byte[] render(ParsedState s) {
        return s.reply.toWire(512);
    }

    /** A parsed reply to render. */
    @State(Scope.Thread)
    public static class ParsedState {
        Message reply;

        @Setup
        public void setup() throws Exception {
            reply = Message.newQuery(Record.newRecord(Name.fromConstantString("www.example.org."), Type.A, DClass.IN));
            reply.addRecord(new org.xbill.DNS.ARecord(Name.fromConstantString("www.example.org."), DClass.IN, 0,
                    java.net.InetAddress.getByName("127.0.0.1")), org.xbill.DNS.Section.ADDITIONAL);
        }
    }
}
