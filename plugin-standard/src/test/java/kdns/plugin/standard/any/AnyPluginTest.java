package kdns.plugin.standard.any;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.HINFORecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class AnyPluginTest {

    private static Handler any() throws Exception {
        TestController c = TestController.of("any");
        new AnyPlugin().setup(c);
        return c.handler(TestHandlers.answering(Rcodes.NXDOMAIN));
    }

    @Test
    void anyGetsOneHinfo() throws Exception {
        RecordingWriter w = new RecordingWriter();
        assertEquals(Rcodes.NOERROR, any().serve(TestRequests.query("Example.org", Type.ANY), w));
        assertEquals(1, w.msg().getSection(Section.ANSWER).size());
        HINFORecord h = (HINFORecord) w.msg().getSection(Section.ANSWER).get(0);
        assertEquals("ANY obsoleted", h.getCPU());
        assertEquals("See RFC 8482", h.getOS());
        assertEquals(8482, h.getTTL());
        assertEquals("Example.org.", h.getName().toString());
    }

    @Test
    void otherTypesPassOn() throws Exception {
        RecordingWriter w = new RecordingWriter();
        assertEquals(Rcodes.NXDOMAIN, any().serve(TestRequests.query("example.org", Type.A), w));
    }

    @Test
    void takesNoArguments() {
        PluginException e = assertThrows(PluginException.class, () -> new AnyPlugin().setup(TestController.of("any x")));
        assertEquals("Corefile:1 - Error during parsing: Wrong argument count or unexpected line ending after 'x'",
                e.getMessage());
    }
}
