package kdns.plugin.standard.nsid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import kdns.api.Handler;
import kdns.api.PluginException;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.Transport;
import kdns.testing.RecordingWriter;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class NsidPluginTest {

    private static Message ask(String corefile, List<EDNSOption> options) throws Exception {
        TestController c = TestController.of(corefile);
        new NsidPlugin().setup(c);
        Handler h = c.handler(TestHandlers.answering(Rcodes.NOERROR));
        Message q = TestRequests.message("example.org.", Type.A, DClass.IN);
        if (options != null) {
            q.addRecord(new OPTRecord(1232, 0, 0, 0, options), Section.ADDITIONAL);
        }
        Request r = TestRequests.from(q, Transport.UDP, new java.net.InetSocketAddress("127.0.0.1", 5353));
        RecordingWriter w = new RecordingWriter();
        h.serve(r, w);
        return w.msg();
    }

    /** The option's data: its wire form less the code and length. */
    private static byte[] data(EDNSOption o) {
        byte[] wire = o.toWire();
        return java.util.Arrays.copyOfRange(wire, 4, wire.length);
    }

    @Test
    void answersTheNsidOptionWithTheData() throws Exception {
        Message m = ask("nsid kdns eu 1", List.of(new NSIDOption(new byte[0])));
        OPTRecord opt = m.getOPT();
        assertEquals(1232, opt.getPayloadSize());
        assertTrue((opt.getFlags() & ExtendedFlags.DO) != 0, "CoreDNS's SetEdns0 sets DO");
        NSIDOption nsid = (NSIDOption) opt.getOptions(EDNSOption.Code.NSID).get(0);
        assertArrayEquals("kdns eu 1".getBytes(StandardCharsets.UTF_8), data(nsid));
    }

    @Test
    void hostNameByDefaultAndNothingWithoutTheOption() throws Exception {
        Message m = ask("nsid", List.of(new NSIDOption(new byte[0])));
        NSIDOption nsid = (NSIDOption) m.getOPT().getOptions(EDNSOption.Code.NSID).get(0);
        assertEquals(kdns.plugin.standard.process.HostName.get(), new String(data(nsid), StandardCharsets.UTF_8));
        assertNull(ask("nsid x", List.of()).getOPT(), "no NSID asked: the reply is untouched");
        assertNull(ask("nsid x", null).getOPT());
    }

    @Test
    void oncePerBlock() {
        PluginException e = assertThrows(PluginException.class, () -> new NsidPlugin().setup(TestController.of("nsid a\nnsid b")));
        assertTrue(e.getMessage().contains("only be used once per Server Block"), e.getMessage());
    }
}
