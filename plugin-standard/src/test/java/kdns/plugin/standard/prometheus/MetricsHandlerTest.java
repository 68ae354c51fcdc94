package kdns.plugin.standard.prometheus;

import kdns.api.ServerLabels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Transport;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class MetricsHandlerTest {

    private static final String SERVER = "server=\"dns://:53\",view=\"\",zone=\".\"";

    private final TestController c = TestController.of("prometheus localhost:9253");

    private Handler handler(Handler next) throws Exception {
        new PrometheusPlugin().setup(c);
        return c.handler(next);
    }

    private String text() {
        return Scrape.text(c.instance().metrics());
    }

    private static double value(String text, String series) {
        return Scrape.value(text, series);
    }

    @Test
    void countsARequestAndItsReply() throws Exception {
        Handler h = handler(TestHandlers.answering(Rcode.NXDOMAIN));
        RecordingWriter w = new RecordingWriter();
        int rc = h.serve(TestRequests.query("example.org", Type.A), w);
        assertEquals(Rcode.NXDOMAIN, rc);
        assertEquals(1, w.writes());
        String t = text();
        assertEquals(1.0, value(t, "coredns_dns_requests_total{family=\"1\",proto=\"udp\"," + SERVER.replace(
                ",view", ",type=\"A\",view") + "}"), t);
        assertEquals(1.0, value(t, "coredns_dns_responses_total{plugin=\"test\",rcode=\"NXDOMAIN\"," + SERVER + "}"), t);
        assertEquals(1.0, value(t, "coredns_dns_request_duration_seconds_count{" + SERVER + "}"), t);
        int size = w.msg().toWire().length;
        assertEquals(size, value(t, "coredns_dns_response_size_bytes_sum{proto=\"udp\"," + SERVER + "}"), t);
        int req = TestRequests.query("example.org", Type.A).message().toWire().length;
        assertEquals(req, value(t, "coredns_dns_request_size_bytes_sum{proto=\"udp\"," + SERVER + "}"), t);
        assertTrue(Double.isNaN(value(t, "coredns_dns_do_requests_total{" + SERVER + "}")), t);
    }

    @Test
    void typesOutsideCoreDnsListAreOther() throws Exception {
        Handler h = handler(TestHandlers.answering(Rcode.NOERROR));
        h.serve(TestRequests.query("example.org", Type.NAPTR), new RecordingWriter());
        h.serve(TestRequests.query("example.org", Type.HTTPS), new RecordingWriter());
        h.serve(TestRequests.query("example.org", Type.AAAA), new RecordingWriter());
        String t = text();
        for (String type : new String[] {"other", "HTTPS", "AAAA"}) {
            assertEquals(1.0, value(t, "coredns_dns_requests_total{family=\"1\",proto=\"udp\",server=\"dns://:53\","
                    + "type=\"" + type + "\",view=\"\",zone=\".\"}"), t);
        }
    }

    @Test
    void queryTypeLabels() {
        assertEquals("A", QueryTypes.label(Type.A));
        assertEquals("ANY", QueryTypes.label(Type.ANY));
        assertEquals("AXFR", QueryTypes.label(Type.AXFR));
        assertEquals("NSEC3", QueryTypes.label(Type.NSEC3));
        assertEquals("other", QueryTypes.label(Type.HINFO));
        assertEquals("other", QueryTypes.label(Type.SVCB));
        assertEquals("NOERROR", RcodeNames.name(0));
        assertEquals("BADSIG", RcodeNames.name(16));
        assertEquals("DSOTYPENI", RcodeNames.name(11));
        assertEquals("RCODE12", RcodeNames.name(12));
        assertEquals("RCODE3841", RcodeNames.name(3841));
    }

    @Test
    void anErrorRcodeWithoutAReplyIsCountedWithSizeZeroAndNoPlugin() throws Exception {
        Handler h = handler(TestHandlers.returning(Rcodes.SERVFAIL));
        RecordingWriter w = new RecordingWriter();
        assertEquals(Rcodes.SERVFAIL, h.serve(TestRequests.query("example.org", Type.A), w));
        assertEquals(0, w.writes());
        String t = text();
        assertEquals(1.0, value(t, "coredns_dns_responses_total{plugin=\"\",rcode=\"SERVFAIL\"," + SERVER + "}"), t);
        assertEquals(0.0, value(t, "coredns_dns_response_size_bytes_sum{proto=\"udp\"," + SERVER + "}"), t);
        assertEquals(1.0, value(t, "coredns_dns_response_size_bytes_bucket{proto=\"udp\"," + SERVER + ",le=\"0.0\"}"),
                t);
    }

    @Test
    void aHandlerExceptionIsCountedWithItsRcodeAndPassedOn() throws Exception {
        Handler h = handler(TestHandlers.failing(Rcodes.REFUSED, "no"));
        HandlerException e = assertThrows(HandlerException.class,
                () -> h.serve(TestRequests.query("example.org", Type.A), new RecordingWriter()));
        assertEquals(Rcodes.REFUSED, e.rcode());
        String t = text();
        assertEquals(1.0, value(t, "coredns_dns_responses_total{plugin=\"\",rcode=\"REFUSED\"," + SERVER + "}"), t);
    }

    @Test
    void lastPluginIsFailure() throws Exception {
        new PrometheusPlugin().setup(c);
        Handler h = c.handler(null);
        assertThrows(HandlerException.class, () -> h.serve(TestRequests.query("a.", Type.A), new RecordingWriter()));
        String t = text();
        assertEquals(1.0, value(t, "coredns_dns_responses_total{plugin=\"\",rcode=\"SERVFAIL\"," + SERVER + "}"), t);
    }

    @Test
    void aDeferredReplyIsCountedWhenItIsWrittenFromAnotherThread() throws Exception {
        CompletableFuture<Runnable> pending = new CompletableFuture<>();
        Handler deferring = new Handler() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                pending.complete(() -> {
                    Message m = new Message(request.id());
                    m.addRecord(request.message().getQuestion(), Section.QUESTION);
                    m.addRecord(new ARecord(request.qname(), DClass.IN, 30, new byte[] {10, 0, 0, 1}), Section.ANSWER);
                    writer.write(m);
                    writer.write(m);
                });
                return DEFERRED;
            }
        };
        Handler h = handler(deferring);
        RecordingWriter w = new RecordingWriter();
        assertEquals(Handler.DEFERRED, h.serve(TestRequests.query("example.org", Type.A), w));
        assertTrue(Double.isNaN(value(text(), "coredns_dns_responses_total{plugin=\"slow\",rcode=\"NOERROR\","
                + SERVER + "}")), "nothing counted before the reply");
        Thread t = new Thread(pending.get(2, TimeUnit.SECONDS));
        t.start();
        t.join(5000);
        assertTrue(w.written());
        String s = text();
        assertEquals(1.0, value(s, "coredns_dns_responses_total{plugin=\"slow\",rcode=\"NOERROR\"," + SERVER + "}"), s);
        // The second write is passed on but not counted again.
        assertEquals(2, w.writes());
        assertEquals(1.0, value(s, "coredns_dns_requests_total{family=\"1\",proto=\"udp\",server=\"dns://:53\","
                + "type=\"A\",view=\"\",zone=\".\"}"), s);
    }

    @Test
    void tcpIpv6AndDnssecOk() throws Exception {
        Handler h = handler(TestHandlers.answering(Rcode.NOERROR));
        Message m = TestRequests.message("example.org", Type.A, DClass.IN);
        m.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO), Section.ADDITIONAL);
        Request r = new Request(m, Transport.TCP, new InetSocketAddress("2001:db8::1", 5353),
                new InetSocketAddress("::1", 1053), "example.org.");
        h.serve(r, new RecordingWriter());
        String t = text();
        String s = "server=\"dns://:1053\",view=\"\",zone=\"example.org.\"";
        assertEquals(1.0, value(t, "coredns_dns_requests_total{family=\"2\",proto=\"tcp\",server=\"dns://:1053\","
                + "type=\"A\",view=\"\",zone=\"example.org.\"}"), t);
        assertEquals(1.0, value(t, "coredns_dns_do_requests_total{" + s + "}"), t);
        assertEquals(1.0, value(t, "coredns_dns_request_size_bytes_count{proto=\"tcp\"," + s + "}"), t);
    }

    @Test
    void serverNames() {
        assertEquals("dns://:53", ServerLabels.of("", 53));
        assertEquals("dns://[::1]:53", ServerLabels.of("::1", 53));
        assertEquals("dns://:53", ServerLabels.forLocal(new InetSocketAddress("127.0.0.1", 53),
                java.util.List.of(), 1));
        assertEquals("dns://127.0.0.53:53", ServerLabels.forLocal(new InetSocketAddress("127.0.0.53", 53),
                java.util.List.of("127.0.0.1", "127.0.0.53"), 1));
        assertEquals("dns://[::1]:1053", ServerLabels.forLocal(new InetSocketAddress("::1", 1053),
                java.util.List.of("127.0.0.1", "::1"), 1));
        assertEquals("dns://127.0.0.1:99", ServerLabels.forLocal(null, java.util.List.of("127.0.0.1"), 99));
        assertEquals("dns://127.0.0.1:53", ServerLabels.forLocal(new InetSocketAddress(53),
                java.util.List.of("127.0.0.1"), 1));
    }

    @Test
    void boundBlocksNameTheirAddress() throws Exception {
        TestController bound = TestController.of("bind 127.0.0.1");
        new kdns.plugin.standard.bind.BindPlugin().setup(bound);
        TestController prom = TestController.nextBlock(bound, "prometheus localhost:9253");
        // nextBlock is another block: the bind of block 0 does not apply to it.
        new PrometheusPlugin().setup(prom);
        Handler h = prom.handler(TestHandlers.answering(0));
        h.serve(TestRequests.query("a.", Type.A), new RecordingWriter());
        String t = Scrape.text(prom.instance().metrics());
        assertTrue(t.contains("server=\"dns://:53\""), t);

        TestController both = TestController.of("prometheus localhost:9253");
        both.listenHosts(java.util.List.of("127.0.0.1")); // as bind, earlier in the chain order, would
        new PrometheusPlugin().setup(both);
        both.handler(TestHandlers.answering(0)).serve(TestRequests.query("a.", Type.A), new RecordingWriter());
        t = Scrape.text(both.instance().metrics());
        assertTrue(t.contains("coredns_dns_requests_total{family=\"1\",proto=\"udp\",server=\"dns://127.0.0.1:53\""),
                t);
    }
}
