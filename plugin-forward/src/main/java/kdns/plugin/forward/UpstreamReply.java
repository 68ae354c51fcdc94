package kdns.plugin.forward;

import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.WireMessage;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * What {@link Exchange} decides on in an upstream's reply, whether it came parsed (TCP, TLS,
 * HTTPS, an unusual UDP reply) or only located in its wire form (the usual UDP reply, relayed
 * without being parsed when the writer takes it).
 */
sealed interface UpstreamReply {

    /** The rcode, extended bits included. */
    int rcode();

    /** The TC bit. */
    boolean truncated();

    /** NOERROR without answer records. */
    default boolean nodata() {
        return rcode() == Rcodes.NOERROR && answers() == 0;
    }

    /** How many answer records. */
    int answers();

    /** CoreDNS's {@code request.Match}: one question, QR set, same name (any case) and type. */
    boolean matches(Request request);

    /** A parsed reply. */
    record Parsed(Message message) implements UpstreamReply {
        @Override
        public int rcode() {
            return message.getRcode();
        }

        @Override
        public boolean truncated() {
            return message.getHeader().getFlag(Flags.TC);
        }

        @Override
        public int answers() {
            return message.getSection(Section.ANSWER).size();
        }

        @Override
        public boolean matches(Request request) {
            var q = message.getSection(Section.QUESTION);
            if (q.size() != 1 || !message.getHeader().getFlag(Flags.QR)) {
                return false;
            }
            Record question = q.get(0);
            return question.getType() == request.qtype()
                    && question.getName().toString().equalsIgnoreCase(request.name());
        }
    }

    /** A reply located in its wire form ({@link WireMessage#locate} holds exactly one question). */
    record Wire(WireMessage wire) implements UpstreamReply {
        @Override
        public int rcode() {
            return wire.rcode();
        }

        @Override
        public boolean truncated() {
            return wire.truncated();
        }

        @Override
        public int answers() {
            return wire.count(Section.ANSWER);
        }

        @Override
        public boolean matches(Request request) {
            return wire.response() && wire.questionType() == request.qtype()
                    && wire.questionNameIs(request.qname().toWireCanonical(), true);
        }
    }
}
