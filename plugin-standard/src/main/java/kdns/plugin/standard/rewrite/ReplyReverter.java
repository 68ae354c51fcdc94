package kdns.plugin.standard.rewrite;

import java.util.List;
import java.util.function.Consumer;
import kdns.api.ForwardingResponseWriter;
import kdns.api.Handler;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.lookup.ReplyCapture;
import kdns.api.Replies;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The writer the rest of the chain gets after a rewrite (CoreDNS's ResponseReverter): every reply
 * gets the client's own question back and the matched rules' response rules, in reverse rule
 * order, on every record of the authority, answer and additional sections; message-level rules
 * once when the reply has no records. The reply is copied first, so a message a cache keeps is
 * never changed.
 *
 * <p>A cname rule looks its new target up through the server; when that lookup answers later
 * ({@link Handler#DEFERRED}), the rules go on and the reply is written from the thread that
 * answers, and {@link #deferred()} tells the handler so. With edns0 {@code revert} rules the
 * query's OPT record is shown to the server's writer without what those rules put in, for the
 * time of the write (CoreDNS's writeWithRevertedRequestExtra).
 */
final class ReplyReverter extends ForwardingResponseWriter {

    private static final int[] SECTIONS = {Section.AUTHORITY, Section.ANSWER, Section.ADDITIONAL};

    private final Record question;
    private final List<ResponseRule> rules;
    private final Request query;
    private final Request shared;
    private final boolean revertsOpt;
    private volatile boolean deferred;

    /**
     * @param question the client's question, put back in every reply
     * @param rules    the response rules of the matched rules, in rule order
     * @param query    the query the rest of the chain answered (lookups of cname rules start from it)
     * @param shared   the request whose message the server's writer reads (the one the handler got)
     */
    ReplyReverter(ResponseWriter delegate, Record question, List<ResponseRule> rules, Request query, Request shared) {
        super(delegate);
        this.question = question;
        this.rules = List.copyOf(rules);
        this.query = query;
        this.shared = shared;
        this.revertsOpt = this.rules.stream().anyMatch(ResponseRule::revertsQueryOpt);
    }

    /** True when a reply is waiting for a lookup and is written later, from the thread that answers it. */
    boolean deferred() {
        return deferred;
    }

    @Override
    public void write(Message reply) {
        Message m = reply.clone();
        m.removeAllRecords(Section.QUESTION);
        m.addRecord(question, Section.QUESTION);
        if (rules.isEmpty()) {
            send(m);
            return;
        }
        new Pass(new Reply(m, query)).run();
    }

    /**
     * One walk of the rules over a reply's records, which stops where a lookup has to be waited
     * for and goes on from there once it is answered.
     */
    private final class Pass {
        private final Reply reply;
        private int section;
        /** The records of the section being walked, as it was when the walk reached it (Go's range). */
        private List<Record> records;
        private int record;
        /** Whether the walk is inside {@code record}: its current form and the next rule to run on it. */
        private boolean inRecord;
        private Record rr;
        private int rule;

        Pass(Reply reply) {
            this.reply = reply;
        }

        void run() {
            for (; section < SECTIONS.length; section++, records = null) {
                if (records == null) {
                    records = List.copyOf(reply.section(SECTIONS[section]));
                    record = 0;
                }
                for (; record < records.size(); record++, inRecord = false) {
                    if (!inRecord) {
                        inRecord = true;
                        rr = records.get(record);
                        rule = rules.size() - 1;
                    }
                    while (rule >= 0) {
                        ResponseRule r = rules.get(rule);
                        ResponseRule.Lookup lookup = r.lookup(reply, rr);
                        if (lookup == null) {
                            advance(r.apply(reply, rr));
                            continue;
                        }
                        Message answer = lookup(lookup, late -> {
                            advance(lookup.then().apply(late));
                            run();
                        });
                        if (answer == ReplyCapture.PENDING) {
                            deferred = true;
                            return; // the callback goes on
                        }
                        advance(lookup.then().apply(answer));
                    }
                }
            }
            if (reply.empty()) {
                for (int i = rules.size() - 1; i >= 0; i--) {
                    if (rules.get(i).messageLevel()) {
                        rules.get(i).apply(reply, null);
                    }
                }
            }
            send(reply.finish());
        }

        private void advance(Record next) {
            reply.replace(rr, next);
            rr = next;
            rule--;
        }
    }

    /**
     * Serves a lookup through the server: its reply now, {@link ReplyCapture#PENDING} when it comes
     * later (to {@code later}). When the chain wrote nothing for an error rcode, the error reply
     * CoreDNS's server would have written (no records); null when nothing was written otherwise.
     */
    private Message lookup(ResponseRule.Lookup lookup, Consumer<Message> later) {
        ReplyCapture step = new ReplyCapture(delegate, delegate::reportError, later);
        int rc = lookup.upstream().serve(lookup.request(), step);
        Message answer = step.settle(rc == Handler.DEFERRED);
        if (answer == null && !Rcodes.clientWrote(rc)) {
            return Replies.errorReply(lookup.request().message(), rc);
        }
        return answer;
    }

    /** Writes the reply, the query's OPT record reverted for the time of the write when rules ask for it. */
    private void send(Message m) {
        OPTRecord current = revertsOpt && shared != null ? shared.opt() : null;
        if (current == null) {
            delegate.write(m);
            return;
        }
        Message extra = new Message();
        shared.message().getSection(Section.ADDITIONAL).forEach(rr -> extra.addRecord(rr, Section.ADDITIONAL));
        Reply copy = new Reply(extra, null);
        for (Record rr : List.copyOf(copy.section(Section.ADDITIONAL))) {
            Record now = rr;
            for (int i = rules.size() - 1; i >= 0; i--) {
                if (rules.get(i).revertsQueryOpt()) {
                    Record next = rules.get(i).apply(copy, now);
                    copy.replace(now, next);
                    now = next;
                }
            }
        }
        OPTRecord reverted = copy.opt();
        shared.replaceOpt(reverted);
        try {
            delegate.write(m);
        } finally {
            shared.replaceOpt(current);
        }
    }
}
