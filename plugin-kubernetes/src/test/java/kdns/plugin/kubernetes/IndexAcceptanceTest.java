package kdns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1EndpointSlice;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import kdns.api.Handler;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transport;
import kdns.plugin.kubernetes.dns.Answerer;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.plugin.kubernetes.model.Convert;
import kdns.plugin.kubernetes.model.PodInfo;
import kdns.plugin.kubernetes.model.ServiceInfo;
import kdns.plugin.kubernetes.model.SliceInfo;
import kdns.testing.RecordingWriter;
import kdns.testing.WireRecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import kdns.testing.cases.CaseCheck;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Every case and suite of cases/kubernetes.json, answered by the handler over an index loaded with
 * the case's API objects through the same conversion code the informers use (the objects are
 * parsed by the official client's own JSON deserializer). The label, field and namespace selectors
 * the API server would apply are applied here the way the informers ask for them.
 * {@link ApiServerAcceptanceTest} runs the same cases against the fake API server.
 */
class IndexAcceptanceTest {

    static final Name NEXT_MARKER = name("kdns-acceptance-next.invalid.");

    @TestFactory
    Stream<DynamicTest> cases() throws Exception {
        return AcceptanceCases.all().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> run(c)));
    }

    /** Why a case cannot run against the fake API server, or null. */
    static String skipReason(AcceptanceCases.Case c) {
        return skipReason(c, false);
    }

    /**
     * @param boundIpsSettable true when the test can give the plugin the precondition's own addresses
     */
    static String skipReason(AcceptanceCases.Case c, boolean boundIpsSettable) {
        for (String d : AcceptanceCases.otherDirectives(c.config())) {
            if (AcceptanceCases.RUN_ELSEWHERE.containsKey(d)) {
                return AcceptanceCases.RUN_ELSEWHERE.get(d);
            }
        }
        String k = AcceptanceCases.kubernetesDirective(c.config());
        if (k.matches("(?s).*\\n\\s*multicluster\\b.*")) {
            return "the multicluster option is served by plugin-multicluster, which builds on this module: run by "
                    + "its ApiServerAcceptanceTest.kubernetesOptionSuites";
        }
        if (!boundIpsSettable && c.precondition().has("bound_ips")
                && !c.precondition().get("bound_ips").isEmpty()) {
            return "needs the server bound to " + c.precondition().get("bound_ips")
                    + " (not a local address here; the harness skips these too)";
        }
        return null;
    }

    /** Runs {@code c} over an index loaded with its objects; fails with the differences (also for CoreDnsCornersTest). */
    static void run(AcceptanceCases.Case c) throws Exception {
        String skip = skipReason(c, true);
        assumeTrue(skip == null, skip);
        List<String> bound = boundIps(c);
        KubernetesConfig config = KubernetesDirective.parse(TestController.of(AcceptanceCases.kubernetesDirective(c.config())));
        ClusterIndex index = load(c, config);
        boolean synced = !c.precondition().has("api_synced") || c.precondition().get("api_synced").asBoolean();
        Answerer answerer = new Answerer(config, index, () -> synced, () -> {
            throw new AssertionError("with bind the interface addresses must not be used");
        });
        TestController block = TestController.of("kubernetes");
        block.listenHosts(bound);
        Handler h = new KubernetesHandler(answerer, nextStub(c), () -> synced, block);
        // lookups through the whole server re-enter this chain: [k8s_external,] kubernetes, then the stub
        block.instance().handlers(List.of(h));
        String external = AcceptanceCases.directive(c.config(), "k8s_external");
        if (!external.isEmpty()) {
            // k8s_external runs before kubernetes (plugin.cfg order) and finds it among the block's handlers
            TestController ext = TestController.nextBlock(block, external);
            new kdns.plugin.kubernetes.external.ExternalPlugin().setup(ext);
            Handler e = ext.handler(h);
            block.instance().handlers(List.of(e, h));
            ext.runStartup();
            h = e;
        }
        Message query = TestRequests.message(c.qname(), Type.value(c.qtype()), DClass.IN);
        Transport t = "tcp".equals(c.transport()) ? Transport.TCP : Transport.UDP;
        Request req = TestRequests.from(query, t, new InetSocketAddress("127.0.0.1", 40000));
        RecordingWriter w = new RecordingWriter();
        int rc = h.serve(req, w);
        Message reply = w.written() ? w.msg() : errorReply(query, rc);
        if (c.rcode().equals("NEXT")) {
            assertTrue(isMarker(reply), c + ": the query must reach the next plugin, got\n" + reply);
            return;
        }
        CaseCheck.assertAuthoritativeReply(c.toString(), reply,
                new CaseCheck.Expected(c.rcode(), c.answer(), c.ns(), c.extra()));
        assertSameOnWire(c, h, query, t, reply);
    }

    /**
     * The query again, received as bytes by a writer that takes wire replies: a reply the plugin
     * writes in wire form must be the message reply's bytes (as dnsjava renders them, owner names
     * compressed), with the flags the server's writer copies from the query (RD) left to it.
     */
    private static void assertSameOnWire(AcceptanceCases.Case c, Handler h, Message query, Transport t, Message reply)
            throws Exception {
        Request received = Request.received(query.toWire(), t, new InetSocketAddress("127.0.0.1", 40000),
                RecordingWriter.DEFAULT_LOCAL, ".");
        if (received == null) {
            return;
        }
        WireRecordingWriter ww = new WireRecordingWriter(true);
        h.serve(received, ww);
        if (ww.wires().isEmpty()) {
            return;
        }
        byte[] wire = ww.wires().get(0);
        byte[] expected = reply.toWire();
        // The ID and RD are the server's writer's to put in.
        assertEquals(expected[2] & 0xfe, wire[2] & 0xff, c + ": flags of the wire reply");
        wire[0] = expected[0];
        wire[1] = expected[1];
        wire[2] = expected[2];
        assertArrayEquals(expected, wire, c + ": the wire reply is the message reply's bytes");
    }

    /** The harness binds the server to 127.0.0.1 only; a case's bound_ips are its bind addresses. */
    static List<String> boundIps(AcceptanceCases.Case c) {
        List<String> bound = new java.util.ArrayList<>();
        if (c.precondition().has("bound_ips")) {
            for (JsonNode ip : c.precondition().get("bound_ips")) {
                bound.add(ip.asText());
            }
        }
        if (bound.isEmpty()) {
            bound.add("127.0.0.1");
        }
        return bound;
    }

    static Message errorReply(Message query, int rc) {
        Message m = new Message(query.getHeader().getID());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setRcode(rc);
        m.addRecord(query.getQuestion(), Section.QUESTION);
        return m;
    }

    static boolean isMarker(Message reply) {
        for (Record r : reply.getSection(Section.ANSWER)) {
            if (r instanceof ARecord a && a.getAddress().getHostAddress().equals("192.0.2.53")) {
                return true;
            }
            if (r instanceof PTRRecord p && p.getTarget().equals(NEXT_MARKER)) {
                return true;
            }
            if (r instanceof TXTRecord x && x.getStrings().contains("kdns-acceptance-next-plugin")) {
                return true;
            }
        }
        return false;
    }

    /** The harness's next plugin: the NEXT marker for NEXT cases, the case's upstream records, else SERVFAIL. */
    static Handler nextStub(AcceptanceCases.Case c) {
        return new Handler() {
            @Override
            public String name() {
                return "stub";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                Message m = errorReply(request.message(), Rcode.NOERROR);
                Name q = request.qname();
                if (c.rcode().equals("NEXT") && request.name().equalsIgnoreCase(c.qname())) {
                    m.addRecord(marker(q, request.qtype()), Section.ANSWER);
                    writer.write(m);
                    return Rcodes.NOERROR;
                }
                boolean any = false;
                for (String u : c.upstream()) {
                    Record r = CaseCheck.parse(u);
                    if (r.getName().equals(q) && r.getType() == request.qtype()) {
                        m.addRecord(r, Section.ANSWER);
                        any = true;
                    }
                }
                if (any) {
                    writer.write(m);
                    return Rcodes.NOERROR;
                }
                return Rcodes.SERVFAIL;
            }
        };
    }

    private static Record marker(Name q, int type) {
        try {
            return switch (type) {
                case Type.A -> new ARecord(q, DClass.IN, 5, java.net.InetAddress.getByName("192.0.2.53"));
                case Type.AAAA -> new AAAARecord(q, DClass.IN, 5, java.net.InetAddress.getByName("2001:db8::53"));
                case Type.PTR -> new PTRRecord(q, DClass.IN, 5, NEXT_MARKER);
                case Type.SRV -> new SRVRecord(q, DClass.IN, 5, 0, 0, 53, NEXT_MARKER);
                default -> new TXTRecord(q, DClass.IN, 5, "kdns-acceptance-next-plugin");
            };
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads the objects the informers of {@code config} would see. */
    static ClusterIndex load(AcceptanceCases.Case c, KubernetesConfig config) {
        ClusterIndex index = new ClusterIndex();
        // What the informers' stores would hold: the value an object of the same name replaces.
        Map<String, Object> held = new HashMap<>();
        for (JsonNode o : c.objects()) {
            String kind = o.get("kind").asText();
            Map<String, String> labels = labels(o);
            switch (kind) {
                case "Namespace" -> {
                    if (Selectors.matches(config.namespaceLabels(), labels)) {
                        V1Namespace n = JSON.deserialize(o.toString(), V1Namespace.class);
                        index.putNamespace(n.getMetadata().getName());
                    }
                }
                case "Service" -> {
                    if (Selectors.matches(config.labels(), labels)) {
                        ServiceInfo s = Convert.service(JSON.deserialize(o.toString(), V1Service.class));
                        if (s != null) {
                            index.putService(s);
                        }
                    }
                }
                case "EndpointSlice" -> {
                    if (!config.noEndpoints() && Selectors.matches(config.labels(), labels)) {
                        SliceInfo s = Convert.slice(JSON.deserialize(o.toString(), V1EndpointSlice.class));
                        if (s != null) {
                            index.putSlice((SliceInfo) held.put(s.namespace() + "/" + s.name(), s), s);
                        }
                    }
                }
                case "Pod" -> {
                    if (config.pods() == KubernetesConfig.PodMode.VERIFIED && Selectors.matches(config.labels(), labels)
                            && podPhaseListed(o)) {
                        PodInfo p = Convert.pod(JSON.deserialize(o.toString(), V1Pod.class));
                        if (p != null) {
                            index.putPod((PodInfo) held.put(p.namespace() + "/" + p.name(), p), p);
                        }
                    }
                }
                default -> {
                    // ServiceImports and other kinds belong to later issues.
                }
            }
        }
        return index;
    }

    private static boolean podPhaseListed(JsonNode o) {
        if (!o.has("status") || !o.get("status").has("phase")) {
            return true;
        }
        String phase = o.get("status").get("phase").asText();
        return !phase.equals("Succeeded") && !phase.equals("Failed") && !phase.equals("Unknown");
    }

    private static Map<String, String> labels(JsonNode o) {
        JsonNode meta = o.get("metadata");
        java.util.Map<String, String> out = new java.util.HashMap<>();
        if (meta != null && meta.has("labels")) {
            meta.get("labels").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }

    private static Name name(String s) {
        try {
            return Name.fromString(s);
        } catch (org.xbill.DNS.TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
