package kdns.plugin.standard.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import kdns.api.Handler;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.plugin.standard.CapturingSink;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

class ErrorsHandlerTest {

    private final CapturingSink sink = new CapturingSink();
    private TestController controller;

    private Handler errors(String directive, Handler next) throws Exception {
        controller = TestController.of(directive);
        new ErrorsPlugin(sink).setup(controller);
        return controller.handler(next);
    }

    private static Request q(String name) {
        return TestRequests.query(name, Type.A);
    }

    @Test
    void failuresOfDeferredRepliesAreLoggedWhenReported() throws Exception {
        Handler deferring = new Handler() {
            @Override
            public String name() {
                return "forward";
            }

            @Override
            public int serve(Request request, ResponseWriter writer) {
                Thread.ofVirtual().start(() -> {
                    writer.reportError(new kdns.api.HandlerException(Rcodes.SERVFAIL, "no healthy proxies"));
                    writer.write(new org.xbill.DNS.Message(request.id()));
                });
                return Handler.DEFERRED;
            }
        };
        RecordingWriter w = new RecordingWriter();
        assertEquals(Handler.DEFERRED, errors("errors", deferring).serve(q("example.org"), w));
        assertNotNull(w.await(5, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(List.of("[ERROR] 2 example.org. A: no healthy proxies"), sink.lines());
    }

    @Test
    void successPassesThroughSilently() throws Exception {
        RecordingWriter w = new RecordingWriter();
        assertEquals(Rcodes.NXDOMAIN, errors("errors", TestHandlers.answering(Rcodes.NXDOMAIN)).serve(q("x.org"), w));
        assertTrue(w.written());
        assertTrue(sink.lines().isEmpty());
    }

    @Test
    void errorIsLoggedAndItsRcodeReturned() throws Exception {
        RecordingWriter w = new RecordingWriter();
        int rc = errors("errors", TestHandlers.failing(Rcodes.SERVFAIL, "read udp 10.0.0.1:53->8.8.8.8:53: i/o timeout"))
                .serve(TestRequests.query("Example.ORG", Type.AAAA), w);
        assertEquals(Rcodes.SERVFAIL, rc);
        assertTrue(!w.written(), "the server writes the error reply");
        assertEquals(List.of("[ERROR] 2 example.org. AAAA: read udp 10.0.0.1:53->8.8.8.8:53: i/o timeout"),
                sink.lines());

        sink.clear();
        assertEquals(Rcodes.REFUSED, errors("errors", TestHandlers.failing(Rcodes.REFUSED, "not allowed"))
                .serve(q("example.org"), new RecordingWriter()));
        assertEquals(List.of("[ERROR] 5 example.org. A: not allowed"), sink.lines());
    }

    @Test
    void lastInChain() throws Exception {
        assertEquals(Rcodes.SERVFAIL, errors("errors", null).serve(q("example.org"), new RecordingWriter()));
        assertEquals(List.of("[ERROR] 2 example.org. A: plugin/errors: no next plugin found"), sink.lines());
    }

    @Test
    void consolidatesMatchingErrors() throws Exception {
        Handler h = errors("errors {\n consolidate 300ms \"^read udp .* i/o timeout$\" warning\n}",
                TestHandlers.failing(Rcodes.SERVFAIL, "read udp 1.2.3.4:53: i/o timeout"));
        for (int i = 0; i < 3; i++) {
            assertEquals(Rcodes.SERVFAIL, h.serve(q("example.org"), new RecordingWriter()));
        }
        assertTrue(sink.lines().isEmpty(), "matching errors are counted, not logged");
        String summary = sink.await(l -> l.contains("errors like"), Duration.ofSeconds(5));
        assertEquals("[WARNING] 3 errors like '^read udp .* i/o timeout$' occurred in last 300ms", summary);
        Thread.sleep(400);
        assertEquals(1, sink.lines().size(), "one summary per period");

        // A new period starts with the next error.
        h.serve(q("example.org"), new RecordingWriter());
        assertEquals("[WARNING] 1 errors like '^read udp .* i/o timeout$' occurred in last 300ms",
                sink.await(l -> l.startsWith("[WARNING] 1 "), Duration.ofSeconds(5)));
    }

    @Test
    void nonMatchingErrorsAreLoggedAtOnceAndFirstMatchWins() throws Exception {
        Handler h = errors("errors {\n consolidate 10m timeout info\n consolidate 10m \".*\" debug\n}",
                new Handler() {
                    @Override
                    public String name() {
                        return "test";
                    }

                    @Override
                    public int serve(Request request, ResponseWriter writer) throws kdns.api.HandlerException {
                        throw new kdns.api.HandlerException(Rcodes.SERVFAIL, request.name().startsWith("t")
                                ? "timeout" : "other");
                    }
                });
        h.serve(q("t.example.org"), new RecordingWriter());
        h.serve(q("o.example.org"), new RecordingWriter());
        assertTrue(sink.lines().isEmpty());
        controller.runShutdown();
        assertEquals(List.of("[INFO] 1 errors like 'timeout' occurred in last 10m0s",
                "[DEBUG] 1 errors like '.*' occurred in last 10m0s"), sink.lines());
    }

    @Test
    void shutdownFlushesAndStopsConsolidating() throws Exception {
        Handler h = errors("errors {\n consolidate 1h boom\n}", TestHandlers.failing(Rcodes.SERVFAIL, "boom"));
        h.serve(q("example.org"), new RecordingWriter());
        h.serve(q("example.org"), new RecordingWriter());
        controller.runShutdown();
        assertEquals(List.of("[ERROR] 2 errors like 'boom' occurred in last 1h0m0s"), sink.lines());
        h.serve(q("example.org"), new RecordingWriter());
        assertEquals("[ERROR] 2 example.org. A: boom", sink.lines().get(1), "after shutdown errors are logged directly");
    }

    @Test
    void showFirst() throws Exception {
        Handler h = errors("errors {\n consolidate 300ms boom warning show_first\n}",
                TestHandlers.failing(Rcodes.SERVFAIL, "boom"));
        h.serve(q("example.org"), new RecordingWriter());
        assertEquals(List.of("[WARNING] 2 example.org. A: boom"), sink.lines(), "the first error is logged at once");
        h.serve(q("example.org"), new RecordingWriter());
        h.serve(q("example.org"), new RecordingWriter());
        assertEquals("[WARNING] 3 errors like 'boom' occurred in last 300ms",
                sink.await(l -> l.contains("errors like"), Duration.ofSeconds(5)));

        sink.clear();
        h.serve(q("example.org"), new RecordingWriter());
        Thread.sleep(600);
        assertEquals(List.of("[WARNING] 2 example.org. A: boom"), sink.lines(), "a single error has no summary");
    }

    @Test
    void stacktraceLogsUnexpectedExceptions() throws Exception {
        Handler broken = TestHandlers.serving((request, writer) -> {
            throw new IllegalStateException("bug");
        });
        Handler with = errors("errors {\n stacktrace\n}", broken);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> with.serve(q("example.org"), new RecordingWriter()));
        assertEquals("bug", e.getMessage());
        String line = sink.lines().get(0);
        assertTrue(line.startsWith("[ERROR] Recovered from panic in server: \"dns://.:53\" "
                + "java.lang.IllegalStateException: bug\n"), line);
        assertTrue(line.contains("at kdns.plugin.standard.errors.ErrorsHandlerTest"), line);

        sink.clear();
        Handler without = errors("errors", broken);
        assertThrows(IllegalStateException.class, () -> without.serve(q("example.org"), new RecordingWriter()));
        assertTrue(sink.lines().isEmpty(), "without stacktrace the server reports the failure");
    }

    @Test
    void handlerName() throws Exception {
        assertEquals("errors", errors("errors", TestHandlers.answering(0)).name());
    }

    @Test
    void wireRepliesPassThroughAsTheInnerWriterTakesThem() throws Exception {
        for (boolean takes : new boolean[] {true, false}) {
            kdns.testing.WireRecordingWriter w = new kdns.testing.WireRecordingWriter(takes);
            boolean[] seen = new boolean[1];
            Handler next = TestHandlers.offeringWire(r -> {
                org.xbill.DNS.Message m = new org.xbill.DNS.Message(r.id());
                m.addRecord(r.message().getQuestion(), org.xbill.DNS.Section.QUESTION);
                return m;
            });
            Handler probe = TestHandlers.serving((request, writer) -> {
                seen[0] = writer.takesWire();
                return next.serve(request, writer);
            });
            errors("errors", probe).serve(q("example.org"), w);
            assertEquals(takes, seen[0]);
            assertEquals(1, w.offers());
            assertEquals(takes ? 1 : 0, w.wires().size());
            assertEquals(takes ? 0 : 1, w.writes());
        }
    }
}
