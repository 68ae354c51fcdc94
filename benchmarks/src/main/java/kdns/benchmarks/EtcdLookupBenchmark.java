package kdns.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import kdns.plugin.etcd.lookup.Resolver;
import kdns.plugin.etcd.store.Index;
import kdns.plugin.etcd.store.Node;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The etcd plugin's lookup over its in-memory index, with the data set of the dnsperf scenario
 * ({@code dnsperf-datasets.sh}): 10,000 names {@code svcNNNNN.bench.local.} written as ExternalDNS
 * writes them ({@code {"host":"10.1.x.y","ttl":60}} under {@code /skydns/local/bench/}), asked for in
 * a seeded random order with one name in five missing (NXDOMAIN), so that the index's maps are
 * read as a server reads them rather than one hot key.
 */
public class EtcdLookupBenchmark extends BenchmarkSettings {

    private static final int NAMES = 10_000;
    private static final String ZONE = "bench.local.";

    private Index index;
    private Resolver resolver;
    private Name[] names;
    private String[] lowerNames;
    private int next;

    @Setup
    public void setup() throws Exception {
        List<Node> nodes = new ArrayList<>(NAMES);
        List<String> asked = new ArrayList<>();
        for (int i = 0; i < NAMES; i++) {
            String label = String.format(Locale.ROOT, "svc%05d", i);
            String value = String.format(Locale.ROOT, "{\"host\":\"10.%d.%d.%d\",\"ttl\":60}",
                    1 + (i >> 16), (i >> 8) & 255, i & 255);
            nodes.add(Node.of("/skydns/local/bench/" + label, value.getBytes(StandardCharsets.UTF_8), 0, i + 1));
            asked.add(label + "." + ZONE);
        }
        for (int i = 0; i < NAMES / 4; i++) {
            asked.add(String.format(Locale.ROOT, "nosuch%05d.%s", i, ZONE));
        }
        Collections.shuffle(asked, new Random(42));
        index = Index.of("/skydns", nodes);
        resolver = new Resolver("/skydns", 30, 86400);
        names = new Name[asked.size()];
        lowerNames = new String[asked.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = Name.fromString(asked.get(i));
            lowerNames[i] = asked.get(i);
        }
    }

    /** One A query: the answer's records, or null for a name error. */
    @Benchmark
    public Object lookupA() throws Resolver.DataError {
        int i = next;
        next = i + 1 == names.length ? 0 : i + 1;
        try {
            return resolver.resolve(index.view(), ZONE, names[i], lowerNames[i], Type.A, Resolver.NONE);
        } catch (Resolver.NameError e) {
            return null;
        }
    }
}
