package kdns.plugin.standard.rewrite;

import java.util.ArrayList;
import java.util.List;
import kdns.api.Handler;
import kdns.api.HandlerException;
import kdns.api.Handlers;
import kdns.api.Rcodes;
import kdns.api.Request;
import kdns.api.ResponseWriter;
import kdns.api.Replies;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

/**
 * The rules of one server block, in Corefile order (CoreDNS's rewrite {@code ServeDNS}): each may
 * change the question; a matching {@code stop} rule ends the loop. The rest of the chain then sees
 * the rewritten question and writes through a {@link ReplyReverter}, except when no rule stopped and
 * none asked for a reply change, where it gets the plain writer as in CoreDNS. The query's OPT
 * record as edns0 rules left it is put in the query itself ({@link Request#replaceOpt}).
 */
final class RewriteHandler implements Handler {

    private final Handler next;
    private final List<RewriteRule> rules;

    RewriteHandler(Handler next, List<RewriteRule> rules) {
        this.next = next;
        this.rules = List.copyOf(rules);
    }

    @Override
    public String name() {
        return "rewrite";
    }

    @Override
    public int serve(Request request, ResponseWriter writer) throws HandlerException {
        // The lower-case name the server worked out already: what CoreDNS's rules match (state.Name()).
        // Type and class as read, not from the question record: a query no rule applies to then
        // never has its name parsed into one (k3s's chain passes most queries on unchanged).
        RewriteRule.Question q = new RewriteRule.Question(request.name(), request.qtype(), request.qclass(), request);
        List<ResponseRule> responses = null;
        boolean stopped = false;
        for (RewriteRule rule : rules) {
            List<ResponseRule> r = rule.rewrite(q);
            if (r == null) {
                continue;
            }
            if (responses == null) {
                responses = new ArrayList<>();
            }
            if (toName(q.name) == null) {
                changeOpt(request, q);
                throw new HandlerException(Rcodes.SERVFAIL, "invalid name after rewrite: " + q.name);
            }
            responses.addAll(r);
            if (rule.stop()) {
                stopped = true;
                break;
            }
        }
        changeOpt(request, q);
        if (responses == null) {
            return Handlers.nextOrFailure(name(), next, request, writer); // no rule applied: nothing to do
        }
        Record original = request.question();
        Request rewritten = rewritten(request, original, q);
        if (!stopped && responses.isEmpty()) {
            return Handlers.nextOrFailure(name(), next, rewritten, writer);
        }
        ReplyReverter reverter = new ReplyReverter(writer, original, responses, rewritten, request);
        int rc;
        try {
            rc = Handlers.nextOrFailure(name(), next, rewritten, reverter);
        } catch (HandlerException e) {
            reverter.reportError(e);
            rc = e.rcode();
        }
        if (Rcodes.clientWrote(rc)) {
            // A reply written now may still wait for a cname rule's lookup, to be written later.
            return rc != DEFERRED && reverter.deferred() ? DEFERRED : rc;
        }
        // Nothing was written: write the error here, so the client's question and the rules still apply.
        reverter.write(Replies.errorReply(rewritten.message(), rc));
        return reverter.deferred() ? DEFERRED : Rcodes.NOERROR;
    }

    /**
     * The OPT record the edns0 rules left goes in the query itself, as CoreDNS changes the query in
     * place: the rest of the chain, and the server's writer (which mirrors it in the reply), see it.
     */
    private static void changeOpt(Request request, RewriteRule.Question q) {
        OPTRecord opt = q.changedOpt();
        if (opt != null) {
            request.replaceOpt(opt);
        }
    }

    /** The request with the question the rules left, or the request itself when they changed nothing. */
    private static Request rewritten(Request request, Record original, RewriteRule.Question q) {
        boolean sameName = q.name.equals(request.name());
        if (sameName && q.type == original.getType() && q.dclass == original.getDClass()) {
            return request; // the rules left the question as it was
        }
        Name name = sameName ? original.getName() : toName(q.name); // an unchanged name keeps the client's spelling
        Message copy = request.message().clone();
        copy.removeAllRecords(Section.QUESTION);
        copy.addRecord(Record.newRecord(name, q.type, q.dclass), Section.QUESTION);
        return request.withMessage(copy);
    }

    private static Name toName(String s) {
        try {
            return Name.fromString(s.endsWith(".") ? s : s + ".");
        } catch (TextParseException e) {
            return null;
        }
    }
}
