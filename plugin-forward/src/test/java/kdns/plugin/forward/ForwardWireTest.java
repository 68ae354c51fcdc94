package kdns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import kdns.api.Handler;
import kdns.api.Request;
import kdns.api.Transport;
import kdns.testing.RecordingWriter;
import kdns.testing.TestRequests;
import kdns.testing.upstream.ScriptedUpstream;
import kdns.testing.upstream.ScriptedUpstream.Via;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * What goes upstream: the client's own bytes with forward's ID when no plugin changed the query,
 * the message rendered again when one did. The client's query carries a record whose owner is
 * written out in full where dnsjava would compress it, so the two are told apart by their bytes.
 */
class ForwardWireTest {

    private static final String QNAME = "WwW.Example.ORG.";
    private static final int CLIENT_ID = 4242;

    private final ForwardTestServers servers = new ForwardTestServers();

    @AfterEach
    void tearDown() throws Exception {
        servers.close();
    }

    private ScriptedUpstream upstream() throws Exception {
        return servers.upstream();
    }

    private Handler forward(String text) throws Exception {
        return servers.forward(text);
    }

    private static void ask(Handler h, Request r) throws Exception {
        RecordingWriter w = new RecordingWriter();
        assertEquals(Handler.DEFERRED, h.serve(r, w), "forward answers later");
        assertNotNull(w.await(10, TimeUnit.SECONDS), "a reply within 10s");
        assertEquals(Rcode.NOERROR, w.rcode());
    }

    /**
     * A query for {@link #QNAME} with an OPT record (4096 bytes) and an A record in the additional
     * section whose owner, the question's name, is written in full: rendering compresses it.
     */
    static byte[] clientBytes() throws IOException {
        Message m = TestRequests.message(QNAME, Type.A, DClass.IN);
        m.getHeader().setID(CLIENT_ID);
        byte[] head = m.toWire();
        byte[] owner = Name.fromString(QNAME).toWire();
        byte[] a = {0, 1, 0, 1, 0, 0, 0, 60, 0, 4, (byte) 192, 0, 2, 7};
        byte[] opt = new OPTRecord(4096, 0, 0).toWire(Section.ADDITIONAL);
        byte[] out = Arrays.copyOf(head, head.length + owner.length + a.length + opt.length);
        System.arraycopy(owner, 0, out, head.length, owner.length);
        System.arraycopy(a, 0, out, head.length + owner.length, a.length);
        System.arraycopy(opt, 0, out, head.length + owner.length + a.length, opt.length);
        out[11] = 2; // ARCOUNT: the A record and the OPT record
        return out;
    }

    private static Request received(Transport t) throws IOException {
        byte[] bytes = clientBytes();
        return new Request(new Message(bytes), t, RecordingWriter.DEFAULT_REMOTE, RecordingWriter.DEFAULT_LOCAL,
                ".", bytes);
    }

    private static byte[] withoutId(byte[] wire) {
        return Arrays.copyOfRange(wire, 2, wire.length);
    }

    @Test
    void theClientsBytesAreRenderedDifferentlyByDnsjava() throws IOException {
        byte[] bytes = clientBytes();
        Message parsed = new Message(bytes);
        assertEquals(QNAME, parsed.getQuestion().getName().toString());
        assertEquals(4096, parsed.getOPT().getPayloadSize());
        assertEquals(bytes.length, parsed.numBytes(), "the bytes are the message and nothing more");
        assertTrue(parsed.toWire().length < bytes.length, "rendering compresses the record's owner");
    }

    @Test
    void anUntouchedQueryGoesUpstreamAsTheClientSentItWithForwardsId() throws Exception {
        ScriptedUpstream u = upstream();
        Handler h = forward("forward . " + u.hostPort());
        byte[] client = clientBytes();
        for (int i = 0; i < 5; i++) {
            ask(h, received(Transport.UDP));
        }
        ask(h, received(Transport.TCP));
        Set<Integer> ids = new HashSet<>();
        for (ScriptedUpstream.Query seen : u.queries()) {
            assertArrayEquals(withoutId(client), withoutId(seen.wire()), "the client's bytes after the ID");
            ids.add(seen.message().getHeader().getID());
        }
        assertEquals(Via.TCP, u.queries().get(5).via(), "a TCP client's query too");
        // Forward's own IDs: one in 65536 is the client's by chance, so six are looked at.
        assertTrue(ids.size() > 1 && !ids.equals(Set.of(CLIENT_ID)), ids.toString());
        assertArrayEquals(client, clientBytes(), "the client's bytes themselves are left alone");
    }

    @Test
    void aQueryAPluginRewroteIsRenderedAgain() throws Exception {
        ScriptedUpstream u = upstream();
        Handler h = forward("forward . " + u.hostPort());
        Request r = received(Transport.UDP);
        ask(h, r.withMessage(r.message().clone()));
        byte[] rendered = r.message().toWire();
        assertArrayEquals(withoutId(rendered), withoutId(u.queries().get(0).wire()));
        assertEquals(QNAME, u.queries().get(0).name(), "the same question either way");
    }

    @Test
    void aLoweredBufferSizeIsRenderedAgain() throws Exception {
        ScriptedUpstream u = upstream();
        Handler h = forward("forward . " + u.hostPort());
        Request r = received(Transport.UDP).inServerZone(".");
        assertTrue(r.lowerUdpSize(1232));
        ask(h, r);
        Message seen = u.queries().get(0).message();
        assertEquals(1232, seen.getOPT().getPayloadSize(), "bufsize's size went upstream, not the client's bytes");
        assertEquals(QNAME, seen.getQuestion().getName().toString());
        assertEquals(1, seen.getSection(Section.ADDITIONAL).stream().filter(x -> x.getType() == Type.A).count());
    }

    @Test
    void aReplacedOptIsRenderedAgain() throws Exception {
        ScriptedUpstream u = upstream();
        Handler h = forward("forward . " + u.hostPort());
        Request r = received(Transport.UDP);
        r.replaceOpt(null);
        ask(h, r);
        Message seen = u.queries().get(0).message();
        assertEquals(null, seen.getOPT(), "the OPT record rewrite removed stays removed");
        assertEquals(QNAME, seen.getQuestion().getName().toString());
    }

    @Test
    void anotherQuestionIsRenderedAgain() throws Exception {
        ScriptedUpstream u = upstream();
        Handler h = forward("forward . " + u.hostPort());
        Request r = received(Transport.UDP);
        ask(h, r.withQuestion(Name.fromString("other.example.org."), Type.A));
        assertEquals("other.example.org.", u.queries().get(0).name());
        assertNotEquals(clientBytes().length, u.queries().get(0).wire().length);
    }
}
