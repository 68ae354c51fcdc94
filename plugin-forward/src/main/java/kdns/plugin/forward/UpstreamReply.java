package kdns.plugin.forward;

import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.WireMessage;
import kdns.plugin.forward.proxy.ReplyMatch;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/**
 * What {@link Exchange} decides on in an upstream's reply, whether it came parsed (TCP, TLS,
 * HTTPS, an unusual UDP reply: {@code message}) or only located in its wire form (the usual UDP
 * reply, relayed without being parsed when the writer takes it: {@code wire}); the other is null.
 *
 * @param rcode     the rcode, extended bits included
 * @param truncated the TC bit
 * @param answers   how many answer records
 */
record UpstreamReply(int rcode, boolean truncated, int answers, Message message, WireMessage wire) {

    /** Where a message's question name starts: right after the 12-octet header. */
    private static final int HEADER = 12;

    static UpstreamReply parsed(Message m) {
        return new UpstreamReply(m.getRcode(), m.getHeader().getFlag(Flags.TC), m.getSection(Section.ANSWER).size(), m, null);
    }

    static UpstreamReply located(WireMessage w) {
        return new UpstreamReply(w.rcode(), w.truncated(), w.count(Section.ANSWER), null, w);
    }

    /** NOERROR without answer records. */
    boolean nodata() {
        return rcode == Rcodes.NOERROR && answers == 0;
    }

    /** CoreDNS's {@code request.Match}: one question, QR set, same name (any case) and type. */
    boolean matches(Request request) {
        if (wire != null) {
            // WireMessage.locate takes only replies of one question.
            return wire.response() && wire.questionType() == request.qtype()
                    && (sameNameAsQuery(wire, request.wire())
                    || wire.questionNameIs(request.qname().toWireCanonical(), true));
        }
        return ReplyMatch.matches(request, message);
    }

    /**
     * Whether the reply's question name is, in any case, the name right after the query's header
     * in the bytes the client sent: the usual reply, told without making the question record, its
     * {@code Name} and that name's wire form for every forwarded query. The reply's name was
     * located, so its length octets are below 64 and only equal the query's when they are the same
     * octets; false sends the caller to the comparison with the parsed name.
     */
    private static boolean sameNameAsQuery(WireMessage reply, byte[] query) {
        int end = reply.questionNameEnd();
        if (query == null || end > query.length) {
            return false;
        }
        byte[] answer = reply.wire();
        for (int i = HEADER; i < end; i++) {
            int a = answer[i];
            int q = query[i];
            if (a != q && lower(a) != lower(q)) {
                return false;
            }
        }
        return true;
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }
}
