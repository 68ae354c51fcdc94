package kdns.plugin.standard.rewrite;

import java.util.ArrayList;
import java.util.List;
import kdns.api.Request;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A reply while the response rules rewrite it: its header, and its authority, answer and
 * additional sections as lists a rule may change (CoreDNS's rules change the {@code dns.Msg} in
 * place: a cname rule replaces the answer, an edns0 revert rule the OPT record). dnsjava's records
 * are immutable, so a changed record is a new object put where the old one was.
 */
final class Reply {

    private final Message message;
    private final Request query;
    private final List<Record> authority;
    private final List<Record> answer;
    private final List<Record> additional;

    /**
     * @param message the reply, whose header the rules may change and whose sections are taken over
     * @param query   the query the rest of the chain answered (lookups of cname rules start from it);
     *                null for a reply no rule looks anything up for
     */
    Reply(Message message, Request query) {
        this.message = message;
        this.query = query;
        this.authority = new ArrayList<>(message.getSection(Section.AUTHORITY));
        this.answer = new ArrayList<>(message.getSection(Section.ANSWER));
        this.additional = new ArrayList<>(message.getSection(Section.ADDITIONAL));
    }

    /** The reply message: its header is live; its sections are only brought up to date by {@link #finish}. */
    Message message() {
        return message;
    }

    Request query() {
        return query;
    }

    /** The live list of {@code section} (authority, answer or additional). */
    List<Record> section(int section) {
        return switch (section) {
            case Section.AUTHORITY -> authority;
            case Section.ANSWER -> answer;
            case Section.ADDITIONAL -> additional;
            default -> throw new IllegalArgumentException("section " + section);
        };
    }

    /** Puts {@code now} where {@code old} (that very object) is, in whichever section holds it. */
    void replace(Record old, Record now) {
        if (old == now) {
            return;
        }
        for (List<Record> s : List.of(authority, answer, additional)) {
            for (int i = 0; i < s.size(); i++) {
                if (s.get(i) == old) {
                    s.set(i, now);
                    return;
                }
            }
        }
    }

    /** The OPT record of the reply, the last one as miekg/dns's {@code IsEdns0} finds it; null without one. */
    OPTRecord opt() {
        for (int i = additional.size() - 1; i >= 0; i--) {
            if (additional.get(i).getType() == Type.OPT) {
                return (OPTRecord) additional.get(i);
            }
        }
        return null;
    }

    boolean empty() {
        return authority.isEmpty() && answer.isEmpty() && additional.isEmpty();
    }

    /** The message with the sections as the rules left them. */
    Message finish() {
        for (int s : new int[] {Section.AUTHORITY, Section.ANSWER, Section.ADDITIONAL}) {
            List<Record> now = section(s);
            List<Record> before = message.getSection(s);
            if (!sameRecords(before, now)) {
                message.removeAllRecords(s);
                now.forEach(rr -> message.addRecord(rr, s));
            }
        }
        return message;
    }

    private static boolean sameRecords(List<Record> a, List<Record> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }
}
