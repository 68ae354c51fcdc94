package kdns.plugin.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import kdns.api.Handler;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.Transport;
import kdns.plugin.kubernetes.dns.Answerer;
import kdns.plugin.kubernetes.index.ClusterIndex;
import kdns.plugin.standard.transfer.TransferPlugin;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import kdns.testing.cases.CaseCheck;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The zone transfer cases of cases/kubernetes.json: the {@code transfer} plugin in front of the
 * kubernetes handler, over an index loaded with the case's objects, the server bound to the
 * case's addresses. The whole transfer (every message) is compared: SOA first and last, the rest as
 * a multiset.
 */
class TransferAcceptanceTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);

    @TestFactory
    Stream<DynamicTest> transferCases() throws Exception {
        List<AcceptanceCases.Case> cases = new ArrayList<>();
        for (AcceptanceCases.Case c : AcceptanceCases.all()) {
            if (AcceptanceCases.otherDirectives(c.config()).contains("transfer")) {
                cases.add(c);
            }
        }
        assertFalse(cases.isEmpty(), "cases/kubernetes.json has transfer cases");
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> run(c)));
    }

    /** The transfer plugin set up from the case's directive, in front of a kubernetes handler over the case's objects. */
    static Handler chain(AcceptanceCases.Case c) throws Exception {
        List<String> bound = IndexAcceptanceTest.boundIps(c);
        KubernetesConfig config = KubernetesDirective.parse(TestController.of(AcceptanceCases.kubernetesDirective(c.config())));
        ClusterIndex index = IndexAcceptanceTest.load(c, config);
        Answerer answerer = new Answerer(config, index, () -> true, List::of);
        TestController block = TestController.of(AcceptanceCases.directive(c.config(), "transfer"));
        block.listenHosts(bound);
        KubernetesHandler kubernetes = new KubernetesHandler(answerer, null, () -> true, block, List.of());
        new TransferPlugin().setup(block);
        Handler transfer = block.handler(kubernetes);
        block.instance().handlers(List.of(transfer, kubernetes));
        block.runStartup();
        return transfer;
    }

    private void run(AcceptanceCases.Case c) throws Exception {
        Handler h = chain(c);
        Message query = TestRequests.message(c.qname(), Type.value(c.qtype()), DClass.IN);
        Transport t = "udp".equals(c.transport()) ? Transport.UDP : Transport.TCP;
        RecordingWriter w = new RecordingWriter(CLIENT);
        int rc = h.serve(TestRequests.from(query, t, CLIENT), w);
        Message reply = w.written() ? merged(w.messages()) : IndexAcceptanceTest.errorReply(query, rc);
        List<String> diffs = CaseCheck.differences(reply, new CaseCheck.Expected(c.rcode(), c.answer(), c.ns(),
                c.extra()));
        assertTrue(diffs.isEmpty(), c + ": " + diffs + "\n" + reply);
        List<Record> answer = reply.getSection(Section.ANSWER);
        if (!answer.isEmpty()) {
            assertTrue(answer.get(0) instanceof SOARecord, "the transfer starts with the SOA");
            assertTrue(answer.get(answer.size() - 1) instanceof SOARecord, "the transfer ends with the SOA");
        }
    }

    /** The messages of a transfer as one message with every answer record, in order. */
    static Message merged(List<Message> messages) {
        Message m = messages.get(0).clone();
        m.removeAllRecords(Section.ANSWER);
        for (Message part : messages) {
            for (Record r : part.getSection(Section.ANSWER)) {
                m.addRecord(r, Section.ANSWER);
            }
        }
        return m;
    }

    @Test
    void ixfrFromAnUpToDateClientGetsTheSoaAlone() throws Exception {
        AcceptanceCases.Case axfr = null;
        for (AcceptanceCases.Case c : AcceptanceCases.all()) {
            if (c.qtype().equals("AXFR") && c.rcode().equals("NOERROR")) {
                axfr = c;
            }
        }
        Handler h = chain(axfr);
        RecordingWriter full = new RecordingWriter(CLIENT);
        h.serve(TestRequests.from(TestRequests.message("cluster.local.", Type.AXFR, DClass.IN), Transport.TCP, CLIENT),
                full);
        SOARecord soa = (SOARecord) full.msg().getSection(Section.ANSWER).get(0);
        for (long serial : new long[] {soa.getSerial(), soa.getSerial() - 1}) {
            Message q = TestRequests.message("cluster.local.", Type.IXFR, DClass.IN);
            q.addRecord(new SOARecord(soa.getName(), DClass.IN, 5, soa.getHost(), soa.getAdmin(), serial, 7200, 1800,
                    86400, 5), Section.AUTHORITY);
            RecordingWriter w = new RecordingWriter(CLIENT);
            assertEquals(Rcodes.NOERROR, h.serve(TestRequests.from(q, Transport.TCP, CLIENT), w));
            int records = merged(w.messages()).getSection(Section.ANSWER).size();
            assertEquals(serial == soa.getSerial() ? 1 : axfr.answer().size(), records, "serial " + serial);
        }
    }

    @Test
    void reverseZonesAndUnsyncedIndexesAreNotTransferred() throws Exception {
        KubernetesConfig config = KubernetesDirective.parse(TestController.of("kubernetes cluster.local 10.0.0.0/24"));
        TestController block = TestController.of("transfer");
        Answerer synced = new Answerer(config, new ClusterIndex(), () -> true, List::of);
        KubernetesHandler k = new KubernetesHandler(synced, null, () -> true, block, List.of());
        assertTrue(k.transfer("0.0.10.in-addr.arpa.", -1) == null);
        assertTrue(k.transfer("example.org.", -1) == null);
        assertEquals(2, k.transfer("cluster.local.", -1).size(), "an empty zone is its SOA twice");
        KubernetesHandler unsynced = new KubernetesHandler(new Answerer(config, new ClusterIndex(), () -> false,
                List::of), null, () -> false, block, List.of());
        assertTrue(unsynced.transfer("cluster.local.", -1) == null);
    }

    @Test
    void axfrReachingKubernetesDirectlyIsRefused() throws Exception {
        KubernetesConfig config = KubernetesDirective.parse(TestController.of("kubernetes cluster.local"));
        KubernetesHandler k = new KubernetesHandler(new Answerer(config, new ClusterIndex(), () -> true, List::of),
                null, () -> true, TestController.of("kubernetes"), List.of());
        Request r = TestRequests.from(TestRequests.message("cluster.local.", Type.AXFR, DClass.IN), Transport.TCP, CLIENT);
        assertEquals(Rcodes.REFUSED, k.serve(r, new RecordingWriter(CLIENT)));
    }
}
