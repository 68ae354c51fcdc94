package kdns.plugin.standard.erratic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class ErraticPluginTest {

    private static Handler handler(String corefile) throws Exception {
        TestController c = TestController.of(corefile);
        new ErraticPlugin().setup(c);
        return c.handler(null);
    }

    private static RecordingWriter ask(Handler h, int type) throws Exception {
        RecordingWriter w = new RecordingWriter();
        h.serve(TestRequests.query("Example.org.", type), w);
        return w;
    }

    @Test
    void answersAndDropsEverySecondQueryByDefault() throws Exception {
        Handler h = handler("erratic");
        assertNull(ask(h, Type.A).msg(), "query 0 is dropped");
        Message a = ask(h, Type.A).msg();
        assertEquals("Example.org. 0 IN A 192.0.2.53", a.getSection(Section.ANSWER).get(0).toString().replaceAll("\\s+", " "));
        assertTrue(a.getHeader().getFlag(Flags.AA));
        assertNull(ask(h, Type.AAAA).msg());
        assertEquals(Type.AAAA, ask(h, Type.AAAA).msg().getSection(Section.ANSWER).get(0).getType());
        assertNull(ask(h, Type.MX).msg());
        assertEquals(Rcode.SERVFAIL, ask(h, Type.MX).msg().getRcode());
    }

    @Test
    void truncateAndLarge() throws Exception {
        Handler h = handler("erratic {\n truncate 2\n large\n}");
        Message first = ask(h, Type.A).msg();
        assertTrue(first.getHeader().getFlag(Flags.TC), "nothing dropped when only truncate is given");
        assertEquals(30, first.getSection(Section.ANSWER).size());
        assertFalse(ask(h, Type.A).msg().getHeader().getFlag(Flags.TC));
    }

    @Test
    void delayedRepliesComeLaterWithoutHoldingTheCaller() throws Exception {
        Handler h = handler("erratic {\n delay 2 20ms\n}");
        RecordingWriter w = new RecordingWriter();
        assertEquals(Handler.DEFERRED, h.serve(TestRequests.query("example.org.", Type.A), w));
        assertEquals(Rcode.NOERROR, w.await(10, TimeUnit.SECONDS).getRcode());
        RecordingWriter now = new RecordingWriter();
        assertEquals(Rcodes.NOERROR, h.serve(TestRequests.query("example.org.", Type.A), now));
        assertTrue(now.written());
    }

    @Test
    void setupErrors() {
        for (String[] b : new String[][] {{"erratic {\n drop 1 2\n}", "Wrong argument count"},
            {"erratic {\n drop x\n}", "invalid syntax"}, {"erratic {\n truncate -1\n}", "illegal amount value"},
            {"erratic {\n delay 2 soon\n}", "invalid duration"}, {"erratic {\n sometimes\n}", "unknown property"}}) {
            PluginException e = assertThrows(PluginException.class, () -> new ErraticPlugin().setup(TestController.of(b[0])),
                    b[0]);
            assertTrue(e.getMessage().contains(b[1]), b[0] + ": " + e.getMessage());
        }
    }
}
