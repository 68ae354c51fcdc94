package kdns.plugin.standard.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import kdns.api.Handler;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import kdns.testing.WireRecordingWriter;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Replies in wire form through the metrics writer: counted from their bytes exactly as the same
 * reply written parsed, once, also when the inner writer declines and the reply comes again parsed.
 */
class MetricsWireTest {

    private static final String SERVER = "server=\"dns://:53\",view=\"\",zone=\".\"";

    /** An A answer with the extended rcode 16 (0 in the header, 1 in the OPT record; named BADSIG). */
    private static final Function<Request, Message> EXTENDED = request -> {
        Message m = new Message(request.id());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.AA);
        m.addRecord(request.message().getQuestion(), Section.QUESTION);
        try {
            m.addRecord(new ARecord(request.qname(), DClass.IN, 30, InetAddress.getByName("192.0.2.1")),
                    Section.ANSWER);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        m.addRecord(new OPTRecord(1232, 1, 0, 0), Section.ADDITIONAL);
        return m;
    };

    private record Served(TestController controller, RecordingWriter writer) {
        String metrics() {
            return Scrape.text(controller.instance().metrics());
        }
    }

    private static Served serve(Handler next, RecordingWriter writer) throws Exception {
        TestController c = TestController.of("prometheus localhost:9253");
        new PrometheusPlugin().setup(c);
        c.handler(next).serve(TestRequests.query("example.org", Type.A), writer);
        return new Served(c, writer);
    }

    /** The scrape without the duration histogram, the one series that differs between two runs. */
    private static String withoutDurations(String text) {
        List<String> kept = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.contains("duration_seconds")) {
                kept.add(line);
            }
        }
        return String.join("\n", kept);
    }


    @Test
    void aWireReplyIsCountedAsTheSameReplyWrittenParsed() throws Exception {
        Served wire = serve(TestHandlers.offeringWire(EXTENDED), new WireRecordingWriter(true));
        Served parsed = serve(TestHandlers.writing(EXTENDED), new RecordingWriter());
        assertEquals(1, ((WireRecordingWriter) wire.writer()).wires().size(), "taken in wire form");
        assertFalse(wire.writer().written());
        String t = wire.metrics();
        assertEquals(withoutDurations(parsed.metrics()), withoutDurations(t));
        assertEquals(1.0, Scrape.value(t, "coredns_dns_responses_total{plugin=\"test\",rcode=\"" + RcodeNames.name(16) + "\"," + SERVER
                + "}"), t);
        int size = ((WireRecordingWriter) wire.writer()).wires().get(0).length;
        assertEquals(size, Scrape.value(t, "coredns_dns_response_size_bytes_sum{proto=\"udp\"," + SERVER + "}"), t);
        assertEquals(1.0, Scrape.value(t, "coredns_dns_request_duration_seconds_count{" + SERVER + "}"), t);
    }

    @Test
    void theSizeOfAParsedReplyIsWhatTheServersWriterSent() throws Exception {
        RecordingWriter sending = new RecordingWriter() {
            @Override
            public int sentLength() {
                return written() ? 4242 : -1; // as the server's writer: known once it sent the reply
            }
        };
        String t = serve(TestHandlers.writing(EXTENDED), sending).metrics();
        assertEquals(4242.0, Scrape.value(t, "coredns_dns_response_size_bytes_sum{proto=\"udp\"," + SERVER + "}"), t);
    }

    @Test
    void aDeclinedWireReplyIsCountedOnceWhenItComesParsed() throws Exception {
        WireRecordingWriter declining = new WireRecordingWriter(false);
        Served wire = serve(TestHandlers.offeringWire(EXTENDED), declining);
        Served parsed = serve(TestHandlers.writing(EXTENDED), new RecordingWriter());
        assertEquals(1, declining.offers(), "offered");
        assertEquals(1, declining.writes(), "then written parsed");
        String t = wire.metrics();
        assertEquals(withoutDurations(parsed.metrics()), withoutDurations(t));
        assertEquals(1.0, Scrape.value(t, "coredns_dns_request_duration_seconds_count{" + SERVER + "}"), t);
    }

    @Test
    void theWriterTakesWireRepliesWhenItsInnerWriterDoes() throws Exception {
        for (boolean inner : new boolean[] {true, false}) {
            boolean[] seen = new boolean[1];
            Handler probe = TestHandlers.serving((request, writer) -> {
                seen[0] = writer.takesWire();
                return Rcodes.SERVFAIL;
            });
            serve(probe, new WireRecordingWriter(inner));
            assertEquals(inner, seen[0]);
        }
    }
}
