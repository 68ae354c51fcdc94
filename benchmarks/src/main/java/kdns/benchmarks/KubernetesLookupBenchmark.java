package kdns.benchmarks;

import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1Service;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Request;
import kdns.api.Transport;
import kdns.plugin.kubernetes.KubernetesConfig;
import kdns.plugin.kubernetes.KubernetesHandler;
import kdns.plugin.kubernetes.KubernetesDirective;
import kdns.plugin.kubernetes.KubernetesPlugin;
import kdns.plugin.kubernetes.dns.Answerer;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.plugin.kubernetes.model.Convert;
import kdns.plugin.kubernetes.model.ServiceInfo;
import kdns.plugin.kubernetes.model.SliceInfo;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.kubernetes.KubeObjects;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The kubernetes plugin answering A queries for ClusterIP Services from its index, with the data
 * set of the dnsperf scenario ({@code dnsperf-datasets.sh} with {@link FakeClusterMain}): 10,000
 * Services {@code svcNNNNN} in namespace {@code bench}, each with one EndpointSlice of 5 endpoints,
 * asked for in a seeded random order with one query in five for a Service that does not exist
 * (NXDOMAIN), so that the index is read as a server reads it rather than through one hot key.
 *
 * <p>The index is filled with the API objects the fake API server would serve, deserialised by the
 * official client and converted by {@link Convert} as the informers do, so it holds what a synced
 * server holds without an API server running. Five warm-up rounds: the answer path is large
 * enough that the JIT is still at it after two (the first measured rounds were 3x the last).
 */
@Warmup(iterations = 5, time = 2)
public class KubernetesLookupBenchmark extends ChainBenchmark {

    private static final int SERVICES = 10_000;
    private static final int ENDPOINTS_PER_SERVICE = 5;
    private static final String NAMESPACE = "bench";
    private static final String ZONE = "cluster.local.";
    private static final InetSocketAddress CLIENT = new InetSocketAddress("10.244.0.7", 40212);

    private Handler handler;

    @Setup
    public void setup(Blackhole bh) throws Exception {
        ClusterIndex index = new ClusterIndex();
        index.putNamespace(NAMESPACE);
        List<String> asked = new ArrayList<>(SERVICES + SERVICES / 4);
        int endpoint = 0;
        for (int i = 0; i < SERVICES; i++) {
            String name = String.format(Locale.ROOT, "svc%05d", i);
            ServiceInfo service = Convert.service(JSON.deserialize(KubeObjects.service(NAMESPACE, name)
                    .clusterIP(FakeClusterMain.clusterIp(i)).port("http", "TCP", 80).build().toString(), V1Service.class));
            index.putService(service);
            String[] addresses = new String[ENDPOINTS_PER_SERVICE];
            for (int k = 0; k < addresses.length; k++) {
                addresses[k] = FakeClusterMain.endpointIp(endpoint++);
            }
            SliceInfo slice = Convert.slice(JSON.deserialize(KubeObjects.endpointSlice(NAMESPACE, name + "-1")
                    .service(name).endpoints(addresses).port("http", "TCP", 80).build().toString(), V1EndpointSlice.class));
            index.putSlice(null, slice);
            asked.add(name + "." + NAMESPACE + ".svc." + ZONE);
        }
        for (int i = 0; i < SERVICES / 4; i++) {
            asked.add(String.format(Locale.ROOT, "nosuch%05d.%s.svc.%s", i, NAMESPACE, ZONE));
        }
        Collections.shuffle(asked, new Random(43));

        // The Corefile of dnsperf-datasets.sh: "kubernetes cluster.local" as the last plugin (no next).
        TestController block = TestController.of("kubernetes cluster.local", List.of(ZONE));
        KubernetesConfig config = KubernetesDirective.parse(block);
        // Only the apex NS and ns.dns.<zone> answers use the server's own addresses; none is asked here.
        List<InetAddress> ownAddresses = List.of(InetAddress.getByAddress(new byte[] {10, 96, 0, 10}));
        Answerer answerer = new Answerer(config, index, () -> true, () -> ownAddresses);
        handler = new KubernetesHandler(answerer, null, () -> true, block, List.of());
        serve(handler, ZONE, asked, CLIENT, bh);
        check("svc00000." + NAMESPACE + ".svc." + ZONE, Rcode.NOERROR, FakeClusterMain.clusterIp(0));
        check("nosuch00000." + NAMESPACE + ".svc." + ZONE, Rcode.NXDOMAIN, null);
    }

    /** Fails the run when the index does not answer as the dnsperf scenario expects. */
    private void check(String name, int rcode, String address) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
        RecordingWriter w = new RecordingWriter(CLIENT, LOCAL);
        handler.serve(new Request(q, Transport.UDP, CLIENT, LOCAL, ZONE), w);
        Message reply = w.written() ? w.msg() : null;
        List<Record> answer = reply == null ? List.of() : reply.getSection(Section.ANSWER);
        boolean ok = reply != null && reply.getRcode() == rcode && (address == null ? answer.isEmpty()
                : answer.size() == 1 && answer.get(0) instanceof ARecord a
                        && a.getAddress().getHostAddress().equals(address));
        if (!ok) {
            throw new IllegalStateException("unexpected answer for " + name + ": " + reply);
        }
    }

    /** The plugin's handler answering one parsed query: index lookup and reply message. */
    @Benchmark
    public int handler() throws HandlerException {
        return handler.serve(queries.nextRequest(), writer);
    }
}
