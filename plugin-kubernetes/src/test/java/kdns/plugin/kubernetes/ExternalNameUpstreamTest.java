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
import kdns.plugin.kubernetes.model.Port;
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
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Out-of-zone ExternalName targets are resolved by the next plugin, also when it answers later. */
class ExternalNameUpstreamTest {

    private static Handler handler(Handler next) throws Exception {
        KubernetesConfig config = KubernetesPlugin.parse(TestController.of("kubernetes cluster.local"));
        ClusterIndex index = new ClusterIndex();
        index.putNamespace("ns");
        index.putService(new ServiceInfo("ns", "ext", "ExternalName", List.of(), "ext.example.org",
                List.of(new Port("http", "TCP", 80)), List.of()));
        return new KubernetesHandler(new Answerer(config, index, () -> true, List::of), next, () -> true);
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
    void withoutANextPluginOnlyTheCname() throws Exception {
        RecordingWriter w = new RecordingWriter();
        handler(null).serve(TestRequests.query("ext.ns.svc.cluster.local.", Type.AAAA), w);
        assertEquals(Rcode.NOERROR, w.msg().getRcode());
        assertEquals(1, w.msg().getSection(Section.ANSWER).size());
    }
}
