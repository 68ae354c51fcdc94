package kdns.plugin.standard.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.function.Function;
import kdns.api.Handler;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.plugin.standard.CapturingSink;
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
 * Replies in wire form through the query logger: the same line as for the same reply written
 * parsed, exactly one, also when the inner writer declines; rules that select by class take none.
 */
class LogWireTest {

    /** Every placeholder but {duration} and {>id}, which differ between two runs. */
    private static final String FORMAT = "log . \"{remote}:{port} {local} - {>opcode} {type} {class} {name} "
            + "{proto} {size} {>do} {>bufsize} {rcode} {>rflags} {rsize}\"";

    /** An A answer, AA, RD and CD set, with the extended rcode 16 (1 in the OPT record; named BADSIG). */
    private static final Function<Request, Message> EXTENDED = request -> {
        Message m = new Message(request.id());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.AA);
        m.getHeader().setFlag(Flags.RD);
        m.getHeader().setFlag(Flags.CD);
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


    private static List<String> lines(String directive, Handler next, RecordingWriter writer) throws Exception {
        CapturingSink sink = new CapturingSink();
        TestController c = TestController.of(directive);
        new LogPlugin(sink).setup(c);
        c.handler(next).serve(TestRequests.query("example.org", Type.A), writer);
        return sink.lines();
    }

    @Test
    void aWireReplyIsLoggedAsTheSameReplyWrittenParsed() throws Exception {
        WireRecordingWriter taking = new WireRecordingWriter(true);
        List<String> wire = lines(FORMAT, TestHandlers.offeringWire(EXTENDED), taking);
        List<String> parsed = lines(FORMAT, TestHandlers.writing(EXTENDED), new RecordingWriter());
        assertEquals(1, taking.wires().size(), "taken in wire form");
        assertFalse(taking.written());
        assertEquals(parsed, wire);
        assertEquals(1, wire.size());
        String line = wire.get(0);
        int size = taking.wires().get(0).length;
        assertTrue(line.endsWith(" " + Rcodes.name(16) + " qr,aa,rd,cd " + size), line);
    }

    @Test
    void aDeclinedWireReplyIsLoggedOnceWhenItComesParsed() throws Exception {
        WireRecordingWriter declining = new WireRecordingWriter(false);
        List<String> wire = lines(FORMAT, TestHandlers.offeringWire(EXTENDED), declining);
        assertEquals(1, declining.offers());
        assertEquals(1, declining.writes());
        assertEquals(lines(FORMAT, TestHandlers.writing(EXTENDED), new RecordingWriter()), wire);
    }

    @Test
    void aRuleThatSelectsByClassTakesNoWireReply() throws Exception {
        String directive = "log . {rcode} {\n class error\n}";
        WireRecordingWriter taking = new WireRecordingWriter(true);
        boolean[] takes = new boolean[1];
        Handler probe = TestHandlers.serving((request, writer) -> {
            takes[0] = writer.takesWire();
            return TestHandlers.offeringWire(EXTENDED).serve(request, writer);
        });
        List<String> wire = lines(directive, probe, taking);
        assertFalse(takes[0]);
        assertEquals(0, taking.offers(), "declined by the logger, not passed on");
        assertEquals(1, taking.writes(), "written parsed");
        assertEquals(lines(directive, TestHandlers.writing(EXTENDED), new RecordingWriter()), wire);
        assertEquals(List.of("[INFO] " + Rcodes.name(16)), wire, "an error rcode is of the error class");
    }
}
