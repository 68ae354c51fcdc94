package kdns.plugin.standard.cancel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

class CancelPluginTest {

    /** A next plugin that defers and answers only when the test says so. */
    static final class Deferring implements Handler {
        final AtomicReference<Runnable> answer = new AtomicReference<>();

        @Override
        public String name() {
            return "deferring";
        }

        @Override
        public int serve(Request request, ResponseWriter writer) {
            answer.set(() -> {
                Message m = new Message(request.id());
                writer.write(m);
            });
            return DEFERRED;
        }
    }

    private static Handler handler(String corefile, Handler next) throws Exception {
        TestController c = TestController.of(corefile);
        new CancelPlugin().setup(c);
        return c.handler(next);
    }

    @Test
    void aDeferredQueryNotAnsweredInTimeGetsServfailAndTheLateReplyIsDropped() throws Exception {
        Deferring next = new Deferring();
        Handler h = handler("cancel 50ms", next);
        RecordingWriter w = new RecordingWriter();
        assertEquals(Handler.DEFERRED, h.serve(TestRequests.query("example.org.", Type.A), w));
        Message m = w.await(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(Rcode.SERVFAIL, m.getRcode());
        next.answer.get().run();
        assertEquals(1, w.writes(), "the late reply is dropped");
    }

    @Test
    void answersInTimePassUnchanged() throws Exception {
        Deferring next = new Deferring();
        Handler h = handler("cancel 1h", next);
        RecordingWriter w = new RecordingWriter();
        h.serve(TestRequests.query("example.org.", Type.A), w);
        next.answer.get().run();
        assertEquals(Rcode.NOERROR, w.msg().getRcode());
        RecordingWriter now = new RecordingWriter();
        assertEquals(Rcodes.NXDOMAIN, handler("cancel", TestHandlers.answering(Rcodes.NXDOMAIN))
                .serve(TestRequests.query("example.org.", Type.A), now));
        assertEquals(Rcode.NXDOMAIN, now.msg().getRcode());
    }

    @Test
    void setupErrors() {
        for (String[] b : new String[][] {{"cancel 1s 2s", "Wrong argument count"},
            {"cancel soon", "invalid duration: \"soon\""}, {"cancel -1s", "invalid negative duration"},
            {"cancel 0s", "invalid negative duration"}}) {
            PluginException e = assertThrows(PluginException.class, () -> new CancelPlugin().setup(TestController.of(b[0])));
            assertTrue(e.getMessage().contains(b[1]), b[0] + ": " + e.getMessage());
        }
        assertNull(null);
    }
}
