package kdns.api;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Reply skeletons as miekg/dns's {@code SetReply} builds them, the start of every answer a plugin
 * writes itself.
 */
public final class Replies {

    private Replies() {
    }

    /**
     * A reply to {@code query}: same ID and opcode, QR set, RD and CD copied for QUERY, rcode
     * NOERROR, the first question copied. The server's writer adds the OPT record and restores the
     * client's spelling of the question.
     */
    public static Message replyTo(Message query) {
        Header qh = query.getHeader();
        Message m = new Message(qh.getID());
        Header h = m.getHeader();
        h.setFlag(Flags.QR);
        int opcode = qh.getOpcode();
        h.setOpcode(opcode);
        if (opcode == Opcode.QUERY) {
            if (qh.getFlag(Flags.RD)) {
                h.setFlag(Flags.RD);
            }
            if (qh.getFlag(Flags.CD)) {
                h.setFlag(Flags.CD);
            }
        }
        Record q = query.getQuestion();
        if (q != null) {
            m.addRecord(q, Section.QUESTION);
        }
        return m;
    }

    /**
     * {@link #replyTo(Message)} for the query of {@code request}, read through its accessors: for
     * a query the server read without parsing, its message is not parsed for this.
     */
    public static Message replyTo(Request request) {
        Message m = new Message(request.id());
        Header h = m.getHeader();
        h.setFlag(Flags.QR);
        int opcode = request.opcode();
        h.setOpcode(opcode);
        if (opcode == Opcode.QUERY) {
            if (request.flag(Flags.RD)) {
                h.setFlag(Flags.RD);
            }
            if (request.flag(Flags.CD)) {
                h.setFlag(Flags.CD);
            }
        }
        m.addRecord(request.question(), Section.QUESTION);
        return m;
    }

    /** {@link #authoritative(Message, int)} for the query of {@code request} (see {@link #replyTo(Request)}). */
    public static Message authoritative(Request request, int rcode) {
        Message m = replyTo(request);
        m.getHeader().setFlag(Flags.AA);
        m.getHeader().setRcode(rcode & 0xF);
        return m;
    }

    /** {@link #errorReply(Message, int)} for the query of {@code request} (see {@link #replyTo(Request)}). */
    public static Message errorReply(Request request, int rcode) {
        Message m = replyTo(request);
        m.getHeader().setRcode(rcode & 0xF);
        return m;
    }

    /** {@link #replyTo} with the AA flag and the given rcode: an answer from a zone the plugin serves. */
    public static Message authoritative(Message query, int rcode) {
        Message m = replyTo(query);
        m.getHeader().setFlag(Flags.AA);
        m.getHeader().setRcode(rcode & 0xF);
        return m;
    }

    /** {@link #replyTo} with the given rcode (miekg/dns's {@code SetRcode}). */
    public static Message errorReply(Message query, int rcode) {
        Message m = replyTo(query);
        m.getHeader().setRcode(rcode & 0xF);
        return m;
    }
}
