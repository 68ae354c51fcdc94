package kdns.plugin.forward;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import kdns.api.Request;
import kdns.api.Transport;
import kdns.api.WireMessage;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A located UDP reply matches the query when its question is the query's in any case, whether the
 * query was read from the client's bytes, rewritten by a plugin or built without bytes; another
 * name, type or a reply flag missing is no match.
 */
class UpstreamReplyTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 5353);
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 53);

    private static Request received(String name, int type) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        Request r = Request.received(q.toWire(), Transport.UDP, CLIENT, SERVER, ".");
        assertNotNull(r, "a plain query is taken from its bytes");
        return r;
    }

    private static UpstreamReply reply(String name, int type, boolean qr) throws Exception {
        Message m = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        if (qr) {
            m.getHeader().setFlag(Flags.QR);
        }
        byte[] wire = m.toWire();
        WireMessage w = WireMessage.locate(wire, wire.length);
        assertNotNull(w, "a one-question reply is located");
        return UpstreamReply.located(w);
    }

    @Test
    void theQueryNameInAnyCaseMatches() throws Exception {
        Request r = received("WwW.Example.ORG.", Type.A);
        assertTrue(reply("www.example.org.", Type.A, true).matches(r));
        assertTrue(reply("WWW.EXAMPLE.ORG.", Type.A, true).matches(r));
        assertTrue(reply("WwW.Example.ORG.", Type.A, true).matches(r));
    }

    @Test
    void anotherNameTypeOrNoReplyFlagDoesNotMatch() throws Exception {
        Request r = received("www.example.org.", Type.A);
        assertFalse(reply("wwx.example.org.", Type.A, true).matches(r), "same length, another name");
        assertFalse(reply("www.example.org.example.", Type.A, true).matches(r), "longer name");
        assertFalse(reply("ww.example.org.", Type.A, true).matches(r), "shorter name");
        assertFalse(reply("www.example.org.", Type.AAAA, true).matches(r), "another type");
        assertFalse(reply("www.example.org.", Type.A, false).matches(r), "QR clear");
    }

    @Test
    void aRewrittenQueryIsComparedWithItsParsedName() throws Exception {
        // A plugin's rewrite leaves no received bytes: the name the query now asks is compared.
        Request r = received("www.example.org.", Type.A).withQuestion(Name.fromString("Other.Example.org."), Type.A);
        assertTrue(reply("other.example.org.", Type.A, true).matches(r));
        assertFalse(reply("www.example.org.", Type.A, true).matches(r));
    }

    @Test
    void aQueryNotReadFromBytesIsComparedWithItsParsedName() throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString("www.example.org."), Type.A, DClass.IN));
        Request r = new Request(q, Transport.UDP, CLIENT, SERVER, ".");
        assertTrue(reply("WWW.example.org.", Type.A, true).matches(r));
        assertFalse(reply("wwx.example.org.", Type.A, true).matches(r));
    }
}
