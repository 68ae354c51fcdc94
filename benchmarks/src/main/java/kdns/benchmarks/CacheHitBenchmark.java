package kdns.benchmarks;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.plugin.cache.CachePlugin;
import kdns.plugin.standard.loadbalance.LoadBalancePlugin;
import kdns.plugin.standard.prometheus.PrometheusPlugin;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * The cache plugin answering from its success cache: the chain {@code cache} -> a plugin that
 * gives a fixed A answer, behind the plugins of {@link #chain} (the writers of {@code prometheus}
 * and {@code loadbalance} see the hit as in a real Corefile), warmed with 1,000 distinct names before measuring so that every measured
 * query is a hit. The names are asked for in a seeded random order so that the lookups spread over
 * the cache's map rather than one hot entry. The run fails when a measured query reached the
 * answering plugin (a miss would measure the chain behind the cache instead).
 */
public class CacheHitBenchmark extends ChainBenchmark {

    private static final int NAMES = 1_000;
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40212);

    /** The plugins in front of the answering plugin, in order, separated by '+'. */
    @Param({"cache", "prometheus+cache", "prometheus+loadbalance+cache"})
    public String chain;

    private FixedAnswer upstream;
    private Handler cache;

    @Setup
    public void setup(Blackhole bh) throws Exception {
        upstream = new FixedAnswer(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1}));
        String[] plugins = chain.split("\\+");
        Handler h = upstream;
        for (int i = plugins.length - 1; i >= 0; i--) {
            h = handler(plugins[i], h);
        }
        cache = h;

        List<String> names = new ArrayList<>(NAMES);
        for (int i = 0; i < NAMES; i++) {
            names.add(String.format(Locale.ROOT, "host%04d.example.org.", i));
        }
        Collections.shuffle(names, new Random(44));
        serve(cache, ".", names, CLIENT, bh);

        for (Request r : queries.requests()) {
            RecordingWriter w = new RecordingWriter(CLIENT, LOCAL);
            cache.serve(r, w);
            if (!w.written() || w.msg().getRcode() != Rcode.NOERROR || w.msg().getSection(Section.ANSWER).size() != 1) {
                throw new IllegalStateException("warming " + r.name() + " gave " + (w.written() ? w.msg() : "no reply"));
            }
        }
        if (upstream.calls.get() != NAMES) {
            throw new IllegalStateException("warming asked the answering plugin " + upstream.calls.get()
                    + " times for " + NAMES + " names");
        }
    }

    /** The handler of one plugin with its default setup (prometheus on a port nothing listens on). */
    private static Handler handler(String plugin, Handler next) throws Exception {
        return switch (plugin) {
            case "cache" -> {
                TestController c = TestController.of("cache");
                new CachePlugin().setup(c);
                yield c.handler(next);
            }
            case "prometheus" -> {
                TestController c = TestController.of("prometheus localhost:9253");
                new PrometheusPlugin().setup(c);
                yield c.handler(next);
            }
            case "loadbalance" -> {
                TestController c = TestController.of("loadbalance");
                new LoadBalancePlugin().setup(c);
                yield c.handler(next);
            }
            default -> throw new IllegalArgumentException("no plugin " + plugin + " in this benchmark");
        };
    }

    @TearDown
    public void everyQueryWasAHit() {
        if (upstream.calls.get() != NAMES) {
            throw new IllegalStateException((upstream.calls.get() - NAMES)
                    + " measured queries missed the cache: the figures include the chain behind it");
        }
    }

    /** The cache handler answering one parsed query from the cache. */
    @Benchmark
    public int hit() throws HandlerException {
        return cache.serve(queries.nextRequest(), writer);
    }

    /**
     * The plugin behind the cache: one A record with the cache's largest success TTL (3600 s), so
     * that no entry expires during a run, and a count of the queries that reached it.
     */
    static final class FixedAnswer implements Handler {

        final AtomicLong calls = new AtomicLong();
        private final InetAddress address;

        FixedAnswer(InetAddress address) {
            this.address = address;
        }

        @Override
        public String name() {
            return "fixed";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) {
            calls.incrementAndGet();
            Message m = new Message(request.id());
            m.getHeader().setFlag(Flags.QR);
            m.getHeader().setFlag(Flags.AA);
            m.addRecord(request.question(), Section.QUESTION);
            m.addRecord(new ARecord(request.qname(), DClass.IN, 3600, address), Section.ANSWER);
            writer.write(m);
            return Rcodes.NOERROR;
        }
    }
}
