package kdns.plugin.standard.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.plugin.standard.CapturingSink;
import kdns.api.Replies;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class LogHandlerTest {

    private final CapturingSink sink = new CapturingSink();

    private Handler log(String directive, Handler next) throws Exception {
        TestController c = TestController.of(directive);
        new LogPlugin(sink).setup(c);
        return c.handler(next);
    }

    /** A next plugin that answers with {@code rcode}, an A record for NOERROR, an SOA for NXDOMAIN. */
    static Handler answering(int rcode) {
        return new Handler() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                writer.write(reply(request, rcode));
                return rcode;
            }
        };
    }

    static Message reply(Request request, int rcode) {
        Message m = Replies.replyTo(request.message());
        m.getHeader().setFlag(Flags.AA);
        m.getHeader().setRcode(rcode);
        try {
            if (rcode == Rcodes.NOERROR && request.qtype() == Type.A) {
                m.addRecord(new ARecord(request.qname(), DClass.IN, 30,
                        java.net.InetAddress.getByName("192.0.2.1")), Section.ANSWER);
            } else if (rcode == Rcodes.NXDOMAIN || rcode == Rcodes.NOERROR) {
                Name zone = Name.fromString("example.org.");
                m.addRecord(new SOARecord(zone, DClass.IN, 30, Name.fromString("ns.example.org."),
                        Name.fromString("admin.example.org."), 1, 2, 3, 4, 5), Section.AUTHORITY);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return m;
    }

    @Test
    void logsEveryQueryInTheCommonFormatWhenTheReplyIsWritten() throws Exception {
        Request q = TestRequests.query("example.org", Type.A);
        RecordingWriter w = new RecordingWriter();
        int rc = log("log", answering(Rcodes.NOERROR)).serve(q, w);
        assertEquals(Rcodes.NOERROR, rc);
        assertTrue(w.written());
        List<String> lines = sink.lines();
        assertEquals(1, lines.size());
        int size = q.querySize();
        int rsize = w.msg().toWire().length;
        String expected = "[INFO] 10.240.0.1:40212 - " + q.id() + " \"A IN example.org. udp " + size + " false 512\" "
                + "NOERROR qr,aa,rd " + rsize + " ";
        assertTrue(lines.get(0).startsWith(expected), lines.get(0) + "\n" + expected);
        assertTrue(lines.get(0).matches(".* \\d+(\\.\\d+)?s$"), lines.get(0));
    }

    @Test
    void theReplySizeIsWhatTheServersWriterSent() throws Exception {
        RecordingWriter sending = new RecordingWriter() {
            @Override
            public int sentLength() {
                return written() ? 4242 : -1; // as the server's writer: known once it sent the reply
            }
        };
        log("log . \"{rcode} {rsize}\"", answering(Rcodes.NOERROR)).serve(TestRequests.query("example.org", Type.A),
                sending);
        assertEquals(List.of("[INFO] NOERROR 4242"), sink.lines());
    }

    @Test
    void queriesOutsideTheNamesPassThroughUnwrapped() throws Exception {
        AtomicReference<ResponseWriter> seen = new AtomicReference<>();
        Handler next = new Handler() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                seen.set(writer);
                writer.write(reply(request, Rcodes.NOERROR));
                return Rcodes.NOERROR;
            }
        };
        Handler h = log("log example.org", next);
        RecordingWriter w = new RecordingWriter();
        h.serve(TestRequests.query("example.net", Type.A), w);
        assertSame(w, seen.get());
        assertTrue(sink.lines().isEmpty());

        h.serve(TestRequests.query("www.Example.org", Type.A), w);
        assertEquals(1, sink.lines().size());
        assertTrue(sink.lines().get(0).contains("\"A IN www.example.org. udp"), sink.lines().get(0));
    }

    @Test
    void firstMatchingRuleDecides() throws Exception {
        Handler h = log("log example.org {\n class denial\n}\nlog . {type}", answering(Rcodes.NOERROR));
        h.serve(TestRequests.query("a.example.org", Type.A), new RecordingWriter());
        assertTrue(sink.lines().isEmpty(), "example.org's rule takes only denials");
        h.serve(TestRequests.query("a.example.net", Type.A), new RecordingWriter());
        assertEquals(List.of("[INFO] A"), sink.lines());
    }

    @Test
    void classDenial() throws Exception {
        Handler nx = log("log . {rcode} {\n class denial\n}", answering(Rcodes.NXDOMAIN));
        nx.serve(TestRequests.query("nope.example.org", Type.A), new RecordingWriter());
        assertEquals(List.of("[INFO] NXDOMAIN"), sink.lines());
        sink.clear();

        Handler nodata = log("log . {rcode} {\n class denial\n}", answering(Rcodes.NOERROR));
        nodata.serve(TestRequests.query("example.org", Type.MX), new RecordingWriter());
        assertEquals(List.of("[INFO] NOERROR"), sink.lines(), "NOERROR with SOA and no answer is NODATA");
        sink.clear();

        nodata.serve(TestRequests.query("example.org", Type.A), new RecordingWriter());
        assertTrue(sink.lines().isEmpty(), "a positive answer is not a denial");
    }

    @Test
    void classSuccessAndError() throws Exception {
        Handler ok = log("log . {rcode} {\n class success\n}", answering(Rcodes.NOERROR));
        ok.serve(TestRequests.query("example.org", Type.A), new RecordingWriter());
        assertEquals(List.of("[INFO] NOERROR"), sink.lines());
        sink.clear();

        Handler refused = log("log . {rcode} {\n class error\n}", answering(Rcodes.REFUSED));
        refused.serve(TestRequests.query("example.org", Type.A), new RecordingWriter());
        assertEquals(List.of("[INFO] REFUSED"), sink.lines());
    }

    @Test
    void unwrittenErrorIsLoggedAsTheReplyTheServerSends() throws Exception {
        Request q = TestRequests.query("example.org", Type.A);
        RecordingWriter w = new RecordingWriter();
        int rc = log("log . \"{rcode} {>rflags} {rsize}\" {\n class error\n}", TestHandlers.returning(Rcodes.SERVFAIL))
                .serve(q, w);
        assertEquals(Rcodes.SERVFAIL, rc);
        assertTrue(!w.written(), "log writes nothing itself");
        int size = Replies.errorReply(q.message(), Rcodes.SERVFAIL).toWire().length;
        assertEquals(List.of("[INFO] SERVFAIL qr,rd " + size), sink.lines());
    }

    @Test
    void handlerExceptionIsLoggedAndPassedOn() throws Exception {
        Handler h = log("log . {rcode}", TestHandlers.failing(Rcodes.SERVFAIL, "upstream timeout"));
        HandlerException e = assertThrows(HandlerException.class,
                () -> h.serve(TestRequests.query("example.org", Type.A), new RecordingWriter()));
        assertEquals("upstream timeout", e.getMessage());
        assertEquals(List.of("[INFO] SERVFAIL"), sink.lines());
    }

    @Test
    void lastInChainFailsAndLogs() throws Exception {
        Handler h = log("log . {rcode}", null);
        HandlerException e = assertThrows(HandlerException.class,
                () -> h.serve(TestRequests.query("example.org", Type.A), new RecordingWriter()));
        assertEquals("plugin/log: no next plugin found", e.getMessage());
        assertEquals(List.of("[INFO] SERVFAIL"), sink.lines());
    }

    @Test
    void deferredReplyIsLoggedWhenWrittenFromAnotherThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Handler deferred = new Handler() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                Thread.ofPlatform().start(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    writer.write(reply(request, Rcodes.NXDOMAIN));
                });
                return Handler.DEFERRED;
            }
        };
        RecordingWriter w = new RecordingWriter();
        assertEquals(Handler.DEFERRED, log("log . \"{rcode} {duration}\"", deferred)
                .serve(TestRequests.query("example.org", Type.A), w));
        assertTrue(sink.lines().isEmpty(), "nothing logged before the reply");
        Thread.sleep(30);
        release.countDown();
        assertNotNull(w.await(5, TimeUnit.SECONDS));
        String line = sink.await(l -> l.startsWith("[INFO] NXDOMAIN"), Duration.ofSeconds(5));
        assertNotNull(line);
        double seconds = Double.parseDouble(line.substring("[INFO] NXDOMAIN ".length(), line.length() - 1));
        assertTrue(seconds >= 0.03, line);
        assertEquals(1, sink.lines().size());
    }

    @Test
    void exactlyOneLinePerQuery() throws Exception {
        Handler buggy = new Handler() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                writer.write(reply(request, Rcodes.NOERROR));
                writer.write(reply(request, Rcodes.NOERROR));
                return Rcodes.SERVFAIL;
            }
        };
        RecordingWriter w = new RecordingWriter();
        log("log . {rcode}", buggy).serve(TestRequests.query("example.org", Type.A), w);
        assertEquals(2, w.writes(), "every write still reaches the client's writer");
        assertEquals(List.of("[INFO] NOERROR"), sink.lines());
    }

    @Test
    void minDurationLogsSlowRepliesOfOtherClasses() throws Exception {
        Handler slow = new Handler() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                if (request.name().startsWith("slow.")) {
                    try {
                        Thread.sleep(60);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                writer.write(reply(request, Rcodes.NOERROR));
                return Rcodes.NOERROR;
            }
        };
        Handler h = log("log . {name} {\n class error\n minDuration 20ms\n}", slow);
        h.serve(TestRequests.query("fast.example.org", Type.A), new RecordingWriter());
        assertTrue(sink.lines().isEmpty());
        h.serve(TestRequests.query("slow.example.org", Type.A), new RecordingWriter());
        assertEquals(List.of("[INFO] slow.example.org."), sink.lines());
    }

    @Test
    void combinedFormatAddsTheOpcode() throws Exception {
        log("log . {combined}", answering(Rcodes.NOERROR)).serve(TestRequests.query("example.org", Type.A),
                new RecordingWriter());
        assertTrue(sink.lines().get(0).endsWith("s \"0\""), sink.lines().get(0));
    }

    @Test
    void remoteAddressComesFromTheWriter() throws Exception {
        java.net.InetSocketAddress remote = new java.net.InetSocketAddress("::1", 50759);
        log("log . {remote}:{port}", answering(Rcodes.NOERROR))
                .serve(TestRequests.query("example.org", Type.A), new RecordingWriter(remote));
        assertEquals(List.of("[INFO] [::1]:50759"), sink.lines());
    }

    @Test
    void handlerName() throws Exception {
        assertEquals("log", log("log", answering(0)).name());
    }
}
