package kdns.plugin.standard.loadbalance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import kdns.api.Handler;
import kdns.api.Request;
import kdns.testing.TestController;
import kdns.testing.TestHandlers;
import kdns.testing.TestRequests;
import kdns.testing.WireRecordingWriter;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * round_robin on replies in wire form: the addresses shuffled in place when they can be moved as
 * blocks, every order reachable; anything else declined, so it comes parsed and is shuffled there.
 */
class LoadBalanceWireTest {

    private static final Name NAME = Name.fromConstantString("www.example.org.");
    private static final Name WEB = Name.fromConstantString("web.example.org.");
    private static final Name NS = Name.fromConstantString("ns.example.org.");

    private static Record a(Name owner, int last) {
        return new ARecord(owner, DClass.IN, 30, new byte[] {10, 0, 0, (byte) last});
    }

    /** A NOERROR reply (rcode {@code rcode}) to a query for www.example.org with these sections. */
    private static Message reply(Request request, int rcode, List<Record> answer, List<Record> additional) {
        Message m = new Message(request.id());
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setRcode(rcode);
        m.addRecord(request.message().getQuestion(), Section.QUESTION);
        answer.forEach(r -> m.addRecord(r, Section.ANSWER));
        additional.forEach(r -> m.addRecord(r, Section.ADDITIONAL));
        return m;
    }

    private static Handler loadbalance(String directive, Handler next) throws Exception {
        TestController c = TestController.of(directive);
        new LoadBalancePlugin().setup(c);
        return c.handler(next);
    }

    /** The reply that reached the writer, in wire form (taken) or parsed (declined), and how. */
    private record Outcome(Message reply, boolean wire, byte[] bytes) {
    }

    private static Outcome serve(String directive, int rcode, List<Record> answer, List<Record> additional)
            throws Exception {
        Handler h = loadbalance(directive, TestHandlers.offeringWire(r -> reply(r, rcode, answer, additional)));
        WireRecordingWriter w = new WireRecordingWriter(true);
        h.serve(TestRequests.query("www.example.org", Type.A), w);
        if (!w.wires().isEmpty()) {
            assertFalse(w.written());
            return new Outcome(new Message(w.wires().get(0)), true, w.wires().get(0));
        }
        assertEquals(0, w.offers());
        assertEquals(1, w.writes());
        return new Outcome(w.msg(), false, null);
    }

    @Test
    void everyOrderOfThreeAddressesBehindACnameShowsUpInWireForm() throws Exception {
        Record cname = new CNAMERecord(NAME, DClass.IN, 30, WEB);
        List<Record> addresses = List.of(a(WEB, 1), a(WEB, 2), a(WEB, 3));
        List<Record> answer = new ArrayList<>();
        answer.add(cname);
        answer.addAll(addresses);
        Set<List<Record>> seen = new HashSet<>();
        for (int i = 0; i < 600 && seen.size() < 6; i++) {
            Outcome o = serve("loadbalance", Rcode.NOERROR, answer, List.of());
            assertTrue(o.wire(), "taken in wire form");
            List<Record> out = o.reply().getSection(Section.ANSWER);
            assertEquals(cname, out.get(0));
            assertEquals(new HashSet<>(addresses), new HashSet<>(out.subList(1, 4)));
            seen.add(out.subList(1, 4));
        }
        assertEquals(6, seen.size(), "every permutation of three addresses");
    }

    @Test
    void aLoneAddressAndAnErrorReplyPassAsTheyCame() throws Exception {
        Request q = TestRequests.query("www.example.org", Type.A);
        Outcome lone = serve("loadbalance", Rcode.NOERROR, List.of(a(NAME, 1)), List.of());
        assertTrue(lone.wire());
        assertArrayEquals(withoutId(reply(q, Rcode.NOERROR, List.of(a(NAME, 1)), List.of()).toWire()),
                withoutId(lone.bytes()));
        List<Record> two = List.of(a(NAME, 1), a(NAME, 2));
        Outcome refused = serve("loadbalance", Rcode.REFUSED, two, List.of());
        assertTrue(refused.wire());
        assertArrayEquals(withoutId(reply(q, Rcode.REFUSED, two, List.of()).toWire()), withoutId(refused.bytes()),
                "only NOERROR is shuffled");
    }

    /** The bytes after the message ID (each query has its own). */
    private static byte[] withoutId(byte[] wire) {
        return java.util.Arrays.copyOfRange(wire, 2, wire.length);
    }

    @Test
    void whatCannotBeShuffledAsBlocksComesParsed() throws Exception {
        // out of round robin's group order: the CNAME must move too
        Outcome unordered = serve("loadbalance", Rcode.NOERROR,
                List.of(a(WEB, 1), new CNAMERecord(NAME, DClass.IN, 30, WEB)), List.of());
        assertFalse(unordered.wire());
        assertEquals(Type.CNAME, unordered.reply().getSection(Section.ANSWER).get(0).getType(), "shuffled parsed");
        // two MX: their data hold names later records may point into
        Outcome mx = serve("loadbalance", Rcode.NOERROR, List.of(new MXRecord(NAME, DClass.IN, 30, 10, NS),
                new MXRecord(NAME, DClass.IN, 30, 20, WEB)), List.of());
        assertFalse(mx.wire());
        assertEquals(2, mx.reply().getSection(Section.ANSWER).size());
        // glue whose first owner is written out: later names point into the run
        Outcome glue = serve("loadbalance", Rcode.NOERROR, List.of(new NSRecord(NAME, DClass.IN, 30, WEB)),
                List.of(a(NS, 1), a(NS, 2)));
        assertFalse(glue.wire());
        assertEquals(2, glue.reply().getSection(Section.ADDITIONAL).size());
    }

    @Test
    void preferTakesNoWireReply() throws Exception {
        String prefer = "loadbalance round_robin {\n    prefer 10.0.0.0/8\n}";
        for (String directive : new String[] {"loadbalance", prefer}) {
            boolean[] takes = new boolean[1];
            Handler probe = TestHandlers.serving((request, writer) -> {
                takes[0] = writer.takesWire();
                return TestHandlers.offeringWire(r -> reply(r, Rcode.NOERROR,
                        List.of(a(NAME, 1), a(NAME, 2)), List.of())).serve(request, writer);
            });
            WireRecordingWriter w = new WireRecordingWriter(true);
            loadbalance(directive, probe).serve(TestRequests.query("www.example.org", Type.A), w);
            boolean plain = directive.equals("loadbalance");
            assertEquals(plain, takes[0], directive);
            assertEquals(plain ? 1 : 0, w.wires().size(), directive);
            assertEquals(plain ? 0 : 1, w.writes(), directive);
        }
    }
}
