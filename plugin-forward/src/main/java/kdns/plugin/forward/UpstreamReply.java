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
                    && wire.questionNameIs(request.qname().toWireCanonical(), true);
        }
        return ReplyMatch.matches(request, message);
    }
}
