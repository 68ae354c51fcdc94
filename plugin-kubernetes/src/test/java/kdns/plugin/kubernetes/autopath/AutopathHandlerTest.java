package kdns.plugin.kubernetes.autopath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import kdns.api.AutoPather;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transport;
import kdns.testing.RecordingWriter;
import kdns.testing.TestInstance;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class AutopathHandlerTest {

    static final List<String> SEARCH = List.of("web.svc.cluster.local.", "svc.cluster.local.", "cluster.local.",
            "corp.example.", "");
    static final InetSocketAddress POD = new InetSocketAddress("10.1.2.3", 40000);

    /** The rest of the chain: A records for known names, NXDOMAIN otherwise; some names answered later. */
    static final class Chain implements Handler {
        final Map<String, String> addresses = new ConcurrentHashMap<>();
        final Set<String> deferred = ConcurrentHashMap.newKeySet();
        final Set<String> failing = ConcurrentHashMap.newKeySet();
        final Set<String> silentServfail = ConcurrentHashMap.newKeySet();
        final List<String> asked = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "chain";
        }

        @Override
        public int serve(Request r, ResponseWriter w) throws HandlerException {
            String n = r.name();
            asked.add(n);
            if (failing.contains(n)) {
                throw new HandlerException(Rcodes.SERVFAIL, "plugin/chain: no next plugin found");
            }
            if (silentServfail.contains(n)) {
                return Rcodes.SERVFAIL;
            }
            Message m = new Message(r.id());
            m.getHeader().setFlag(Flags.QR);
            m.addRecord(r.message().getQuestion(), Section.QUESTION);
            String ip = addresses.get(n);
            if (ip == null) {
                m.getHeader().setRcode(Rcode.NXDOMAIN);
            } else {
                try {
                    m.addRecord(new ARecord(r.qname(), DClass.IN, 42, InetAddress.getByName(ip)), Section.ANSWER);
                } catch (java.net.UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (deferred.contains(n)) {
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    w.write(m);
                });
                return Handler.DEFERRED;
            }
            w.write(m);
            return m.getRcode();
        }
    }

    private final Chain chain = new Chain();
    private final TestInstance instance = new TestInstance();
    private final AutoPather pods = r -> r.ip().equals("10.1.2.3") ? SEARCH : List.of();
    private final AutopathHandler handler = new AutopathHandler(chain, List.of("."), List.of(), () -> pods,
            new AutopathMetrics(instance.metrics(), List.of(), 53));

    private static Request query(String name) {
        return TestRequests.from(TestRequests.message(name, Type.A, DClass.IN), Transport.UDP, POD);
    }

    private double successes() {
        var snap = instance.metrics().prometheus().scrape();
        for (var m : snap) {
            if (m.getMetadata().getPrometheusName().equals("coredns_autopath_success")) {
                return m.getDataPoints().stream()
                        .mapToDouble(d -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) d).getValue())
                        .sum();
            }
        }
        return 0;
    }

    @Test
    void secondElementAnswersBehindACname() throws Exception {
        chain.addresses.put("api.svc.cluster.local.", "10.0.0.9");
        RecordingWriter w = new RecordingWriter(POD);
        int rc = handler.serve(query("Api.web.svc.cluster.local."), w);
        assertEquals(Rcodes.NOERROR, rc);
        Message m = w.msg();
        List<Record> answer = m.getSection(Section.ANSWER);
        assertEquals(2, answer.size(), m.toString());
        CNAMERecord cname = (CNAMERecord) answer.get(0);
        assertEquals(Name.fromString("Api.web.svc.cluster.local."), cname.getName());
        assertEquals(Name.fromString("api.svc.cluster.local."), cname.getTarget());
        assertEquals(42, cname.getTTL());
        assertEquals(Type.A, answer.get(1).getType());
        assertEquals("Api.web.svc.cluster.local.", m.getQuestion().getName().toString());
        assertEquals(List.of("api.web.svc.cluster.local.", "api.svc.cluster.local."), chain.asked);
        assertEquals(1.0, successes());
    }

    @Test
    void firstElementAnswersWithoutCname() throws Exception {
        chain.addresses.put("svc1.web.svc.cluster.local.", "10.0.0.1");
        RecordingWriter w = new RecordingWriter(POD);
        handler.serve(query("svc1.web.svc.cluster.local."), w);
        assertEquals(1, w.msg().getSection(Section.ANSWER).size());
        assertEquals(Type.A, w.msg().getSection(Section.ANSWER).get(0).getType());
        assertEquals(List.of("svc1.web.svc.cluster.local."), chain.asked);
    }

    @Test
    void externalNameAsAskedIsTheLastElement() throws Exception {
        chain.addresses.put("api.example.com.", "192.0.2.1");
        RecordingWriter w = new RecordingWriter(POD);
        handler.serve(query("api.example.com.web.svc.cluster.local."), w);
        assertEquals(List.of("api.example.com.web.svc.cluster.local.", "api.example.com.svc.cluster.local.",
                "api.example.com.cluster.local.", "api.example.com.corp.example.", "api.example.com."), chain.asked);
        assertEquals("api.example.com.", ((CNAMERecord) w.msg().getSection(Section.ANSWER).get(0)).getTarget().toString());
    }

    @Test
    void everyElementNxdomainGivesTheFirstReply() throws Exception {
        RecordingWriter w = new RecordingWriter(POD);
        int rc = handler.serve(query("nothere.web.svc.cluster.local."), w);
        assertEquals(Rcode.NXDOMAIN, rc);
        assertEquals(Rcode.NXDOMAIN, w.msg().getRcode());
        assertEquals(1, w.writes());
        assertEquals(5, chain.asked.size());
        assertEquals(0.0, successes());
    }

    @Test
    void aPluginErrorEndsTheWalk() {
        chain.failing.add("x.svc.cluster.local.");
        HandlerException e = assertThrows(HandlerException.class,
                () -> handler.serve(query("x.web.svc.cluster.local."), new RecordingWriter(POD)));
        assertEquals(Rcodes.SERVFAIL, e.rcode());
        assertEquals(2, chain.asked.size());
    }

    @Test
    void aServfailWithoutReplyIsSkipped() throws Exception {
        chain.silentServfail.add("x.web.svc.cluster.local.");
        chain.addresses.put("x.cluster.local.", "10.0.0.3");
        RecordingWriter w = new RecordingWriter(POD);
        assertEquals(Rcodes.NOERROR, handler.serve(query("x.web.svc.cluster.local."), w));
        assertEquals(2, w.msg().getSection(Section.ANSWER).size());
    }

    @Test
    void deferredStepsResumeOnTheAnsweringThread() throws Exception {
        chain.deferred.add("api.example.com.corp.example.");
        chain.deferred.add("api.example.com.");
        chain.addresses.put("api.example.com.", "192.0.2.1");
        RecordingWriter w = new RecordingWriter(POD);
        assertEquals(Handler.DEFERRED, handler.serve(query("api.example.com.web.svc.cluster.local."), w));
        Message m = w.await(5, TimeUnit.SECONDS);
        assertEquals(2, m.getSection(Section.ANSWER).size(), String.valueOf(m));
        assertEquals(1, w.writes());
        assertEquals(5, chain.asked.size());
        assertEquals(1.0, successes());
    }

    @Test
    void deferredNxdomainEverywhereWritesTheFirstReply() throws Exception {
        chain.deferred.add("nothere.");
        RecordingWriter w = new RecordingWriter(POD);
        assertEquals(Handler.DEFERRED, handler.serve(query("nothere.web.svc.cluster.local."), w));
        Message m = w.await(5, TimeUnit.SECONDS);
        assertEquals(Rcode.NXDOMAIN, m.getRcode());
        assertEquals("nothere.web.svc.cluster.local.", m.getQuestion().getName().toString());
    }

    @Test
    void unknownClientsAndOtherNamesPassThrough() throws Exception {
        Request other = TestRequests.from(TestRequests.message("a.web.svc.cluster.local.", Type.A, DClass.IN),
                Transport.UDP, new InetSocketAddress("10.9.9.9", 1));
        handler.serve(other, new RecordingWriter());
        handler.serve(query("a.other.svc.cluster.local."), new RecordingWriter(POD));
        handler.serve(query("web.svc.cluster.local."), new RecordingWriter(POD));
        assertEquals(List.of("a.web.svc.cluster.local.", "a.other.svc.cluster.local.", "web.svc.cluster.local."),
                chain.asked);
    }

    @Test
    void outsideItsZonesNothingHappens() throws Exception {
        AutopathHandler scoped = new AutopathHandler(chain, List.of("example.org."), List.of(), () -> pods,
                new AutopathMetrics(instance.metrics(), List.of(), 53));
        scoped.serve(query("x.web.svc.cluster.local."), new RecordingWriter(POD));
        assertEquals(List.of("x.web.svc.cluster.local."), chain.asked);
    }

    @Test
    void fileSearchPathServesEveryClient() throws Exception {
        AutopathHandler file = new AutopathHandler(chain, List.of("."), List.of("a.example.", "b.example.", ""),
                () -> null, new AutopathMetrics(instance.metrics(), List.of(), 53));
        chain.addresses.put("host.b.example.", "192.0.2.7");
        RecordingWriter w = new RecordingWriter();
        Request r = TestRequests.from(TestRequests.message("host.a.example.", Type.A, DClass.IN), Transport.UDP,
                new InetSocketAddress("192.0.2.200", 5000));
        file.serve(r, w);
        assertEquals(List.of("host.a.example.", "host.b.example."), chain.asked);
        assertTrue(w.msg().getSection(Section.ANSWER).get(0) instanceof CNAMERecord);
        assertFalse(w.msg().getHeader().getFlag(Flags.TC));
    }
}
