package kdns.plugin.standard.rewrite;

import java.util.ArrayList;
import java.util.List;
import kdns.api.ForwardingResponseWriter;
import kdns.api.ResponseWriter;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The writer the rest of the chain gets after a rewrite (CoreDNS's ResponseReverter): every reply
 * gets the client's own question back and the matched rules' response rules, in reverse rule
 * order, on every record; message-level rules once when the reply has no records. The reply is
 * copied first, so a message a cache keeps is never changed.
 */
final class ReplyReverter extends ForwardingResponseWriter {

    private final Record question;
    private final List<ResponseRule> rules;

    ReplyReverter(ResponseWriter delegate, Record question, List<ResponseRule> rules) {
        super(delegate);
        this.question = question;
        this.rules = List.copyOf(rules);
    }

    @Override
    public void write(Message reply) {
        Message m = reply.clone();
        m.removeAllRecords(Section.QUESTION);
        m.addRecord(question, Section.QUESTION);
        if (!rules.isEmpty()) {
            boolean empty = true;
            for (int section : new int[] {Section.AUTHORITY, Section.ANSWER, Section.ADDITIONAL}) {
                List<Record> records = m.getSection(section);
                if (records.isEmpty()) {
                    continue;
                }
                empty = false;
                List<Record> out = new ArrayList<>(records.size());
                for (Record rr : records) {
                    for (int i = rules.size() - 1; i >= 0; i--) {
                        rr = rules.get(i).apply(m, rr);
                    }
                    out.add(rr);
                }
                m.removeAllRecords(section);
                out.forEach(rr -> m.addRecord(rr, section));
            }
            if (empty) {
                for (int i = rules.size() - 1; i >= 0; i--) {
                    if (rules.get(i).messageLevel()) {
                        rules.get(i).apply(m, null);
                    }
                }
            }
        }
        delegate.write(m);
    }
}
