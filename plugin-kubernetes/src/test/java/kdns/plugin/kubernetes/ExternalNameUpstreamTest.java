package kdns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kdns.api.Handler;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.plugin.kubernetes.dns.Answerer;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.plugin.kubernetes.spi.Port;
import kdns.plugin.kubernetes.model.ServiceInfo;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
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

/**
 * Out-of-zone ExternalName targets are resolved through the whole server (the instance's
 * {@code serve}, CoreDNS's upstream lookup), also when it answers later; nested lookups are bounded.
 */
class ExternalNameUpstreamTest {

    /** A handler whose lookups go through {@code server} (the whole server); its next plugin is {@code next}. */
    private static Handler handler(Handler next, Handler server) throws Exception {
        KubernetesConfig config = KubernetesDirective.parse(TestController.of("kubernetes cluster.local"));
        ClusterIndex index = new ClusterIndex();
        index.putNamespace("ns");
        index.putService(new ServiceInfo("ns", "ext", "ExternalName", List.of(), "ext.example.org",
                List.of(new Port("http", "TCP", 80)), List.of()));
        TestController block = TestController.of("kubernetes cluster.local");
        if (server != null) {
            block.instance().handlers(List.of(server));
        }
        return new KubernetesHandler(new Answerer(config, index, () -> true, List::of), next, () -> true, block);
    }

    private static Handler handler(Handler server) throws Exception {
        return handler(null, server);
    }

    /** Answers every A query with {@code ip}, counting the queries. */
    private static final class Fixed implements Handler {
        final String ip;
        final java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();

        Fixed(String ip) {
            this.ip = ip;
        }

        @Override
        public String name() {
            return "fixed";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) throws kdns.api.HandlerException {
            asked.incrementAndGet();
            Message m = new Message(request.id());
            m.getHeader().setFlag(Flags.QR);
            m.addRecord(request.message().getQuestion(), Section.QUESTION);
            try {
                m.addRecord(new ARecord(request.qname(), DClass.IN, 60, InetAddress.getByName(ip)), Section.ANSWER);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
            writer.write(m);
            return Rcode.NOERROR;
        }
    }

    @Test
    void theTargetIsLookedUpThroughTheWholeServerNotTheNextPlugin() throws Exception {
        Fixed next = new Fixed("192.0.2.1");
        Fixed server = new Fixed("192.0.2.9");
        RecordingWriter w = new RecordingWriter();
        int rc = handler(next, server).serve(TestRequests.query("ext.ns.svc.cluster.local.", Type.A), w);
        assertEquals(Rcode.NOERROR, rc);
        List<Record> answer = w.msg().getSection(Section.ANSWER);
        assertEquals(2, answer.size(), w.msg().toString());
        assertEquals("192.0.2.9", ((ARecord) answer.get(1)).getAddress().getHostAddress());
        assertEquals(1, server.asked.get());
        assertEquals(0, next.asked.get(), "the next plugin is not asked for the target");
    }

    @Test
    void lookupsThatComeBackToTheSameNameAreBounded() throws Exception {
        Handler[] self = new Handler[1];
        // a server block whose chain sends every lookup back to the ExternalName (a loop of targets)
        Handler loop = new Handler() {
            @Override
            public String name() {
                return "loop";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) throws kdns.api.HandlerException {
                return self[0].serve(request.withQuestion(Name.fromConstantString("ext.ns.svc.cluster.local."),
                        request.qtype()), writer);
            }
        };
        self[0] = handler(loop);
        RecordingWriter w = new RecordingWriter();
        int rc = self[0].serve(TestRequests.query("ext.ns.svc.cluster.local.", Type.A), w);
        assertEquals(Rcode.NOERROR, rc);
        assertEquals(1, w.writes());
        List<Record> answer = w.msg().getSection(Section.ANSWER);
        assertEquals(KubernetesHandler.MAX_REENTRIES + 1, answer.size(), w.msg().toString());
        assertTrue(answer.stream().allMatch(r -> r instanceof CNAMERecord), w.msg().toString());
    }

    /** A next plugin that answers {@code ext.example.org. A 192.0.2.1} from another thread, with TC. */
    private static final class Deferred implements Handler {
        volatile String asked;

        @Override
        public String name() {
            return "deferred";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) {
            asked = request.name() + " " + Type.string(request.qtype());
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(50);
                    Message m = new Message(request.id());
                    m.getHeader().setFlag(Flags.QR);
                    m.getHeader().setFlag(Flags.TC);
                    m.addRecord(request.message().getQuestion(), Section.QUESTION);
                    m.addRecord(new ARecord(request.qname(), DClass.IN, 60, InetAddress.getByName("192.0.2.1")),
                            Section.ANSWER);
                    writer.write(m);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            return Handler.DEFERRED;
        }
    }

    @Test
    void deferredUpstreamCompletesTheReply() throws Exception {
        Deferred next = new Deferred();
        RecordingWriter w = new RecordingWriter();
        int rc = handler(next).serve(TestRequests.query("ext.ns.svc.cluster.local.", Type.A), w);
        assertEquals(Handler.DEFERRED, rc);
        Message reply = w.await(5, TimeUnit.SECONDS);
        assertEquals("ext.example.org. A", next.asked);
        List<Record> answer = reply.getSection(Section.ANSWER);
        assertEquals(2, answer.size(), reply.toString());
        assertTrue(answer.get(0) instanceof CNAMERecord, "CNAME first");
        assertEquals("192.0.2.1", ((ARecord) answer.get(1)).getAddress().getHostAddress());
        assertTrue(reply.getHeader().getFlag(Flags.TC), "TC copied from the upstream lookup");
        assertTrue(reply.getHeader().getFlag(Flags.AA));
        assertEquals(1, w.writes());
    }

    @Test
    void failingUpstreamLeavesTheCname() throws Exception {
        Handler failing = new Handler() {
            @Override
            public String name() {
                return "failing";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                return Rcode.SERVFAIL;
            }
        };
        RecordingWriter w = new RecordingWriter();
        int rc = handler(failing).serve(TestRequests.query("ext.ns.svc.cluster.local.", Type.A), w);
        assertEquals(Rcode.NOERROR, rc);
        assertEquals(1, w.msg().getSection(Section.ANSWER).size());
        assertEquals(Type.CNAME, w.msg().getSection(Section.ANSWER).get(0).getType());
    }

    @Test
    void whenNoServerBlockServesTheTargetOnlyTheCname() throws Exception {
        RecordingWriter w = new RecordingWriter();
        handler(null).serve(TestRequests.query("ext.ns.svc.cluster.local.", Type.AAAA), w);
        assertEquals(Rcode.NOERROR, w.msg().getRcode());
        assertEquals(1, w.msg().getSection(Section.ANSWER).size());
    }
}
